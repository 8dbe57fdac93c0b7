"""What the import commands (import_laos, import_records) share: the file and --commit
arguments, their run (import, report, fail on errors), reading the file within the upload
bounds, and reporting its errors."""

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from lgdata.commands import LanguageCommand
from records import uploads
from records.uploads import IssueList, more_message

T = TypeVar("T")


class ImportCommand(LanguageCommand):
    """A dry run unless --commit is given; a file with errors ends with a CommandError."""

    file_help = "The file."

    def handle(self, *args, file: Path, commit: bool, **options) -> None:
        result = self.import_file(file, commit=commit, **options)
        self.report(result, verbosity=options["verbosity"])
        self.fail_on_errors(result.errors, file)

    def import_file(self, file: Path, *, commit: bool, **options):
        """The import's result (with its ``errors``), a dry run unless ``commit``."""
        raise NotImplementedError

    def report(self, result, *, verbosity: int) -> None:
        """Writes what the import did (or would do) and its problems."""
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("file", type=Path, help=self.file_help)
        parser.add_argument(
            "--commit", action="store_true", help="Apply the file (all or nothing)."
        )

    def read(self, file: Path, parse: Callable[[bytes], T]) -> T:
        """``parse`` of the file's bytes; a file that cannot be read or that the upload rules
        refuse is the command's error."""
        try:
            with file.open("rb") as stream:
                data = uploads.read_limited(stream)
            return parse(data)
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}
            ) from None
        except uploads.UploadError as exc:
            raise CommandError(str(exc)) from None

    def write_errors(self, errors: IssueList) -> None:
        self.stdout.write(_("Errors (%(count)s):") % {"count": errors.total})
        for issue in errors:
            self.stdout.write(f"  {issue}")
        if errors.more:
            self.stdout.write(more_message(errors))

    def fail_on_errors(self, errors: IssueList, file: Path) -> None:
        if errors:
            raise CommandError(
                _("%(count)s error(s) in %(file)s; nothing was written.")
                % {"count": errors.total, "file": file.name}
            )
