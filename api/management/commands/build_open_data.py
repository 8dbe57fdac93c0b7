"""manage.py build_open_data [--year BE]: writes the day's open-data files (run it from cron)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from api.opendata import open_data_build


class Command(BaseCommand):
    help = (
        "Writes the national completeness per LAO as CSV and JSON under MEDIA_ROOT/opendata/ "
        "(served at /opendata/ when OPEN_DATA_FEED is on). Run it once a day, e.g. from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=int, help="Fiscal year, Buddhist Era (default: the current one)."
        )

    def handle(self, *args, **options) -> None:
        year = options["year"]
        if year is not None and not 2540 <= year <= 2700:
            raise CommandError(
                _("--year is a Buddhist-Era fiscal year from 2540 to 2700, e.g. 2568.")
            )
        result = open_data_build(fiscal_year=year)
        for path in result.paths:
            self.stdout.write(f"{path} ({result.rows} LAOs, fiscal year {result.fiscal_year})")
