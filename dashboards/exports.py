"""Tables as files: every table the portal shows can be downloaded as CSV or XLSX.

CSV is UTF-8 with a BOM so Excel reads Thai; XLSX is written in openpyxl's write-only mode. Both
start with the title, the filters applied and the time of export (Buddhist Era), then the
header row and the rows. Cells that a spreadsheet would run as a formula are escaped.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from lgdata.thai import be_date, be_datetime

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value ready for a cell: dates in the Buddhist Era, text that could start a formula
    prefixed with an apostrophe (OWASP "CSV injection"), numbers left as numbers."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return be_datetime(value)
    if isinstance(value, datetime.date):
        return be_date(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def preamble(title: str, filters: dict[str, str]) -> list[list[str]]:
    lines = [[title]]
    for label, value in filters.items():
        lines.append([f"{label}: {value}"])
    lines.append([_("Exported on %(when)s") % {"when": be_datetime(timezone.now())}])
    lines.append([])
    return lines


def bold_row(sheet, values: Iterable) -> list[WriteOnlyCell]:
    """A header row for a write-only sheet: the values as safe cells, in bold."""
    bold = Font(bold=True)
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=safe_cell(value))
        cell.font = bold
        cells.append(cell)
    return cells


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_table(*, columns: Sequence[str], rows: Iterable[Sequence]) -> Iterable[str]:
    """CSV lines one by one, BOM first: the header row and the rows, nothing else, so a program
    reads it as it is (every row as wide as the header)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([safe_cell(c) for c in columns])
    for row in rows:
        cells = [safe_cell(v) for v in row]
        if len(cells) != len(columns):
            raise ValueError(f"a row of {len(cells)} cells under {len(columns)} columns")
        yield writer.writerow(cells)


def xlsx_bytes(
    *, title: str, filters: dict[str, str], columns: Sequence[str], rows: Iterable[Sequence]
) -> bytes:
    """An XLSX workbook of one sheet, written row by row in write-only (constant memory) mode."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "table")
    for line in preamble(title, filters):
        sheet.append(line)
    sheet.append(bold_row(sheet, columns))
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_response(
    *,
    fmt: str,
    title: str,
    filename: str,
    columns: Sequence[str],
    rows: Iterable[Sequence],
    filters: dict[str, str] | None = None,
) -> HttpResponse:
    """A download of a table: `fmt` is "csv" (streamed) or "xlsx"; `filename` without suffix.

    The workbook starts with the title, the filters and when it was exported; the CSV is the
    header row and the rows only, so a program reads it as it is (docs/exports.md)."""
    filters = filters or {}
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_table(columns=columns, rows=rows),
            content_type="text/csv; charset=utf-8",
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(title=title, filters=filters, columns=columns, rows=rows),
            content_type=XLSX_TYPE,
        )
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
