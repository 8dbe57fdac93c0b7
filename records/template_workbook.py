"""The Excel round trip's template: the fill-in workbook of a record (or one section).

An LAO's clerk (for their LAO) or a district officer (for the LAOs of their district) downloads
an XLSX template: one sheet per section, one row per field (code, Thai and English label, unit,
what is allowed) and one column per LAO, with the current values filled in. Header cells are
locked (sheet protection), value cells are not; choices and yes/no have drop-down lists, numbers
their bounds (as a warning, so that "NA" for "not applicable" can still be typed). A very hidden
sheet keeps what the template was made from: the fiscal year, the schema version and, per LAO
and section, the section's version (``SectionEntry.version``) at download time. Reading an
upload of it back is records/spreadsheet.py.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from records import values
from records.models import LAO, Field, Record, Schema, Section, SectionEntry
from records.schema import current_schema

TEMPLATE_MARK = "lgdata-record-template"
TEMPLATE_FORMAT = 1
META_SHEET = "_portal"
LISTS_SHEET = "_lists"
TITLE_ROW, HELP_ROW, HEADER_ROW, NAME_ROW, FIRST_DATA_ROW = 1, 2, 4, 5, 6
FIRST_LAO_COLUMN = 6  # F: after code, Thai label, English label, unit, allowed values
MAX_TEMPLATE_LAOS = 100  # a district has at most a few dozen LAOs
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_LOCKED_FILL = PatternFill("solid", fgColor="E9ECEF")
_HEADER_FILL = PatternFill("solid", fgColor="CFE2FF")
_NOT_APPLICABLE_FILL = PatternFill("solid", fgColor="BFBFBF")
_UNLOCKED = Protection(locked=False)
_FORMULA_START = ("=", "+", "-", "@")


class TemplateBuildError(Exception):
    """No template can be made for these LAOs together; the message says why."""


def label_of(obj, language: str) -> str:
    return obj.label_en if language == "en" else obj.label_th


def _bound(number: Decimal) -> str:
    return f"{number.normalize():f}"


def _allowed(f: Field, language: str) -> str:
    """What a field's cells take, in words, for the "allowed" column."""
    if f.is_numeric:
        kind = _("whole number") if f.type == Field.Type.INTEGER else _("number, 2 decimals")
        if f.min_value is not None and f.max_value is not None:
            kind += f" {values.number_text(f.min_value)}–{values.number_text(f.max_value)}"
        elif f.min_value is not None:
            kind += " ≥ " + values.number_text(f.min_value)
        elif f.max_value is not None:
            kind += " ≤ " + values.number_text(f.max_value)
        return kind
    if f.type == Field.Type.DATE:
        return _("date: day/month/Buddhist-Era year, e.g. 30/9/2568")
    if f.type == Field.Type.BOOLEAN:
        return _("yes or no (from the list)")
    if f.type == Field.Type.CHOICE:
        return _("one of the list")
    return _("text")


def _cell_value(value, f: Field, language: str):
    """A stored value as the template shows it, in the form the upload reads back."""
    if value in (None, ""):
        return None
    if value == values.NOT_APPLICABLE:
        return values.NOT_APPLICABLE
    if f.is_numeric:
        number = Decimal(str(value))
        return int(number) if number == number.to_integral_value() else number
    if f.type == Field.Type.DATE:
        return values.typed_date(datetime.date.fromisoformat(value))
    if f.type == Field.Type.BOOLEAN:
        return _yes_no(language)[0 if value else 1]
    if f.type == Field.Type.CHOICE:
        for choice in f.choices:
            if choice["value"] == value:
                return choice[f"label_{language}"]
    return str(value)


def _yes_no(language: str) -> tuple[str, str]:
    return ("yes", "no") if language == "en" else ("ใช่", "ไม่ใช่")


class _Lists:
    """The hidden sheet of drop-down lists (a list formula longer than 255 characters breaks
    Excel, so lists live in cells and the validation points to them)."""

    def __init__(self, workbook: Workbook, language: str) -> None:
        self.sheet = workbook.create_sheet(LISTS_SHEET)
        self.sheet.sheet_state = "veryHidden"
        self.sheet.protection.sheet = True
        self.language = language
        self.ranges: dict[int, str] = {}

    def range_for(self, f: Field) -> str:
        if f.pk not in self.ranges:
            if f.type == Field.Type.BOOLEAN:
                items = list(_yes_no(self.language))
            else:
                items = [c[f"label_{self.language}"] for c in f.choices]
            items.append(values.NOT_APPLICABLE)
            column = len(self.ranges) + 1
            for row, item in enumerate(items, start=1):
                self.sheet.cell(row=row, column=column, value=item)
            letter = get_column_letter(column)
            self.ranges[f.pk] = f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(items)}"
        return self.ranges[f.pk]


def _validation(f: Field, lists: _Lists, language: str) -> DataValidation | None:
    common = {
        "allow_blank": True,
        "showErrorMessage": True,
        "showInputMessage": True,
        "promptTitle": label_of(f, language)[:32],
        "prompt": (f.help_en if language == "en" else f.help_th)[:250] or None,
    }
    if f.type in (Field.Type.CHOICE, Field.Type.BOOLEAN):
        return DataValidation(
            type="list",
            formula1=lists.range_for(f),
            errorTitle=_("Not in the list")[:32],
            error=_("Choose a value from the list, or NA if it does not apply.")[:225],
            errorStyle="stop",
            **common,
        )
    if not f.is_numeric:
        return None
    kind = "whole" if f.type == Field.Type.INTEGER else "decimal"
    low, high = f.min_value, f.max_value
    if low is not None and high is not None:
        bounds = {"operator": "between", "formula1": _bound(low), "formula2": _bound(high)}
    elif low is not None:
        bounds = {"operator": "greaterThanOrEqual", "formula1": _bound(low)}
    elif high is not None:
        bounds = {"operator": "lessThanOrEqual", "formula1": _bound(high)}
    else:
        bounds = {"operator": "between", "formula1": "-999999999999", "formula2": "999999999999"}
    return DataValidation(
        type=kind,
        errorTitle=_("Check the number")[:32],
        error=(
            _("Expected: %(allowed)s. Type NA if it does not apply here.")
            % {"allowed": _allowed(f, language)}
        )[:225],
        # A warning, not a stop: "NA" (not applicable) is a valid answer in a number cell.
        errorStyle="warning",
        **bounds,
        **common,
    )


def _header(cell, value, *, bold: bool = True, fill: PatternFill = _HEADER_FILL) -> None:
    cell.value = value
    cell.font = Font(bold=bold)
    cell.fill = fill
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _text_cell(cell, value) -> None:
    """Text stays text: a value starting with = is stored as a string, never as a formula."""
    cell.value = value
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell.data_type = "s"


@dataclass
class _Records:
    """The LAOs' records of the year and their entries, in three queries."""

    schema: Schema
    records: dict[int, Record]
    entries: dict[tuple[int, str], SectionEntry]

    def entry(self, lao: LAO, section_code: str) -> SectionEntry | None:
        record = self.records.get(lao.pk)
        return self.entries.get((record.pk, section_code)) if record else None


def _records(laos: list[LAO], fiscal_year: int) -> _Records:
    records = {
        r.lao_id: r
        for r in Record.objects.filter(lao__in=laos, fiscal_year=fiscal_year).select_related(
            "schema"
        )
    }
    schemas = {r.schema_id: r.schema for r in records.values()}
    if len(records) < len(laos):
        current = current_schema()
        schemas.setdefault(current.pk, current)
    if len(schemas) > 1:
        raise TemplateBuildError(
            _(
                "These LAOs' records were made under different versions of the record schema; "
                "download a template for each LAO."
            )
        )
    entries = {
        (e.record_id, e.section.code): e
        for e in SectionEntry.objects.filter(record__in=records.values()).select_related("section")
    }
    return _Records(next(iter(schemas.values())), records, entries)


def template_build(
    *, laos: list[LAO], fiscal_year: int, section_codes: list[str] | None, language: str
) -> bytes:
    """The fill-in XLSX template of the given LAOs' records (all sections, or those named).

    Raises ``TemplateBuildError`` when the LAOs' records follow different schema versions.
    """
    laos = sorted(laos, key=lambda lao: lao.code)[:MAX_TEMPLATE_LAOS]
    data = _records(laos, fiscal_year)
    sections = data.schema.sections.prefetch_related("fields")
    if section_codes:
        sections = sections.filter(code__in=section_codes)
    workbook = Workbook()
    workbook.remove(workbook.active)
    lists = _Lists(workbook, language)
    meta_rows: list[tuple[str, str, str, int]] = []
    for section in sections:
        sheet = workbook.create_sheet(_sheet_title(label_of(section, language), workbook))
        _section_sheet(sheet, section, laos, data, lists, fiscal_year, language)
        for lao in laos:
            entry = data.entry(lao, section.code)
            meta_rows.append((sheet.title, section.code, lao.code, entry.version if entry else 0))
    _meta_sheet(workbook, fiscal_year, data.schema, language, meta_rows)
    workbook.move_sheet(lists.sheet, offset=len(workbook.sheetnames))
    workbook.security = WorkbookProtection(lockStructure=True)
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(text: str, workbook: Workbook) -> str:
    clean = (
        "".join(" " if ch in "[]:*?/\\" else ch for ch in text).strip()[:31].strip() or "section"
    )
    title, n = clean, 2
    while title in workbook.sheetnames:
        suffix = f" ({n})"
        title, n = clean[: 31 - len(suffix)] + suffix, n + 1
    return title


def _section_sheet(
    sheet,
    section: Section,
    laos: list[LAO],
    data: _Records,
    lists: _Lists,
    fiscal_year: int,
    language: str,
) -> None:
    sheet.cell(row=TITLE_ROW, column=1, value=f"{label_of(section, language)} · {fiscal_year}")
    sheet.cell(row=TITLE_ROW, column=1).font = Font(bold=True, size=14)
    sheet.cell(
        row=HELP_ROW,
        column=1,
        value=_(
            "Fill in the white cells. Leave a cell empty for no data and type NA when the item "
            "does not exist here. Grey cells are locked; do not add or move rows or columns."
        ),
    )
    headers = [_("Field code"), _("Item (Thai)"), _("Item (English)"), _("Unit"), _("Allowed")]
    for column, text in enumerate(headers, start=1):
        _header(sheet.cell(row=HEADER_ROW, column=column), text)
        _header(sheet.cell(row=NAME_ROW, column=column), None)
    sheet.cell(row=NAME_ROW, column=FIRST_LAO_COLUMN - 1).value = _("LAO")
    for i, lao in enumerate(laos):
        column = FIRST_LAO_COLUMN + i
        _header(sheet.cell(row=HEADER_ROW, column=column), lao.code)
        _header(sheet.cell(row=NAME_ROW, column=column), lao.display_name)
        sheet.column_dimensions[get_column_letter(column)].width = 20
    for letter, width in zip("ABCDE", (20, 46, 36, 10, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    last_letter = get_column_letter(FIRST_LAO_COLUMN + len(laos) - 1)
    first_letter = get_column_letter(FIRST_LAO_COLUMN)

    for row, f in enumerate(section.fields.all(), start=FIRST_DATA_ROW):
        unit = (f.unit_en or f.unit_th) if language == "en" else f.unit_th
        for column, value in enumerate(
            (f.code, f.label_th, f.label_en, unit, _allowed(f, language)), start=1
        ):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.fill = _LOCKED_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for i, lao in enumerate(laos):
            cell = sheet.cell(row=row, column=FIRST_LAO_COLUMN + i)
            if not f.applies(lao.type):
                cell.fill = _NOT_APPLICABLE_FILL
                continue
            entry = data.entry(lao, section.code)
            value = _cell_value(entry.values.get(f.code) if entry else None, f, language)
            _text_cell(cell, value)
            cell.protection = _UNLOCKED
            if f.type == Field.Type.DATE or f.type == Field.Type.TEXT:
                cell.number_format = "@"  # typed dates stay text: Excel would read 2568 as CE
        validation = _validation(f, lists, language)
        if validation is not None:
            validation.add(f"{first_letter}{row}:{last_letter}{row}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = sheet.cell(row=FIRST_DATA_ROW, column=FIRST_LAO_COLUMN)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # people may still widen columns and rows
    sheet.protection.formatRows = False


def _meta_sheet(
    workbook: Workbook,
    fiscal_year: int,
    schema: Schema,
    language: str,
    rows: list[tuple[str, str, str, int]],
) -> None:
    sheet = workbook.create_sheet(META_SHEET)
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True
    sheet.append([TEMPLATE_MARK, TEMPLATE_FORMAT])
    sheet.append(["fiscal_year", fiscal_year])
    sheet.append(["schema_version", schema.version])
    sheet.append(["language", language])
    sheet.append(["created", timezone.now().isoformat()])
    sheet.append([])
    sheet.append(["sheet", "section", "lao", "version"])
    for row in rows:
        sheet.append(list(row))


def template_filename(*, laos: list[LAO], fiscal_year: int, section_code: str | None) -> str:
    who = laos[0].code if len(laos) == 1 else laos[0].district_id if laos else "laos"
    return f"template-{who}-{fiscal_year}{'-' + section_code if section_code else ''}.xlsx"
