"""The records of a scope as one table: one row per LAO, one column per field of the schema.

CSV is one wide table under a header block of five rows (section, Thai label, English label,
unit, field code); XLSX has a summary sheet (per LAO: code, name, type, district, province,
completeness, last update) and one sheet per section with the same header block. Both start with
the title, the filters and the time of export, and escape cells that would run as a formula.

The national export (~7,850 LAOs x 238 fields) never sits in memory: two queries are read with
``.iterator(chunk_size=...)`` side by side, the LAOs (with their record of the year) and the
records' section entries, both ordered by LAO code, so one LAO's row is put together at a time.
XLSX is written in openpyxl's write-only mode, straight to a file (a large one in the
background: ``dashboards.export_jobs``). Which LAOs are exported is ``dashboards.export_scope``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.db.models import FilteredRelation, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from dashboards.export_scope import ExportScope
from dashboards.exports import bold_row, csv_stream, preamble, safe_cell
from lgdata.thai import BE_OFFSET
from records.completeness import percent
from records.models import LAO, Field, Record, Schema, Section, SectionEntry
from records.schema import current_schema
from records.services import NOT_APPLICABLE

# Rows read from the database at a time: enough to keep the number of round trips low, small
# enough that a chunk of section entries (each a JSON object of up to ~40 values) stays small.
CHUNK_SIZE = 2000
# How often (in LAOs) a running job writes its progress.
PROGRESS_EVERY = 250


# --- The columns -----------------------------------------------------------------------------


@dataclass
class _Column:
    section: Section
    field: Field
    convert: Callable[[object], object]


class _Layout:
    """The schema's sections and fields in order, each field with its cell converter."""

    def __init__(self, schema: Schema, language: str) -> None:
        self.language = language
        self.sections = list(schema.sections.prefetch_related("fields"))
        self.not_applicable = _("not applicable")
        self.yes, self.no = _("yes"), _("no")
        self.by_section: list[tuple[Section, list[_Column]]] = [
            (s, [_Column(s, f, self._converter(f)) for f in s.fields.all()]) for s in self.sections
        ]
        self.columns = [c for _s, columns in self.by_section for c in columns]

    def _converter(self, f: Field) -> Callable[[object], object]:
        """A function from a stored value to the cell: numbers stay numbers, dates in the
        Buddhist Era, choices and yes/no in words, text escaped against formulas."""
        na = self.not_applicable
        if f.is_numeric:
            return lambda v: "" if v is None else na if v == NOT_APPLICABLE else _number(v)
        if f.type == Field.Type.DATE:
            return lambda v: "" if v is None else na if v == NOT_APPLICABLE else _be_day(v)
        if f.type == Field.Type.BOOLEAN:
            yes, no = self.yes, self.no
            return lambda v: "" if v is None else na if v == NOT_APPLICABLE else yes if v else no
        if f.type == Field.Type.CHOICE:
            labels = {c["value"]: c[f"label_{self.language}"] for c in f.choices}
            return lambda v: (
                "" if v is None else na if v == NOT_APPLICABLE else labels.get(v, safe_cell(v))
            )
        return lambda v: "" if v is None else na if v == NOT_APPLICABLE else safe_cell(v)

    def _unit(self, f: Field) -> str:
        return (f.unit_en or f.unit_th) if self.language == "en" else f.unit_th

    def header_block(self, columns: list[_Column], lead: list[str]) -> list[list]:
        """The five header rows over `columns`, after the `lead` columns (LAO code, name...):
        each row's name sits in the last lead column, the lead names on the last row."""
        pad = [""] * (len(lead) - 1)
        label = "label_en" if self.language == "en" else "label_th"
        return [
            [*pad, _("Section"), *(getattr(c.section, label) for c in columns)],
            [*pad, _("Thai label"), *(c.field.label_th for c in columns)],
            [*pad, _("English label"), *(c.field.label_en for c in columns)],
            [*pad, _("Unit"), *(self._unit(c.field) for c in columns)],
            [*lead, *(c.field.code for c in columns)],
        ]


def _number(value: object) -> Decimal | str:
    try:
        return Decimal(value if isinstance(value, str) else str(value))
    except ArithmeticError:  # not a number after all: shown as it is stored
        return safe_cell(value)


def _be_day(iso: str) -> str:
    day = datetime.date.fromisoformat(iso)
    return f"{day.day}/{day.month}/{day.year + BE_OFFSET}"


def _be_moment(moment: datetime.datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local.day}/{local.month}/{local.year + BE_OFFSET} {local:%H:%M}"


def _schema_for(scope: ExportScope) -> Schema:
    """The newest schema the year's records in the scope were made under (the current one when
    there is none); values of older versions are matched by section and field code."""
    latest = (
        Record.objects.filter(fiscal_year=scope.fiscal_year, lao__in=scope.laos)
        .order_by("-schema__version")
        .values_list("schema_id", flat=True)
        .first()
    )
    return Schema.objects.get(pk=latest) if latest else current_schema()


# --- Reading the rows, one LAO at a time -----------------------------------------------------


@dataclass
class ExportRow:
    """One LAO of the export: who it is, its record's completeness, and its values by section."""

    code: str
    name: str
    type: str
    district: str
    province: str
    required: int | None
    filled: int | None
    updated_at: datetime.datetime | None
    values: dict[str, dict]

    @property
    def percent(self) -> float:
        if self.required is None:  # no record of the year
            return 0.0
        return percent(self.filled or 0, self.required)


def export_rows(scope: ExportScope, *, language: str = "th") -> Iterator[ExportRow]:
    """The scope's LAOs in code order, each with its values of the year by section code.

    Two queries, read in chunks side by side, whatever the number of LAOs: memory holds one
    chunk of each and one LAO's values, never the table.
    """
    name_field = "name_en" if language == "en" else "name_th"
    laos = (
        scope.laos.annotate(
            year_record=FilteredRelation(
                "records", condition=Q(records__fiscal_year=scope.fiscal_year)
            )
        )
        .order_by("code")
        .values_list(
            "code",
            "name_th",
            "type",
            "district__name_th",
            f"district__{name_field}",
            "district__province__name_th",
            f"district__province__{name_field}",
            "year_record__required_count",
            "year_record__filled_count",
            "year_record__updated_at",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )
    entries = (
        SectionEntry.objects.filter(
            record__fiscal_year=scope.fiscal_year, record__lao__in=scope.laos
        )
        .order_by("record__lao__code")
        .values_list("record__lao__code", "section__code", "values")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    types = {value: str(label) for value, label in LAO.Type.choices}
    pending = next(entries, None)
    for code, name, lao_type, district_th, district, province_th, province, *record in laos:
        values: dict[str, dict] = {}
        while pending is not None and pending[0] <= code:
            if pending[0] == code:
                values[pending[1]] = pending[2]
            pending = next(entries, None)
        yield ExportRow(
            code=code,
            name=f"{LAO.ABBREVIATIONS[lao_type]}{name}",
            type=types.get(lao_type, lao_type),
            district=district or district_th,
            province=province or province_th,
            required=record[0],
            filled=record[1],
            updated_at=record[2],
            values=values,
        )


def _field_cells(layout: _Layout, columns: list[_Column], values: dict[str, dict]) -> list:
    cells = []
    section_code, section_values = None, {}
    for column in columns:
        if column.section.code != section_code:
            section_code = column.section.code
            section_values = values.get(section_code) or {}
        cells.append(column.convert(section_values.get(column.field.code)))
    return cells


def _title(scope: ExportScope) -> str:
    return _("LAO central data records, fiscal year %(year)s") % {"year": scope.fiscal_year}


def _summary_columns() -> list[str]:
    return [
        _("LAO code"),
        _("LAO"),
        _("Type"),
        _("District"),
        _("Province"),
        _("Completeness (%)"),
        _("Last update"),
    ]


def _summary_cells(row: ExportRow) -> list:
    return [
        row.code,
        safe_cell(row.name),
        row.type,
        safe_cell(row.district),
        safe_cell(row.province),
        row.percent,
        _be_moment(row.updated_at),
    ]


# --- CSV ---------------------------------------------------------------------------------------


def records_csv(scope: ExportScope, *, language: str = "th") -> Iterable[str]:
    """The scope as one wide CSV table, line by line (UTF-8 with a BOM first).

    The summary columns (code, name, type, district, province, completeness, last update) lead,
    then one column per field in schema order, under the five header rows.
    """
    layout = _Layout(_schema_for(scope), language)
    header = layout.header_block(layout.columns, _summary_columns())

    def rows() -> Iterator[list]:
        yield from header[1:]
        for row in export_rows(scope, language=language):
            yield _summary_cells(row) + _field_cells(layout, layout.columns, row.values)

    return csv_stream(title=_title(scope), filters=scope.filters, columns=header[0], rows=rows())


def records_csv_write(scope: ExportScope, stream: IO[str], *, language: str = "th") -> None:
    """Writes the CSV export to a text stream (opened with newline="")."""
    for line in records_csv(scope, language=language):
        stream.write(line)


# --- XLSX --------------------------------------------------------------------------------------


def _sheet_title(text: str, used: set[str]) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\, unique."""
    clean = re.sub(r"[\[\]:*?/\\]", " ", text).strip()[:31].strip() or "sheet"
    title, n = clean, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def records_xlsx_write(
    scope: ExportScope,
    target: str | Path | IO[bytes],
    *,
    language: str = "th",
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Writes the XLSX export (summary sheet + one sheet per section) to a path or binary file,
    in openpyxl's write-only mode: rows go to disk as they are made. Returns the LAO count.

    `on_progress(done, total)` is called every PROGRESS_EVERY LAOs and at the end.
    """
    layout = _Layout(_schema_for(scope), language)
    title = _title(scope)
    top = preamble(title, scope.filters)
    total = scope.laos.count() if on_progress else 0
    workbook = Workbook(write_only=True)
    used: set[str] = set()

    summary = workbook.create_sheet(_sheet_title(_("Summary"), used))
    for width, letter in zip((11, 34, 30, 22, 18, 14, 18), "ABCDEFG", strict=True):
        summary.column_dimensions[letter].width = width
    summary.freeze_panes = f"C{len(top) + 2}"
    for line in top:
        summary.append(line)
    summary.append(bold_row(summary, _summary_columns()))

    label = "label_en" if language == "en" else "label_th"
    sheets = []
    for section, columns in layout.by_section:
        sheet = workbook.create_sheet(_sheet_title(getattr(section, label), used))
        sheet.column_dimensions["A"].width = 11
        sheet.column_dimensions["B"].width = 34
        sheet.freeze_panes = f"C{len(top) + 6}"
        for line in preamble(f"{title}: {getattr(section, label)}", scope.filters):
            sheet.append(line)
        for line in layout.header_block(columns, [_("LAO code"), _("LAO")]):
            sheet.append(bold_row(sheet, line))
        sheets.append((sheet, columns))

    done = 0
    for row in export_rows(scope, language=language):
        summary.append(_summary_cells(row))
        lead = [row.code, safe_cell(row.name)]
        for sheet, columns in sheets:
            sheet.append(lead + _field_cells(layout, columns, row.values))
        done += 1
        if on_progress and done % PROGRESS_EVERY == 0:
            on_progress(done, total)
    workbook.save(target)
    if on_progress:
        on_progress(done, max(total, done))
    return done
