from django.core.management.base import BaseCommand, CommandError

from records import rollups


class Command(BaseCommand):
    help = (
        "Recomputes the key figures' stored roll-ups from the records (after a bulk load), or "
        "with --check only compares them and fails when they differ (records/rollups.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, action="append", help="a fiscal year (BE); default: every year"
        )
        parser.add_argument("--check", action="store_true", help="compare only; change nothing")

    def handle(self, *args, year=None, check=False, **options):
        if check:
            lines = rollups.differences(year)
            for line in lines[:50]:
                self.stdout.write(line)
            if lines:
                raise CommandError(f"{len(lines)} stored roll-ups differ from the records")
            self.stdout.write("The stored roll-ups equal the records' figures.")
            return
        written = rollups.rebuild(year)
        self.stdout.write(f"{written:,} roll-up rows corrected.")
