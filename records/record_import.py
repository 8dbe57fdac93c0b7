"""Importing record values from a file, one value a row, so that the history says "import".

The file is CSV (UTF-8, with or without a byte-order mark, or TIS-620) or XLSX (the first
sheet), read as records/uploads.py reads every upload. Its first line is the header
``lao_code,fiscal_year,field_code,value`` (in any order; other columns are ignored), and
every further line sets one value of one LAO's record:

    lao_code,fiscal_year,field_code,value
    6670101,2569,population_total,"5,432"
    6670101,2569,population_as_of,30/9/2568
    6670101,2569,pwa_service,ใช่
    6670101,2569,railway_stations,NA
    6670101,2569,fax,

- ``lao_code``: the seven-digit DLA code; ``fiscal_year``: Buddhist Era, 2540 to next year's.
- ``field_code``: a field of the schema the record was made under (the current schema for a
  record the import makes), applicable to the LAO's type.
- ``value``: numbers with Thai or Arabic digits and thousands separators (whole for integer
  fields, at most two decimals otherwise, within the field's bounds); dates as day/month/
  Buddhist-Era year or as ISO year-month-day (a year above 2400 is Buddhist Era); yes/no as
  ใช่/ไม่ใช่, yes/no, true/false or 1/0; a choice by its value or its Thai or English label.
  An empty value clears the field, ``NA`` marks it "not applicable".

``record_file_read`` turns the file into rows (or raises ``UploadError`` for a file that
cannot be read at all); ``record_values_import`` checks every row and reports every bad one by
line, then saves each changed section through ``records.services.section_save`` with source
"import", so the edit guards, completeness, rules, flags and history are exactly as for a form
save. A dry run (no ``commit``) saves too and rolls back. All or nothing: one bad row or one
closed record and nothing is written. A value equal to the stored one is not a change, so
importing the same file twice writes nothing new.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lgdata.thai import fiscal_year_of, to_arabic_digits
from records import gap_rollups, rollups, uploads, values
from records.models import LAO, Field, Record, Rule, Section, SectionEntry, ValueChange
from records.schema import current_schema
from records.services import (
    EditBlockedError,
    StaleSectionError,
    applicable_fields,
    record_get_or_create,
    section_save,
)
from records.uploads import FileIssue, UploadError

if TYPE_CHECKING:
    from accounts.models import User

COLUMNS = ("lao_code", "fiscal_year", "field_code", "value")
FIRST_FISCAL_YEAR = 2540
QUERY_CHUNK = 500  # below SQLite's 999 bound parameters


@dataclass(frozen=True)
class ImportRow:
    """One line of the file as read: cells are text (CSV) or what the workbook holds (XLSX)."""

    line: int
    lao_code: object
    fiscal_year: object
    field_code: object
    value: object


@dataclass(frozen=True)
class ValueUpdate:
    """One value the import changes (old and new as stored; None is empty)."""

    line: int
    section_code: str
    field_code: str
    old: object
    new: object


@dataclass
class RecordUpdate:
    """What the import changes in one LAO's record for one fiscal year."""

    lao_code: str
    lao_name: str
    fiscal_year: int
    new_record: bool
    values: list[ValueUpdate] = field(default_factory=list)


@dataclass
class RecordImportResult:
    """The outcome of a dry run or a commit."""

    rows: int = 0
    unchanged: int = 0
    errors: list[FileIssue] = field(default_factory=uploads.IssueList)
    updates: list[RecordUpdate] = field(default_factory=list)
    committed: bool = False
    records_created: int = 0
    sections_saved: int = 0
    history_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def values_changed(self) -> int:
        return sum(len(update.values) for update in self.updates)

    @property
    def new_records(self) -> int:
        return sum(1 for update in self.updates if update.new_record)


# --- Reading the file ------------------------------------------------------------------------


def record_file_read(data: bytes) -> list[ImportRow]:
    """The rows of a CSV (UTF-8, BOM or not, or TIS-620) or XLSX file, blank lines skipped.

    The format is told by content, not by name. Raises ``UploadError`` for an empty, too
    large, damaged or unknown file, or one whose first line is not the header.
    """
    kind = uploads.file_kind(data)
    if kind == uploads.XLSX:
        lines = _xlsx_lines(data)
    elif kind == uploads.XLS:
        raise uploads.old_excel_error()
    else:
        text = uploads.decode_text(
            data,
            refusal=_(
                "This file is neither an Excel workbook (.xlsx) nor a CSV file in UTF-8. "
                "Save it as .xlsx or as CSV UTF-8 and try again."
            ),
        )
        lines = _csv_lines(text)
    header = next(lines, None)
    if header is None:
        raise UploadError(_("The file is empty."))
    columns = _columns(header[1])
    rows = []
    for line, cells in lines:
        picked = [cells[i] if i < len(cells) else None for i in columns]
        if all(_is_blank(cell) for cell in picked):
            continue
        rows.append(ImportRow(line, *picked))
    return rows


def _csv_lines(text: str) -> Iterator[tuple[int, list]]:
    """(line number, cells) per CSV record, within the bounds of records/uploads.py."""
    return uploads.csv_rows(text, uploads.RECORD_VALUES_BOUNDS)


def _xlsx_lines(data: bytes) -> Iterator[tuple[int, list]]:
    """(row number, cells) of the first sheet, streamed within the bounds (a zip bomb or a
    damaged workbook is refused before a row is read)."""
    for line, cells in uploads.xlsx_rows(data, uploads.RECORD_VALUES_BOUNDS):
        yield line, list(cells)


def _columns(header: list) -> list[int]:
    names = [str(cell or "").strip().lstrip("\ufeff").lower() for cell in header]
    missing = [name for name in COLUMNS if name not in names]
    if missing:
        raise UploadError(
            _("The first line must be the header %(header)s (missing: %(missing)s).")
            % {"header": ",".join(COLUMNS), "missing": ", ".join(missing)}
        )
    return [names.index(name) for name in COLUMNS]


def _is_blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


# --- The import ------------------------------------------------------------------------------


class _SchemaFields:
    """One schema version's fields by code, with their sections and rules (three queries)."""

    def __init__(self, schema_id: int) -> None:
        sections = list(Section.objects.filter(schema_id=schema_id).prefetch_related("fields"))
        rules: dict[int, list[Rule]] = defaultdict(list)
        for rule in Rule.objects.filter(schema_id=schema_id).order_by("pk"):
            rules[rule.section_id].append(rule)
        self.sections = {s.pk: s for s in sections}
        self.rules = rules
        self.fields: dict[str, tuple[Field, Section]] = {
            f.code: (f, s) for s in sections for f in s.fields.all()
        }


@dataclass
class _Pending:
    """The checked values for one record: field code -> (line, field, section, stored)."""

    lao: LAO
    fiscal_year: int
    record: Record | None
    values: dict[str, tuple[int, Field, Section, object]] = field(default_factory=dict)


def _chunks(items: list, size: int = QUERY_CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _code_text(cell) -> str:
    return to_arabic_digits(values.cell_text(cell)) if not _is_blank(cell) else ""


@transaction.atomic
def record_values_import(
    *, rows: Iterable[ImportRow], by: User | None, commit: bool
) -> RecordImportResult:
    """Checks every row and, with ``commit`` and no error, saves the changed values.

    Every bad row is reported with its line and reason, and then nothing is written. Values are
    grouped by record and section; each changed section is saved once with
    ``records.services.section_save`` (source "import", by ``by``), a missing record is made
    with ``record_get_or_create``. Values equal to the stored ones are left alone, so a second
    import of the same file changes nothing. A record the edit guards close (submitted,
    locked) is an error on its first line; a section someone saves during the import rolls
    the whole import back, with an error naming it.
    """
    rows = list(rows)
    result = RecordImportResult(rows=len(rows))
    last_year = fiscal_year_of(timezone.localdate()) + 1

    codes = sorted({_code_text(row.lao_code) for row in rows} - {""})
    laos: dict[str, LAO] = {}
    for chunk in _chunks(codes):
        laos.update((lao.code, lao) for lao in LAO.objects.filter(code__in=chunk))
    records: dict[tuple[int, int], Record] = {}
    lao_ids = [lao.pk for lao in laos.values()]
    for chunk in _chunks(lao_ids):
        for record in Record.objects.filter(lao_id__in=chunk):
            records[record.lao_id, record.fiscal_year] = record
    schemas: dict[int, _SchemaFields] = {}
    current_id: int | None = None

    pending: dict[tuple[int, int], _Pending] = {}
    for row in rows:
        code = _code_text(row.lao_code)
        lao = laos.get(code)
        if lao is None:
            message = _unknown(_("Unknown LAO code “%(code)s”."), code)
            result.errors.append(FileIssue(row.line, "lao_code", message))
            continue
        year = _fiscal_year(row.fiscal_year, last_year, result.errors, row.line)
        if year is None:
            continue
        record = records.get((lao.pk, year))
        if record is not None:
            schema_id = record.schema_id
        else:
            current_id = current_id or current_schema().pk
            schema_id = current_id
        if schema_id not in schemas:
            schemas[schema_id] = _SchemaFields(schema_id)
        field_code = "" if _is_blank(row.field_code) else values.cell_text(row.field_code).lower()
        found = schemas[schema_id].fields.get(field_code)
        if found is None:
            message = _unknown(_("Unknown field code “%(code)s” in the record schema."), field_code)
            result.errors.append(FileIssue(row.line, "field_code", message))
            continue
        f, section = found
        if not f.applies(lao.type):
            result.errors.append(
                FileIssue(
                    row.line,
                    "field_code",
                    _("The field “%(code)s” does not apply to this type of LAO (%(type)s).")
                    % {"code": field_code, "type": LAO.Type(lao.type).label},
                )
            )
            continue
        try:
            stored = values.cell_to_stored(f, row.value)
        except values.InvalidValue as error:
            result.errors.append(FileIssue(row.line, field_code, str(error)))
            continue
        key = (lao.pk, year)
        entry = pending.setdefault(key, _Pending(lao=lao, fiscal_year=year, record=record))
        if field_code in entry.values:
            result.errors.append(
                FileIssue(
                    row.line,
                    "field_code",
                    _("The same LAO, year and field are already on line %(line)s.")
                    % {"line": entry.values[field_code][0]},
                )
            )
            continue
        entry.values[field_code] = (row.line, f, section, stored)
    if result.errors:
        return result

    entries = _entries({p.record.pk for p in pending.values() if p.record})
    changed: dict[tuple[int, int], dict[int, dict[str, object]]] = {}
    for key, item in pending.items():
        update = RecordUpdate(
            lao_code=item.lao.code,
            lao_name=item.lao.display_name,
            fiscal_year=item.fiscal_year,
            new_record=item.record is None,
        )
        for field_code, (line, f, section, stored) in sorted(
            item.values.items(), key=lambda pair: pair[1][0]
        ):
            entry = entries.get((item.record.pk, section.pk)) if item.record else None
            old = entry.values.get(field_code) if entry else None
            if values.same_value(f, old, stored):
                result.unchanged += 1
                continue
            update.values.append(ValueUpdate(line, section.code, field_code, old, stored))
            changed.setdefault(key, {}).setdefault(section.pk, {})[field_code] = stored
        if update.values:
            result.updates.append(update)
    if not changed:
        result.committed = commit
        return result
    # A dry run saves too and then rolls back, so the preview meets the same gate as the
    # commit: the edit guards (a submitted or locked record), the rules, the versions.
    _save(changed, pending, entries, schemas, by, result)
    if result.errors or not commit:
        transaction.set_rollback(True)
        result.records_created = result.sections_saved = result.history_rows = 0
        return result
    result.committed = True
    return result


def _save(
    changed: dict[tuple[int, int], dict[int, dict[str, object]]],
    pending: dict[tuple[int, int], _Pending],
    entries: dict[tuple[int, int], SectionEntry],
    schemas: dict[int, _SchemaFields],
    by: User | None,
    result: RecordImportResult,
) -> None:
    """Saves each changed section with section_save; a closed record is an error on its first
    line, a section someone saved meanwhile stops the import."""
    previous = _previous_values(list(changed))
    for key, sections in changed.items():
        item = pending[key]
        first_line = min(line for line, *_ in item.values.values())
        record = item.record
        if record is None:
            record = record_get_or_create(lao=item.lao, fiscal_year=item.fiscal_year)
            result.records_created += 1
            entries.update(_entries({record.pk}))
        record.lao = item.lao
        known = schemas[record.schema_id]
        for section_id, section_values in sections.items():
            section = known.sections[section_id]
            entry = entries.get((record.pk, section_id))
            if entry is None:  # never for records made by the services; kept for safety
                entry = SectionEntry.objects.create(record=record, section=section)
                rollups.lock_provinces([item.lao.district_id[:2]])
                gap_rollups.entries_changed(
                    fiscal_year=record.fiscal_year,
                    lao=item.lao,
                    before=[],
                    after=[gap_rollups.EntryState.of(entry, section.code)],
                )
            entry.record, entry.section = record, section
            try:
                saved = section_save(
                    entry=entry,
                    values=section_values,
                    expected_version=entry.version,
                    by=by,
                    source=ValueChange.Source.IMPORT,
                    fields=applicable_fields(section, item.lao.type),
                    previous=previous.get((item.lao.pk, item.fiscal_year - 1, section.code), {}),
                )
            except EditBlockedError as blocked:
                result.errors.append(
                    FileIssue(first_line, "lao_code", f"{item.lao.code}: {blocked.reason}")
                )
                break  # the record's other sections are closed for the same reason
            except StaleSectionError:
                result.errors.append(
                    FileIssue(
                        min(item.values[c][0] for c in section_values),
                        section.code,
                        _(
                            "%(lao)s, fiscal year %(year)s: someone saved this section during "
                            "the import. Nothing was written; run the import again."
                        )
                        % {"lao": item.lao.display_name, "year": item.fiscal_year},
                    )
                )
                return
            result.sections_saved += 1
            result.history_rows += len(saved.changed)


def _unknown(message: str, code: str) -> str:
    """``message`` about a code the portal does not know, or that the cell is empty."""
    return message % {"code": code} if code else _("This cell is empty.")


def _fiscal_year(cell, last: int, errors: list[FileIssue], line: int) -> int | None:
    text = _code_text(cell)
    try:
        year = int(text)
    except ValueError:
        errors.append(
            FileIssue(
                line,
                "fiscal_year",
                _("“%(value)s” is not a fiscal year; give the Buddhist-Era year, e.g. %(example)s.")
                % {"value": text, "example": last - 1},
            )
            if text
            else FileIssue(line, "fiscal_year", _("This cell is empty."))
        )
        return None
    if not FIRST_FISCAL_YEAR <= year <= last:
        errors.append(
            FileIssue(
                line,
                "fiscal_year",
                _("The fiscal year %(year)s is outside %(first)s–%(last)s.")
                % {"year": year, "first": FIRST_FISCAL_YEAR, "last": last},
            )
        )
        return None
    return year


def _entries(record_ids: set[int]) -> dict[tuple[int, int], SectionEntry]:
    entries: dict[tuple[int, int], SectionEntry] = {}
    for chunk in _chunks(sorted(record_ids)):
        for entry in SectionEntry.objects.filter(record_id__in=chunk):
            entries[entry.record_id, entry.section_id] = entry
    return entries


def _previous_values(keys: list[tuple[int, int]]) -> dict[tuple[int, int, str], dict]:
    """Last year's values of these (LAO, year) records, by (LAO, year - 1, section code)."""
    wanted = {(lao_id, year - 1) for lao_id, year in keys}
    found: dict[tuple[int, int, str], dict] = {}
    for chunk in _chunks(sorted(wanted)):
        rows = SectionEntry.objects.filter(
            record__lao_id__in={lao_id for lao_id, _year in chunk},
            record__fiscal_year__in={year for _lao, year in chunk},
        ).values_list("record__lao_id", "record__fiscal_year", "section__code", "values")
        for lao_id, year, section_code, stored in rows:
            if (lao_id, year) in wanted:
                found[lao_id, year, section_code] = stored
    return found
