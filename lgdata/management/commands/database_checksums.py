import json

from django.core.management.base import BaseCommand

from lgdata import backup


class Command(BaseCommand):
    help = "Prints every table's row count and checksum as JSON (to compare after a restore)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(json.dumps(backup.table_checksums(), indent=1, sort_keys=True))
