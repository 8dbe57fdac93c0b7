from django.core.management.base import BaseCommand, CommandError

from deadlines import progress_rollups
from records import gap_rollups, rollups

# What is rolled up, and where: the key figures' sums (records/rollups.py), the dashboards'
# progress counts (deadlines/progress_rollups.py) and the field-level view's counts
# (records/gap_rollups.py). All are kept current by every write; this command is for after a
# bulk load, or to check them.
KINDS = {"key figures": rollups, "progress": progress_rollups, "field gaps": gap_rollups}


class Command(BaseCommand):
    help = (
        "Recomputes the stored roll-ups (the key figures' sums, the dashboards' progress counts "
        "and the field-level view's counts) from the records (after a bulk load), or with "
        "--check only compares them and fails when they differ (records/rollups.py, "
        "deadlines/progress_rollups.py, records/gap_rollups.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, action="append", help="a fiscal year (BE); default: every year"
        )
        parser.add_argument("--check", action="store_true", help="compare only; change nothing")

    def handle(self, *args, year=None, check=False, **options):
        if check:
            lines = [
                f"{kind}: {line}"
                for kind, module in KINDS.items()
                for line in module.differences(year)
            ]
            for line in lines[:50]:
                self.stdout.write(line)
            if lines:
                raise CommandError(f"{len(lines)} stored roll-ups differ from the records")
            self.stdout.write("The stored roll-ups equal the records' figures.")
            return
        for kind, module in KINDS.items():
            written = module.rebuild(year)
            self.stdout.write(f"{kind}: {written:,} roll-up rows corrected.")
