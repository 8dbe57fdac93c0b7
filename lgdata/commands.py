"""A management command that speaks the language its --language option names.

Messages are Thai by default. The language is switched for the command's run only and
restored afterwards, so a command called from code (or a test) leaves the caller's language
as it was.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation


class LanguageCommand(BaseCommand):
    language_help = "Language of the messages (default: %(default)s)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help=self.language_help,
        )

    def execute(self, *args, **options):
        with translation.override(options.get("language") or settings.LANGUAGE_CODE):
            return super().execute(*args, **options)
