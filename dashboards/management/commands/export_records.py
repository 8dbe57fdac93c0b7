"""export_records --format xlsx|csv [--province P] [--district D] [--year BE] -o FILE.

The records of a scope (the whole country by default) as one row per LAO and one column per
field, the same file the portal's export page gives (see dashboards/export_writers.py). CSV is
UTF-8 with a BOM, one header row and one row per LAO; XLSX has a summary sheet and one sheet per
section. A year without records in the area writes no file and says so.
Both are written row by row, so the national export runs in little memory.
"""

import getpass
import time
from pathlib import Path

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from accounts.security import Kind, security_log
from dashboards.export_scope import ExportScopeError, export_scope
from dashboards.export_writers import records_csv_write, records_xlsx_write
from lgdata.commands import LanguageCommand
from lgdata.thai import to_arabic_digits


class Command(LanguageCommand):
    help = (
        "Exports the LAO records of a fiscal year (Buddhist Era, default the current one) as XLSX "
        "or CSV: one row per LAO, one column per field, for the whole country or a province, "
        "district or LAO."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--format", choices=("xlsx", "csv"), required=True)
        parser.add_argument("--province", default="", help="Two-digit DOPA province code.")
        parser.add_argument("--district", default="", help="Four-digit DOPA district code.")
        parser.add_argument("--lao", default="", help="Seven-digit DLA code of one LAO.")
        parser.add_argument("--year", help="Fiscal year in the Buddhist Era, e.g. 2568.")
        parser.add_argument("-o", "--output", type=Path, required=True, help="The file to write.")

    def handle(self, *args, **options) -> None:
        language = options["language"]
        year = None
        if options["year"]:
            try:
                year = int(to_arabic_digits(options["year"].strip()))
            except ValueError:
                raise CommandError(
                    _("“%(value)s” is not a fiscal year; give the Buddhist-Era year, e.g. 2568.")
                    % {"value": options["year"]}
                ) from None
            if not 2540 <= year <= 2700:
                raise CommandError(
                    _("“%(value)s” is not a fiscal year; give the Buddhist-Era year, e.g. 2568.")
                    % {"value": options["year"]}
                )
        try:
            scope = export_scope(
                user=None,
                province=to_arabic_digits(options["province"].strip()),
                district=to_arabic_digits(options["district"].strip()),
                lao=to_arabic_digits(options["lao"].strip()),
                year=year,
                language=language,
            )
        except ExportScopeError as exc:
            raise CommandError(str(exc)) from None
        if not scope.has_records():
            raise CommandError(
                _("No LAO in this area has a record of fiscal year %(year)s yet.")
                % {"year": scope.fiscal_year}
                + " "
                + _("Nothing was exported; choose another year.")
            )
        output: Path = options["output"]
        started = time.monotonic()
        try:
            if options["format"] == "csv":
                with output.open("w", encoding="utf-8", newline="") as stream:
                    records_csv_write(scope, stream, language=language)
                count = scope.laos.count()
            else:
                count = records_xlsx_write(scope, output, language=language)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s") % {"file": output, "reason": exc.strerror}
            ) from None
        security_log(
            Kind.EXPORT,
            username=f"manage.py ({getpass.getuser()})",
            detail=f"export_records {scope.filename}.{options['format']} → {output}",
        )
        self.stdout.write(
            _("Exported %(count)s LAOs, fiscal year %(year)s, to %(file)s in %(seconds).1f s.")
            % {
                "count": count,
                "year": scope.fiscal_year,
                "file": output,
                "seconds": time.monotonic() - started,
            }
        )
