"""The Excel round trip: reading back an upload of the template records/template_workbook.py
makes (one sheet per section, one column per LAO, a very hidden sheet with the versions it was
made from).

The upload is checked by content (a zip with a workbook inside, within the size and unpacked
size limits of records/uploads.py), then read cell by cell with the shared conversion
(``records.values.cell_to_stored``: Thai digits, Buddhist-Era dates, ใช่/ไม่ใช่, NA). The
dry run lists, per LAO and field, old → new, and every error with its sheet, row and column.
Confirming applies all or nothing through ``records.services.section_save`` with source
"import" and the template's version as the expected version, so a record that changed since the
template was made is refused (no lost update), naming the LAO and the section.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from accounts import access
from lgdata.thai import fiscal_year_of
from records import uploads, values
from records.models import LAO, Record, Schema, Section, SectionEntry, ValueChange
from records.services import (
    EditBlockedError,
    StaleSectionError,
    applicable_fields,
    record_get_or_create,
    section_save,
)
from records.template_workbook import (
    FIRST_DATA_ROW,
    FIRST_LAO_COLUMN,
    HEADER_ROW,
    META_SHEET,
    TEMPLATE_FORMAT,
    TEMPLATE_MARK,
    label_of,
)
from records.uploads import FileIssue, UploadError

if TYPE_CHECKING:
    from accounts.models import User

META_FIRST_ROW = 8  # the (sheet, section, LAO, version) rows of the hidden sheet
MAX_KEPT_VALUES = 2000  # changed values a background preview keeps to show
Progress = Callable[[int, int], None]


# --- Reading an upload -------------------------------------------------------------------------


def _issue(sheet: str, row: int | None, column: str, message: str) -> FileIssue:
    """A problem at a cell, or in a whole sheet when there is no row."""
    return FileIssue(row, column, message, sheet=sheet)


@dataclass
class _SheetPart:
    """One section sheet as read: its LAO columns and, per field row, the value cells."""

    title: str
    section_code: str
    expected: set[str] = field(default_factory=set)  # LAO codes the hidden sheet lists
    lao_columns: dict[int, str] = field(default_factory=dict)  # column index -> LAO code
    rows: list[tuple[int, str, dict[int, object]]] = field(default_factory=list)


@dataclass
class TemplateFile:
    """A template upload as read, before any database check."""

    fiscal_year: int
    schema_version: int
    language: str
    versions: dict[tuple[str, str], int]  # (LAO code, section code) -> version at download
    sheets: list[_SheetPart]
    issues: list[FileIssue]


def _not_a_template() -> UploadError:
    return UploadError(
        _(
            "This workbook is not a template from the portal, or its hidden part was changed. "
            "Download a new template, fill it in and upload that."
        )
    )


def template_precheck(data: bytes) -> None:
    """What the request checks of a template a worker will read (records/tasks.py), in a
    fraction of a second: an XLSX whose zip and sheets are within the template's bounds."""
    _check_kind(data)
    uploads.check_zip(data, uploads.TEMPLATE_BOUNDS)


def _check_kind(data: bytes) -> None:
    kind = uploads.file_kind(data)
    if kind == uploads.XLS:
        raise UploadError(
            _("This is an old Excel (.xls) file. Save it as Excel Workbook (.xlsx) and try again.")
        )
    if kind != uploads.XLSX:
        raise UploadError(
            _(
                "This file is not an Excel workbook (.xlsx), whatever its name says. Upload the "
                "template you downloaded from the portal, saved as Excel Workbook (.xlsx)."
            )
        )


def template_read(
    data: bytes, bounds: uploads.Bounds | None = None, progress: Progress | None = None
) -> TemplateFile:
    """Reads a filled-in template, checking it by content, never by name: an XLSX within the
    upload and unpacked-size limits (records/uploads.py), that openpyxl opens, with the
    portal's hidden sheet. Raises ``UploadError`` with a message for the user.
    ``progress(sheets read, sheets)`` is called after each section sheet."""
    _check_kind(data)
    bounds = bounds or uploads.TEMPLATE_BOUNDS
    uploads.check_zip(data, bounds)  # damaged zip, or one that unpacks to far too much
    try:
        book = load_workbook(io.BytesIO(data))  # bounded by the unpacked size
    except Exception:
        # openpyxl raises many kinds of errors for a damaged workbook; to the user they are one.
        raise uploads.damaged_workbook_error() from None
    deadline = uploads.Deadline(bounds)
    for sheet in book.worksheets:
        # A district's template: < 200 LAO columns, a row a field (docs/registry-import.md).
        if sheet.max_row > bounds.max_rows or sheet.max_column > bounds.max_columns:
            raise UploadError(
                _(
                    "The sheet “%(sheet)s” has %(rows)s rows and %(columns)s columns, more than "
                    "a template has (at most %(max_rows)s and %(max_columns)s). Download a new "
                    "template and fill that in."
                )
                % {
                    "sheet": sheet.title,
                    "rows": sheet.max_row,
                    "columns": sheet.max_column,
                    "max_rows": bounds.max_rows,
                    "max_columns": bounds.max_columns,
                }
            )
    if META_SHEET not in book.sheetnames:
        raise _not_a_template()
    template, parts = _read_meta(book[META_SHEET])
    computed = None  # the cached results of formula cells, read only if there is a formula
    for done, part in enumerate(parts, start=1):
        if progress is not None:
            progress(done, len(parts))
        if part.title not in book.sheetnames:
            template.issues.append(
                _issue(part.title, None, "", _("This sheet of the template is missing."))
            )
            continue
        sheet = book[part.title]
        if _read_sheet(sheet, part, template.issues, deadline, bounds):
            computed = computed or load_workbook(io.BytesIO(data), data_only=True)
            _fill_formulas(sheet, computed[part.title], part, template.issues)
        template.sheets.append(part)
    return template


def _read_meta(sheet) -> tuple[TemplateFile, list[_SheetPart]]:
    rows = list(sheet.iter_rows(values_only=True))
    try:
        if rows[0][0] != TEMPLATE_MARK or rows[0][1] != TEMPLATE_FORMAT:
            raise ValueError
        fiscal_year, schema_version = int(rows[1][1]), int(rows[2][1])
        language = "en" if rows[3][1] == "en" else "th"
        versions: dict[tuple[str, str], int] = {}
        parts: dict[str, _SheetPart] = {}
        for row in rows[META_FIRST_ROW - 1 :]:
            if not row or row[0] is None:
                continue
            title, section_code, lao_code = str(row[0]), str(row[1]), str(row[2])
            versions[lao_code, section_code] = int(row[3])
            parts.setdefault(title, _SheetPart(title, section_code)).expected.add(lao_code)
    except (IndexError, TypeError, ValueError):
        raise _not_a_template() from None
    if not versions:
        raise _not_a_template()
    return TemplateFile(
        fiscal_year, schema_version, language, versions, [], uploads.IssueList()
    ), list(parts.values())


def _read_sheet(
    sheet,
    part: _SheetPart,
    issues: list[FileIssue],
    deadline: uploads.Deadline,
    bounds: uploads.Bounds,
) -> bool:
    """Reads the LAO columns and the field rows; True if a value cell holds a formula."""
    formulas = False
    expected = part.expected
    for column in range(FIRST_LAO_COLUMN, sheet.max_column + 1):
        code = sheet.cell(row=HEADER_ROW, column=column).value
        if code in (None, ""):
            continue
        code = str(code).strip()
        if code not in expected:
            issues.append(
                _issue(
                    part.title,
                    HEADER_ROW,
                    get_column_letter(column),
                    _("“%(code)s” is not an LAO of this template; do not change the LAO codes.")
                    % {"code": code},
                )
            )
            continue
        part.lao_columns[column] = code
    missing = expected - set(part.lao_columns.values())
    if missing:
        issues.append(
            _issue(
                part.title,
                HEADER_ROW,
                "",
                _("The columns of these LAOs are missing: %(codes)s.")
                % {"codes": ", ".join(sorted(missing))},
            )
        )
    for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
        deadline.check(row)
        code = sheet.cell(row=row, column=1).value
        cells: dict[int, object] = {}
        for column in part.lao_columns:
            cell = sheet.cell(row=row, column=column)
            if cell.data_type == "f":
                formulas = True
            cells[column] = cell.value
        uploads.check_cells(row, [code, *cells.values()], bounds)
        if code in (None, "") and all(v in (None, "") for v in cells.values()):
            continue
        part.rows.append((row, str(code or "").strip(), cells))
    return formulas


def _fill_formulas(sheet, computed_sheet, part: _SheetPart, issues: list[FileIssue]) -> None:
    """Formula cells count with the value the spreadsheet computed; without one, they are an
    error (the cell would otherwise silently empty the field)."""
    for index, (row, code, cells) in enumerate(part.rows):
        for column in cells:
            if sheet.cell(row=row, column=column).data_type == "f":
                result = computed_sheet.cell(row=row, column=column).value
                if result is None:
                    issues.append(
                        _issue(
                            part.title,
                            row,
                            get_column_letter(column),
                            _(
                                "This cell holds a formula without a computed value; type the "
                                "value itself."
                            ),
                        )
                    )
                cells[column] = result
        part.rows[index] = (row, code, cells)


# --- Checking and applying an upload -----------------------------------------------------------


@dataclass(frozen=True)
class ValuePreview:
    """One value the upload changes, as people read it (old and new)."""

    section: str
    field: str
    old: str
    new: str


@dataclass
class LAOPreview:
    code: str
    name: str
    changes: list[ValuePreview] = field(default_factory=list)


@dataclass
class TemplateImportResult:
    """The outcome of a dry run or a commit of a template upload."""

    fiscal_year: int | None = None
    refusals: list[str] = field(default_factory=list)  # scope, locks, stale sections
    errors: list[FileIssue] = field(
        default_factory=uploads.IssueList
    )  # cells, by sheet, row and column
    laos: list[LAOPreview] = field(default_factory=list)
    unchanged: int = 0
    committed: bool = False
    sections_saved: int = 0
    history_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.refusals and not self.errors

    changes_more: int = 0  # values counted but not kept (a result read back from a job)

    @property
    def values_changed(self) -> int:
        return sum(len(lao.changes) for lao in self.laos) + self.changes_more

    def as_json(self) -> dict:
        """The result as a job keeps it (lgdata.jobs): the problems as capped and the first
        ``MAX_KEPT_VALUES`` changed values."""
        kept, laos = 0, []
        for lao in self.laos:
            changes = lao.changes[: max(MAX_KEPT_VALUES - kept, 0)]
            kept += len(changes)
            if changes:
                laos.append([lao.code, lao.name, [list(vars(c).values()) for c in changes]])
        return {
            "fiscal_year": self.fiscal_year,
            "refusals": self.refusals,
            "errors": uploads.IssueList(self.errors).as_json(),
            "laos": laos,
            "changes_more": self.values_changed - kept,
            "counts": [self.unchanged, self.sections_saved, self.history_rows],
            "committed": self.committed,
        }

    @classmethod
    def from_json(cls, data: dict) -> TemplateImportResult:
        unchanged, sections_saved, history_rows = data["counts"]
        return cls(
            fiscal_year=data["fiscal_year"],
            refusals=data["refusals"],
            errors=uploads.IssueList.from_json(data["errors"]),
            laos=[
                LAOPreview(code, name, [ValuePreview(*c) for c in changes])
                for code, name, changes in data["laos"]
            ],
            unchanged=unchanged,
            committed=data["committed"],
            sections_saved=sections_saved,
            history_rows=history_rows,
            changes_more=data["changes_more"],
        )


@dataclass
class _Change:
    lao: LAO
    section: Section
    values: dict[str, object] = field(default_factory=dict)


def _cell_for_import(value):
    """A cell as the record import reads it; a date Excel made of a typed Buddhist-Era date
    (30/9/2568 read as the year 2568) goes back to that text."""
    if isinstance(value, datetime.datetime | datetime.date) and value.year > 2400:
        return f"{value.day}/{value.month}/{value.year}"
    return value


def template_import(
    *,
    data: bytes,
    by: User,
    commit: bool,
    bounds: uploads.Bounds | None = None,
    progress: Progress | None = None,
) -> TemplateImportResult:
    """Checks a filled-in template and, with ``commit`` and no error, saves what changed.

    Refused as a whole (nothing written) when the user may not import for one of its LAOs
    (``can_import_template``), a record is locked or waiting for its officers (the records edit
    guards), a section changed since the template was made (its version differs: a stale
    template), or any cell is wrong (every one is listed with sheet, row and column). Each
    changed section is saved with ``section_save`` (source "import", by ``by``, expected
    version = the template's), so the edit guards, history, completeness, rules and flags are
    as for a form; a section saved by someone between the check and the save rolls everything
    back. A dry run saves too and rolls back, so its verdict is the commit's. The file is read
    (``template_read``, within ``bounds``) before the transaction: the reading, the long part,
    holds no lock, and a worker's progress reports are seen at once.
    """
    return _template_check_and_apply(template_read(data, bounds, progress), by=by, commit=commit)


@transaction.atomic
def _template_check_and_apply(
    template: TemplateFile, *, by: User, commit: bool
) -> TemplateImportResult:
    result = TemplateImportResult(
        fiscal_year=template.fiscal_year, errors=uploads.IssueList(template.issues)
    )
    language = template.language
    schema = Schema.objects.filter(version=template.schema_version).first()
    last_year = fiscal_year_of(timezone.localdate()) + 1
    if schema is None or not 2540 <= template.fiscal_year <= last_year:
        raise _not_a_template()

    codes = {lao_code for lao_code, _section in template.versions}
    laos = {lao.code: lao for lao in LAO.objects.filter(code__in=codes).select_related("district")}
    for code in sorted(codes):
        lao = laos.get(code)
        if lao is None or not access.can_import_template(by, lao):
            result.refusals.append(
                _("You may not import values for the LAO with code %(code)s.") % {"code": code}
            )
    if result.refusals:
        return result

    records = {
        r.lao_id: r
        for r in Record.objects.filter(lao__in=laos.values(), fiscal_year=template.fiscal_year)
    }
    entries = {
        (e.record_id, e.section_id): e
        for e in SectionEntry.objects.filter(record__in=records.values())
    }
    sections = {s.code: s for s in schema.sections.prefetch_related("fields").order_by("order")}

    def entry_of(lao: LAO, section: Section) -> SectionEntry | None:
        record = records.get(lao.pk)
        return entries.get((record.pk, section.pk)) if record else None

    for (lao_code, section_code), version in sorted(template.versions.items()):
        lao, section = laos[lao_code], sections.get(section_code)
        record = records.get(lao.pk)
        if section is None:
            raise _not_a_template()
        if record is not None and record.schema_id != schema.pk:
            now = None
        else:
            entry = entry_of(lao, section)
            now = entry.version if entry else 0
        if now != version:
            result.refusals.append(
                _(
                    "%(lao)s, section “%(section)s”: the record was changed in the portal after "
                    "this template was made. Nothing was imported; download a new template and "
                    "enter your values again."
                )
                % {"lao": lao.display_name, "section": label_of(section, language)}
            )

    changes: dict[tuple[int, int], _Change] = {}
    previews: dict[str, LAOPreview] = {}
    for part in template.sheets:
        section = sections.get(part.section_code)
        if section is None:
            raise _not_a_template()
        fields = {f.code: f for f in section.fields.all()}
        seen: dict[str, int] = {}
        for row, code, cells in part.rows:
            f = fields.get(code)
            if f is None:
                result.errors.append(
                    _issue(
                        part.title,
                        row,
                        "A",
                        _("“%(code)s” is not a field of this section; do not change column A.")
                        % {"code": code},
                    )
                )
                continue
            if code in seen:
                result.errors.append(
                    _issue(
                        part.title,
                        row,
                        "A",
                        _("The field “%(code)s” is already on row %(row)s.")
                        % {"code": code, "row": seen[code]},
                    )
                )
                continue
            seen[code] = row
            for column, value in cells.items():
                lao = laos[part.lao_columns[column]]
                where = (part.title, row, get_column_letter(column))
                if not f.applies(lao.type):
                    if value not in (None, ""):
                        result.errors.append(
                            _issue(
                                *where,
                                _("This item does not apply to %(lao)s; leave the cell empty.")
                                % {"lao": lao.display_name},
                            )
                        )
                    continue
                try:
                    stored = values.cell_to_stored(f, _cell_for_import(value))
                except values.InvalidValue as error:
                    result.errors.append(
                        _issue(*where, f"{label_of(f, language)} ({lao.display_name}): {error}")
                    )
                    continue
                entry = entry_of(lao, section)
                old = entry.values.get(f.code) if entry else None
                if values.same_value(f, old, stored):
                    result.unchanged += 1
                    continue
                change = changes.setdefault((lao.pk, section.pk), _Change(lao, section))
                change.values[f.code] = stored
                preview = previews.setdefault(lao.code, LAOPreview(lao.code, lao.display_name))
                preview.changes.append(
                    ValuePreview(
                        label_of(section, language),
                        label_of(f, language),
                        values.show_value(old, f, language),
                        values.show_value(stored, f, language),
                    )
                )
    result.laos = [previews[code] for code in sorted(previews)]
    if not result.ok:
        return result
    # A dry run saves too and then rolls back, so the preview meets the same gate as the
    # commit: the edit guards (a submitted or locked record), the rules, the versions.
    _apply(changes, template, records, entries, by, result)
    if not result.ok or not commit:
        transaction.set_rollback(True)
        result.sections_saved = result.history_rows = 0
        return result
    result.committed = True
    return result


def _apply(
    changes: dict[tuple[int, int], _Change],
    template: TemplateFile,
    records: dict[int, Record],
    entries: dict[tuple[int, int], SectionEntry],
    by: User,
    result: TemplateImportResult,
) -> None:
    """Saves every changed section with the template's version as the expected one. A record
    the edit guards close is a refusal; the first stale section stops the upload."""
    by_lao: dict[int, list[_Change]] = defaultdict(list)
    for change in changes.values():
        by_lao[change.lao.pk].append(change)
    for lao_changes in by_lao.values():
        lao = lao_changes[0].lao
        record = records.get(lao.pk)
        if record is None:
            record = record_get_or_create(lao=lao, fiscal_year=template.fiscal_year)
            entries.update(
                {(e.record_id, e.section_id): e for e in SectionEntry.objects.filter(record=record)}
            )
        record.lao = lao
        for change in lao_changes:
            section = change.section
            entry = entries[record.pk, section.pk]
            entry.record, entry.section = record, section
            try:
                saved = section_save(
                    entry=entry,
                    values=change.values,
                    expected_version=template.versions[lao.code, section.code],
                    by=by,
                    source=ValueChange.Source.IMPORT,
                    fields=applicable_fields(section, lao.type),
                )
            except EditBlockedError as blocked:
                result.refusals.append(f"{lao.display_name}: {blocked.reason}")
                break  # the record's other sections are closed for the same reason
            except StaleSectionError:
                result.refusals.append(
                    _(
                        "%(lao)s, section “%(section)s”: someone saved this section during the "
                        "import. Nothing was imported; download a new template."
                    )
                    % {"lao": lao.display_name, "section": label_of(section, template.language)}
                )
                return
            result.sections_saved += 1
            result.history_rows += len(saved.changed)


# --- The upload form ---------------------------------------------------------------------------


class TemplateUploadForm(uploads.UploadForm):
    """A filled-in template; its size is checked before a byte of it is read."""

    file = forms.FileField(
        label=gettext_lazy("Filled-in template (.xlsx)"),
        help_text=gettext_lazy(
            "The template you downloaded here and filled in. Nothing is changed until you "
            "confirm the preview."
        ),
    )
