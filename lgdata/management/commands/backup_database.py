from pathlib import Path

from django.core.management.base import BaseCommand

from lgdata import backup


class Command(BaseCommand):
    help = "Writes a consistent backup of the database (pg_dump, or SQLite's online backup)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", help="where to write (default var/backups/…)")

    def handle(self, *args, file: str | None, **options) -> None:
        path = backup.backup(Path(file) if file else backup.default_backup_path())
        self.stdout.write(str(path))
