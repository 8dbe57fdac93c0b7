from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from lgdata import backup


class Command(BaseCommand):
    help = "Replaces the database's contents with a backup made by backup_database."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--yes", action="store_true", help="confirm that every table is to be replaced"
        )

    def handle(self, *args, file: str, yes: bool, **options) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No backup file at {path}.")
        if not yes:
            raise CommandError(
                f"This replaces every table of {connection.settings_dict['NAME']} with {path}. "
                "Run again with --yes to go ahead."
            )
        backup.restore(path)
        self.stdout.write(f"Restored {path} into {connection.settings_dict['NAME']}.")
