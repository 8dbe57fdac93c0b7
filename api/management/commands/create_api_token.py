"""manage.py create_api_token USERNAME [--name NAME]: issues an API token and prints it once."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from accounts.models import User
from api.services import token_issue


class Command(BaseCommand):
    help = (
        "Issues a read-only API token that acts for USERNAME (and sees what that user sees) and "
        "prints it once; only its hash is kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--name", default="", help="Who or what uses the token (default: the username)."
        )

    def handle(self, *args, **options) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(_("There is no user with this username."))
        if not user.is_active:
            raise CommandError(_("This user's account is disabled; a token for it would not work."))
        name = options["name"].strip() or user.username
        token, text = token_issue(user=user, name=name[:100], by=None)
        # The token alone on stdout, so that scripts can capture it; the rest on stderr.
        self.stdout.write(text)
        self.stderr.write(
            _("Token “%(name)s” (%(prefix)s…) issued for %(username)s. It is shown only once.")
            % {"name": token.name, "prefix": token.prefix, "username": user.username}
        )
