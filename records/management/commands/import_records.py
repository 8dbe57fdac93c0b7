"""import_records FILE [--commit] [--user USERNAME]: record values from CSV or XLSX.

One value a row under the header ``lao_code,fiscal_year,field_code,value`` (see
records/record_import.py for the format). A dry run by default: it lists, per LAO and fiscal
year, how many values would change, and every bad row with its line. With --commit it applies
the file all or nothing; the changes go to the history with source "import", by --user. A file
with errors ends with a non-zero exit status and writes nothing.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from records import record_import
from records.management.base import ImportCommand


class Command(ImportCommand):
    help = (
        "Imports record values from CSV (UTF-8) or XLSX with the header "
        "lao_code,fiscal_year,field_code,value, one value a row (empty clears, NA is not "
        "applicable). Dry run unless --commit is given; changes go to the history as an import."
    )
    file_help = "The file, .csv or .xlsx."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="The user the history names for the changes (default: none).",
        )

    def import_file(
        self, file: Path, *, commit: bool, user: str | None = None, **options
    ) -> record_import.RecordImportResult:
        by = None
        if user:
            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(_("Unknown user “%(username)s”.") % {"username": user})
        rows = self.read(file, record_import.record_file_read)
        return record_import.record_values_import(rows=rows, by=by, commit=commit)

    def report(self, result: record_import.RecordImportResult, *, verbosity: int) -> None:
        counts = {
            "rows": result.rows,
            "changed": result.values_changed,
            "records": len(result.updates),
            "new": result.new_records,
            "unchanged": result.unchanged,
            "history": result.history_rows,
        }
        if result.errors:
            self.write_errors(result.errors)
            return
        if result.committed:
            summary = _(
                "Imported %(rows)s rows: %(changed)s values changed in %(records)s records "
                "(%(new)s new), %(unchanged)s unchanged; %(history)s history rows written."
            )
        else:
            summary = _(
                "Dry run, nothing written. %(rows)s rows: %(changed)s values to change in "
                "%(records)s records (%(new)s new), %(unchanged)s unchanged."
            )
        self.stdout.write(summary % counts)
        for update in result.updates:
            count = len(update.values)
            self.stdout.write(
                f"  {update.lao_code} {update.lao_name} {update.fiscal_year}: "
                + ngettext("%(count)d value", "%(count)d values", count) % {"count": count}
            )
            if verbosity >= 2:
                for value in update.values:
                    old = "" if value.old is None else value.old
                    new = "" if value.new is None else value.new
                    self.stdout.write(f"    {value.section_code}.{value.field_code}: {old} → {new}")
        if not result.committed and result.updates:
            self.stdout.write(_("Run again with --commit to apply."))
