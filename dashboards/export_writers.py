"""The records of a scope as one table: one row per LAO, one column per field of the schema.

CSV is for people and programs alike: one header row (the summary columns, a status column per
section, then one column per field named by its code) and one row per LAO, every row the same
width. XLSX is for people: a summary sheet (per LAO: code, name, type, district, province,
completeness, last update, each section's status) and one sheet per section under a header block
of five rows (section, Thai label, English label, unit, field code), each sheet starting with the
title, the filters and the time of export. Both escape cells that would run as a formula. A
section's status is records.services.SectionState: a section whose cross-field rule fails
"needs checking", as on the LAO page and the dashboards.

The national export (~7,850 LAOs x 238 fields) never sits in memory: two queries are read with
``.iterator(chunk_size=...)`` side by side, the LAOs (with their record of the year) and the
records' section entries, both ordered by LAO code, so one LAO's row is put together at a time.
XLSX is written by XlsxWriter in its constant-memory mode, straight to a file (a large one in
the background: ``dashboards.export_jobs``): each sheet's finished rows go to a temporary file as
the next row starts. As a bare writer it wrote the national table in about 4 s where openpyxl's
write-only mode took 17 s (docs/benchmarks.md; `make bench` measures both). Text is written as
text: no formulas, no links made of it. Which LAOs are exported is ``dashboards.export_scope``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import xlsxwriter
from django.db.models import FilteredRelation, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from pythainlp.tokenize import word_tokenize

from dashboards.export_scope import ExportScope
from dashboards.exports import csv_table, preamble, safe_cell
from lgdata.thai import BE_OFFSET
from records.completeness import percent
from records.models import LAO, Field, Record, Schema, Section, SectionEntry
from records.schema import current_schema
from records.services import SectionState
from records.values import NOT_APPLICABLE, cell_value

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
        self.by_section: list[tuple[Section, list[_Column]]] = [
            (s, [_Column(s, f, self._converter(f)) for f in s.fields.all()]) for s in self.sections
        ]
        self.columns = [c for _s, columns in self.by_section for c in columns]

    def _converter(self, f: Field) -> Callable[[object], object]:
        """A function from a stored value to the cell (records.values.cell_value: numbers stay
        numbers, dates in the Buddhist Era, the rest in words), text escaped against formulas."""
        language = self.language
        return lambda v: safe_cell(cell_value(v, f, language))

    def xlsx_converters(self, columns: list[_Column]) -> list[Callable[[object], object]]:
        """The columns' converters for a spreadsheet, where a number is a float in the file
        whatever type it is given as: a stored number (text) goes straight to a float, the
        same number ``cell_value`` makes, without the Decimal between; the rest as above."""
        return [_float_first(c.convert) if c.field.is_numeric else c.convert for c in columns]

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
    # Section code -> SectionState, for the sections the record has.
    states: dict[str, str] = field(default_factory=dict)

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
        .values_list(
            "record__lao__code",
            "section__code",
            "values",
            "required_count",
            "filled_count",
            "rules_pass",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )
    types = {value: str(label) for value, label in LAO.Type.choices}
    pending = next(entries, None)
    for code, name, lao_type, district_th, district, province_th, province, *record in laos:
        values: dict[str, dict] = {}
        states: dict[str, str] = {}
        while pending is not None and pending[0] <= code:
            if pending[0] == code:
                _code, section, stored, required, filled, rules_pass = pending
                values[section] = stored
                states[section] = SectionState.of(
                    required=required, filled=filled, rules_pass=rules_pass
                )
            pending = next(entries, None)
        yield ExportRow(
            code=code,
            name=LAO.written_name(lao_type, name),
            type=types.get(lao_type, lao_type),
            district=district or district_th,
            province=province or province_th,
            required=record[0],
            filled=record[1],
            updated_at=record[2],
            values=values,
            states=states,
        )


def _float_first(convert: Callable[[object], object]) -> Callable[[object], object]:
    """``convert`` for a numeric field, with the usual stored number (finite, as text) read as
    a float at once."""

    def number(value):
        if value.__class__ is str and value != NOT_APPLICABLE:
            try:
                found = float(value)
            except ValueError:
                return convert(value)
            if found - found == 0:  # not inf or nan, which are not numbers in a cell
                return found + 0.0  # -0 is 0
        return convert(value)

    return number


def _field_cells(layout: _Layout, columns: list[_Column], values: dict[str, dict]) -> list:
    cells: list = []
    section_code, section_values = None, {}
    for column in columns:
        if column.section.code != section_code:
            section_code = column.section.code
            section_values = values.get(section_code) or {}
        cells.append(column.convert(section_values.get(column.field.code)))
    return cells


def _section_cells(codes: list[str], converters: list, section_values: dict) -> list:
    """One section's cells for a spreadsheet row: each field's value through its converter."""
    get = section_values.get
    return [convert(get(code)) for code, convert in zip(codes, converters, strict=True)]


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


def _status_cells(layout: _Layout, row: ExportRow) -> list[str]:
    """Each section's state in words; a section the LAO has no record of is not started."""
    return [
        SectionState.label(row.states.get(section.code, SectionState.NOT_STARTED))
        for section in layout.sections
    ]


# --- CSV ---------------------------------------------------------------------------------------


def records_csv(scope: ExportScope, *, language: str = "th") -> Iterable[str]:
    """The scope as one CSV table, line by line (UTF-8 with a BOM first): one header row and one
    row per LAO, every row as wide as the header (the title and filters are in the XLSX only).

    The summary columns (code, name, type, district, province, completeness, last update) lead,
    then a status column per section ("<section code>.status"), then one column per field in
    schema order, headed by the field's code.
    """
    layout = _Layout(_schema_for(scope), language)
    header = [
        *_summary_columns(),
        *(f"{section.code}.status" for section in layout.sections),
        *(c.field.code for c in layout.columns),
    ]

    def rows() -> Iterator[list]:
        for row in export_rows(scope, language=language):
            yield (
                _summary_cells(row)
                + _status_cells(layout, row)
                + _field_cells(layout, layout.columns, row.values)
            )

    return csv_table(columns=header, rows=rows())


def records_csv_write(scope: ExportScope, stream: IO[str], *, language: str = "th") -> None:
    """Writes the CSV export to a text stream (opened with newline="")."""
    for line in records_csv(scope, language=language):
        stream.write(line)


# --- XLSX --------------------------------------------------------------------------------------


SHEET_TITLE_MAX = 31  # Excel's limit
# Words a shortened sheet name does not end on ("General information and" reads cut off).
_DANGLING_WORDS = frozenset({"and", "or", "of", "the", "และ", "หรือ", "ของ"})


def _sheet_title(text: str, used: set[str]) -> str:
    """A sheet name Excel accepts (at most 31 characters, none of []:*?/\\, unique) made of
    whole words: a longer label is cut after its last whole word that fits (Thai words found by
    pythainlp), before an unclosed bracket and without a dangling "and"; a name already used
    gets " (2)"."""
    clean = re.sub(r"\s+", " ", re.sub(r"[\[\]:*?/\\]", " ", text)).strip() or "sheet"
    title, n = _whole_words(clean, SHEET_TITLE_MAX), 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = _whole_words(clean, SHEET_TITLE_MAX - len(suffix)) + suffix, n + 1
    used.add(title.lower())
    return title


def _whole_words(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    kept: list[str] = []
    for word in word_tokenize(text, engine="newmm", keep_whitespace=True):
        if len("".join(kept)) + len(word) > limit:
            break
        kept.append(word)
    if "".join(kept).count("(") > "".join(kept).count(")"):  # no half of a bracket
        kept = kept[: max(i for i, word in enumerate(kept) if "(" in word)]
    while kept and (kept[-1].strip(" ,(") == "" or kept[-1].lower() in _DANGLING_WORDS):
        kept.pop()
    return "".join(kept).rstrip(" ,") or text[:limit]


class _Sheet:
    """An XlsxWriter worksheet filled row after row, as constant-memory mode requires."""

    def __init__(self, workbook: xlsxwriter.Workbook, title: str, bold) -> None:
        self.sheet = workbook.add_worksheet(title)
        self.bold = bold
        self.row = 0

    def widths(self, widths: Iterable[float]) -> None:
        for column, width in enumerate(widths):
            self.sheet.set_column(column, column, width)

    def freeze(self, cell_row: int, cell_column: int) -> None:
        """Rows above `cell_row` and columns left of `cell_column` (both 1-based) stay put."""
        self.sheet.freeze_panes(cell_row - 1, cell_column - 1)

    def append(self, values: list, *, bold: bool = False) -> None:
        """The next row; a header row's values go through safe_cell and are bold."""
        if bold:
            values = [safe_cell(v) for v in values]
        if values:
            self.sheet.write_row(self.row, 0, values, self.bold if bold else None)
        self.row += 1

    def append_cells(self, values: list) -> None:
        """The next row of cells made by the converters (floats, text already escaped, or
        empty): each written by its type's own writer, an empty cell not at all, as
        ``write_row`` would write them but without asking every cell what it is."""
        row, number, text = self.row, self.sheet.write_number, self.sheet.write_string
        for column, value in enumerate(values):
            kind = value.__class__
            if kind is float or kind is int:
                number(row, column, value)
            elif kind is str:
                if value:
                    text(row, column, value)
            elif value is not None:
                self.sheet.write(row, column, value)
        self.row += 1


def records_xlsx_write(
    scope: ExportScope,
    target: str | Path | IO[bytes],
    *,
    language: str = "th",
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Writes the XLSX export (summary sheet + one sheet per section) to a path or binary file
    with XlsxWriter in constant-memory mode: rows go to disk as they are made. Returns the LAO
    count.

    `on_progress(done, total)` is called every PROGRESS_EVERY LAOs and at the end.
    """
    layout = _Layout(_schema_for(scope), language)
    title = _title(scope)
    top = preamble(title, scope.filters)
    total = scope.laos.count() if on_progress else 0
    workbook = xlsxwriter.Workbook(
        str(target) if isinstance(target, str | Path) else target,
        # Cells hold what the portal stored: text stays text, never a formula or a link.
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    bold = workbook.add_format({"bold": True})
    used: set[str] = set()

    summary = _Sheet(workbook, _sheet_title(_("Summary"), used), bold)
    summary.widths((11, 34, 30, 22, 18, 14, 18))
    summary.freeze(len(top) + 2, 3)
    for line in top:
        summary.append(line)
    label = "label_en" if language == "en" else "label_th"
    statuses = [_("%(section)s: status") % {"section": getattr(s, label)} for s in layout.sections]
    summary.append([*_summary_columns(), *statuses], bold=True)

    sheets = []
    for section, columns in layout.by_section:
        codes = [c.field.code for c in columns]
        sheet = _Sheet(workbook, _sheet_title(getattr(section, label), used), bold)
        sheet.widths((11, 34))
        sheet.freeze(len(top) + 6, 3)
        for line in preamble(f"{title}: {getattr(section, label)}", scope.filters):
            sheet.append(line)
        for line in layout.header_block(columns, [_("LAO code"), _("LAO")]):
            sheet.append(line, bold=True)
        sheets.append((sheet, section.code, codes, layout.xlsx_converters(columns)))

    done = 0
    for row in export_rows(scope, language=language):
        summary.append(_summary_cells(row) + _status_cells(layout, row))
        lead = [row.code, safe_cell(row.name)]
        for sheet, section_code, codes, converters in sheets:
            values = row.values.get(section_code) or {}
            sheet.append_cells(lead + _section_cells(codes, converters, values))
        done += 1
        if on_progress and done % PROGRESS_EVERY == 0:
            on_progress(done, total)
    workbook.close()
    if on_progress:
        on_progress(done, max(total, done))
    return done
