"""Importing the department's open-data LAO registry ("ชื่อและที่ตั้งองค์กรปกครองส่วนท้องถิ่น").

The registry has one row per (LAO, subdistrict it covers), so one seven-digit code repeats on
many rows that must agree with each other. django-import-export's ``Resource`` maps one row to
one instance, which does not fit grouped rows, so it is used here only for what it is good at:
reading an XLSX sheet into a tablib ``Dataset``. The grouping, validation and writing are ours.

CSV is read with the ``csv`` module into a ``Dataset`` rather than with tablib's CSV reader,
because that reader silently drops blank lines (every later line number would be wrong in the
messages) and fails on a row with too many cells without naming the line.

The flow: ``registry_read`` turns bytes into a ``Dataset`` (or raises ``UploadError``
for a file that cannot be a registry at all), and ``registry_import`` checks every row,
compares with the database and, only when there is no error and ``commit`` is true, writes
everything in one transaction with a history row for each LAO it creates or changes. The
registry's columns and the cleaning of the office cells are in records/registry_cells.py.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import geothai
import tablib
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from lgdata.thai import to_arabic_digits
from records import gap_rollups, hooks, rollups, uploads
from records.models import LAO, District, Province, Subdistrict
from records.registry_cells import (
    COLUMNS,
    OFFICE_FIELDS,
    THAI_MONTHS,
    CleanedOffice,
    Col,
    Office,
    clean_office,
)
from records.uploads import FileIssue, UploadError

if TYPE_CHECKING:
    from accounts.models import User


# Headers differ in spacing and case between releases; the website column is misspelt
# ("เว็ป") in the published file, and a corrected release should still be read.
_HEADER_ALIASES = {"เว็บไซต์ของอปท": Col.WEBSITE}

_SEVEN_DIGITS = re.compile(r"[0-9]{7}")

# The LAO fields the registry sets (attribute names); name_en and the active period are left
# alone, they are not in the registry.
FIELDS = (
    "type",
    "name_th",
    "district_id",
    "office_house_no",
    "office_moo",
    "office_subdistrict_id",
    "office_postcode",
    "area_km2",
    "latitude",
    "longitude",
    "website",
)
_NAME_MAX_LENGTH = LAO._meta.get_field("name_th").max_length
MAX_SHOWN_CHANGES = 200  # LAOs whose changes the preview page lists
# Rows read between two progress reports of a reading in a worker.
PROGRESS_ROWS = 2000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class LAOChange:
    """What the import does to one LAO; ``fields`` is empty for a new LAO."""

    code: str
    name: str
    district: str
    created: bool
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class RegistryImportResult:
    """The outcome of a dry run or a commit: counts, changes, errors and warnings."""

    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_in_file: int = 0
    committed: bool = False
    errors: list[FileIssue] = field(default_factory=uploads.IssueList)
    warnings: list[FileIssue] = field(default_factory=uploads.IssueList)
    changes: list[LAOChange] = field(default_factory=list)
    seconds: float = 0.0
    changes_more: int = 0  # changes counted but not kept (a result read back from a job)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def change_count(self) -> int:
        return len(self.changes) + self.changes_more

    def as_json(self) -> dict:
        """The result as a job keeps it (lgdata.jobs): the counts, the problems as capped, and
        the first ``MAX_SHOWN_CHANGES`` changes (all the preview page shows)."""
        return {
            "filename": self.filename,
            "counts": [self.rows, self.created, self.updated, self.unchanged, self.not_in_file],
            "committed": self.committed,
            "errors": self.errors.as_json(),
            "warnings": self.warnings.as_json(),
            "changes": [
                [c.code, c.name, c.district, c.created, [[f.label, f.old, f.new] for f in c.fields]]
                for c in self.changes[:MAX_SHOWN_CHANGES]
            ],
            "changes_more": max(len(self.changes) - MAX_SHOWN_CHANGES, 0),
            "seconds": self.seconds,
        }

    @classmethod
    def from_json(cls, data: dict) -> RegistryImportResult:
        rows, created, updated, unchanged, not_in_file = data["counts"]
        return cls(
            filename=data["filename"],
            rows=rows,
            created=created,
            updated=updated,
            unchanged=unchanged,
            not_in_file=not_in_file,
            committed=data["committed"],
            errors=uploads.IssueList.from_json(data["errors"]),
            warnings=uploads.IssueList.from_json(data["warnings"]),
            changes=[
                LAOChange(code, name, district, created, [FieldChange(*f) for f in fields])
                for code, name, district, created, fields in data["changes"]
            ],
            changes_more=data["changes_more"],
            seconds=data["seconds"],
        )

    @property
    def laos(self) -> int:
        return self.created + self.updated + self.unchanged


# --- Reading the file ------------------------------------------------------------------------


def registry_read(
    data: bytes, bounds: uploads.Bounds | None = None, progress: Progress | None = None
) -> tablib.Dataset:
    """Reads a registry file (XLSX, or CSV in UTF-8, UTF-8 with BOM or TIS-620/CP874).

    The format is told by content, not by file name. Raises ``UploadError`` with a message
    for the user when the file is empty, too large, damaged or not a spreadsheet at all.
    ``progress(rows read, rows in the file)`` is called every ``PROGRESS_ROWS`` rows.
    """
    bounds = bounds or uploads.REGISTRY_BOUNDS
    kind = uploads.file_kind(data)
    if kind == uploads.XLSX:
        return _read_xlsx(data, bounds, progress)
    if kind == uploads.XLS:
        raise uploads.old_excel_error()
    return _read_csv(bounds, _decode(data), progress)


def _decode(data: bytes) -> str:
    return uploads.decode_text(
        data,
        refusal=_(
            "This file is neither an Excel workbook (.xlsx) nor a CSV text file. "
            "Save the registry as .xlsx or as CSV (UTF-8) and upload it again."
        ),
    )


def registry_precheck(data: bytes) -> int:
    """What the request checks of a file a worker will read (records/tasks.py), all in a
    fraction of a second: its kind, a workbook's zip and sheet sizes (``uploads.check_zip``),
    a CSV's encoding and header. Returns the rows the file holds, as far as it says; raises
    ``UploadError`` as ``registry_read`` would."""
    kind = uploads.file_kind(data)
    if kind == uploads.XLS:
        raise uploads.old_excel_error()
    if kind == uploads.XLSX:
        uploads.check_zip(data, uploads.REGISTRY_BOUNDS)
        return max(uploads.sheet_rows(data) - 1, 0)
    text = _decode(data)
    header = next(csv.reader(io.StringIO(text[: 64 * 1024], newline="")), [])
    _check_header([cell.strip() for cell in header])
    return text.count("\n") - 1


def _reported(rows, total: int, progress: Progress | None):
    """The rows, calling ``progress`` every ``PROGRESS_ROWS`` of them."""
    for count, row in enumerate(rows, start=1):
        if progress is not None and count % PROGRESS_ROWS == 0:
            progress(count, max(total, count))
        yield row


def _read_csv(
    bounds: uploads.Bounds, text: str, progress: Progress | None = None
) -> tablib.Dataset:
    rows = uploads.csv_rows(text, bounds)
    dataset = tablib.Dataset(headers=[cell.strip() for cell in next(rows, (1, []))[1]])
    _check_header(list(dataset.headers or []))  # no registry: refused before its rows
    width = len(dataset.headers)
    for line, row in _reported(rows, text.count("\n"), progress):
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            raise UploadError(
                _("Line %(line)s has %(count)s cells but the header has %(width)s columns.")
                % {"line": line, "count": len(row), "width": width}
            )
        # Blank lines stay as empty rows so that row i is still line i + 2.
        dataset.append((row + [""] * width)[:width])
    return dataset


def _read_xlsx(
    data: bytes, bounds: uploads.Bounds, progress: Progress | None = None
) -> tablib.Dataset:
    """The first sheet, read in streaming mode within the registry's bounds."""
    rows = uploads.xlsx_rows(data, bounds)
    header = list(next(rows, (1, ()))[1])
    while header and header[-1] in (None, ""):
        header.pop()  # openpyxl pads rows to the sheet's declared width
    dataset = tablib.Dataset(headers=[_cell_text(h) for h in header])
    _check_header(list(dataset.headers or []))  # no registry: refused before its rows
    width = len(header)
    for _line, row in _reported(rows, uploads.sheet_rows(data), progress):
        if len(row) > width and any(cell not in (None, "") for cell in row[width:]):
            raise UploadError(
                _("The first sheet has rows with more cells than the header has columns.")
            )
        dataset.append((list(row) + [None] * width)[:width])
    return dataset


def _cell_text(value: object) -> str:
    """An XLSX cell as the text a CSV export of the same sheet would hold."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date):
        # A date cell is a number Excel mangled; give it the text form CSV exports carry so
        # that one place (_clean_house_no) recovers it.
        return f"{value.day}-{THAI_MONTHS[value.month - 1]}"
    return str(value).strip()


def _check_header(headers: list[str]) -> dict[str, int]:
    """The index of every registry column; raises naming missing, repeated or extra columns."""
    wanted = {_header_key(c): c for c in COLUMNS}
    wanted |= {_header_key(alias): c for alias, c in _HEADER_ALIASES.items()}
    found: dict[str, int] = {}
    repeated, extra = [], []
    for i, header in enumerate(headers):
        column = wanted.get(_header_key(header or ""))
        if column is None:
            if (header or "").strip():
                extra.append(header.strip())
        elif column in found:
            repeated.append(column)
        else:
            found[column] = i
    missing = [c for c in COLUMNS if c not in found]
    problems = []
    if missing:
        problems.append(_("missing column(s): %(names)s") % {"names": _quoted(missing)})
    if repeated:
        problems.append(_("repeated column(s): %(names)s") % {"names": _quoted(repeated)})
    if extra:
        problems.append(_("unexpected column(s): %(names)s") % {"names": _quoted(extra)})
    if problems:
        raise UploadError(
            _("The first line is not the registry header (%(problems)s). Expected: %(header)s")
            % {"problems": "; ".join(problems), "header": ",".join(COLUMNS)}
        )
    return found


def _header_key(header: str) -> str:
    return re.sub(r"\s+", "", str(header)).lower()


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f"“{n}”" for n in names)


# --- Geography -------------------------------------------------------------------------------


class _Geography:
    """Provinces, districts and subdistricts in memory (three queries), resolved by Thai name.

    Names are compared in geothai's normal form ("จังหวัด"/"อำเภอ"/"อ."/"เขต" and spaces removed),
    and geothai's own rules decide the rest ("เมือง" alone is the capital district XX01).
    Each distinct name is resolved once: the national file repeats them tens of thousands of times.
    """

    def __init__(self) -> None:
        self.provinces = list(Province.objects.all())
        self.province_names = _by_names(self.provinces)
        self.district_by_id: dict[str, District] = {}
        self.districts_by_province: dict[str, list[District]] = {}
        for d in District.objects.all():
            self.district_by_id[d.pk] = d
            self.districts_by_province.setdefault(d.province_id, []).append(d)
        self.district_names = {
            code: _by_names(items) for code, items in self.districts_by_province.items()
        }
        self.subdistrict_by_id: dict[str, Subdistrict] = {}
        self.subdistrict_names: dict[str, dict[str, Subdistrict]] = {}
        for s in Subdistrict.objects.all():
            self.subdistrict_by_id[s.pk] = s
            names = self.subdistrict_names.setdefault(s.district_id, {})
            for name in (s.name_th, s.name_en):
                names.setdefault(geothai.normalize(name), s)
        self._cache: dict[tuple, Province | District | Subdistrict | None] = {}

    def province(self, name: str) -> Province | None:
        key = ("p", name)
        if key not in self._cache:
            self._cache[key] = self._find_province(geothai.normalize(name))
        return self._cache[key]

    def district(self, province: Province, name: str) -> District | None:
        key = ("d", province.pk, name)
        if key not in self._cache:
            self._cache[key] = self._find_district(province, geothai.normalize(name))
        return self._cache[key]

    def subdistrict(self, district: District, name: str) -> Subdistrict | None:
        key = ("s", district.pk, name)
        if key not in self._cache:
            names = self.subdistrict_names.get(district.pk, {})
            self._cache[key] = names.get(geothai.normalize(name))
        return self._cache[key]

    def _find_province(self, name: str) -> Province | None:
        found = self.province_names.get(name)
        if found is None and name:  # short forms people write: "กทม", "อยุธยา"
            found = next(
                (
                    p
                    for p in self.provinces
                    if (g := geothai.province(p.code)) and geothai.is_province(g, name)
                ),
                None,
            )
        return found

    def _find_district(self, province: Province, name: str) -> District | None:
        found = self.district_names.get(province.pk, {}).get(name)
        if found is None and name:  # "เมือง" alone: the capital district
            found = next(
                (
                    d
                    for d in self.districts_by_province.get(province.pk, [])
                    if (g := geothai.district(d.code)) and geothai.is_district(g, name)
                ),
                None,
            )
        return found


def _by_names(items: Iterable[Province | District]) -> dict:
    names: dict = {}
    for item in items:
        for name in (item.name_th, item.name_en):
            names.setdefault(geothai.normalize(name), item)
    return names


# --- Checking rows ---------------------------------------------------------------------------


@dataclass
class _Row:
    line: int
    code: str
    type: str
    name: str
    district: District
    subdistrict: Subdistrict
    office: Office
    warnings: list[FileIssue]


@dataclass
class _Target:
    """What one LAO should look like after the import, from all of its rows."""

    code: str
    rows: list[_Row]
    subdistrict_ids: set[str] = field(default_factory=set)
    values: dict = field(default_factory=dict)  # LAO attribute name -> value, as in FIELDS


class _Checker:
    """Turns the dataset's rows into LAO targets, collecting every error and warning."""

    def __init__(self, dataset: tablib.Dataset, columns: dict[str, int], geo: _Geography):
        self.dataset = dataset
        self.columns = columns
        self.geo = geo
        self.rows = 0
        self.errors = uploads.IssueList()
        self.warnings = uploads.IssueList()
        self._office_cache: dict[tuple[str, ...], CleanedOffice] = {}

    def error(self, line: int, column: str, message: str) -> None:
        self.errors.append(FileIssue(line, column, message))

    def targets(self) -> dict[str, _Target]:
        targets: dict[str, _Target] = {}
        for line, cells in self._rows():
            self.rows += 1
            row = self._check_row(line, cells)
            if row is None:
                continue
            target = targets.get(row.code)
            if target is None:
                targets[row.code] = _Target(row.code, [row])
                # Later rows of the code repeat the same values, and so the same warnings.
                self.warnings.extend(row.warnings)
            elif self._agrees(target.rows[0], row):
                target.rows.append(row)
        for target in targets.values():
            _settle(target)
        return targets

    def _rows(self) -> Iterable[tuple[int, list[str]]]:
        indexes = [self.columns[c] for c in COLUMNS]
        for line, row in enumerate(self.dataset, start=2):
            cells = [row[i] if isinstance(row[i], str) else _cell_text(row[i]) for i in indexes]
            if any(cell.strip() for cell in cells):
                yield line, cells

    def _check_row(self, line: int, cells: list[str]) -> _Row | None:
        province_raw, district_raw, subdistrict_raw, code_raw, type_raw, name_raw = cells[:6]
        before = self.errors.total
        code = to_arabic_digits(code_raw.strip())
        if not _SEVEN_DIGITS.fullmatch(code):
            self.error(
                line, Col.CODE, _("“%(value)s” is not a seven-digit code") % {"value": code_raw}
            )
        lao_type = LAO.REGISTRY_WORDS.get(type_raw.strip())
        if lao_type is None:
            self.error(
                line,
                Col.TYPE,
                _("unknown type “%(value)s”; expected one of %(words)s")
                % {"value": type_raw, "words": _quoted(LAO.REGISTRY_WORDS)},
            )
        name = " ".join(name_raw.split())
        if not name:
            self.error(line, Col.NAME, _("the LAO name is empty"))
        elif len(name) > _NAME_MAX_LENGTH:
            self.error(line, Col.NAME, _("the LAO name is too long"))
        places = self._check_places(line, province_raw, district_raw, subdistrict_raw)
        cleaned = self.clean_office(cells[6:])
        for column, message in cleaned.errors:
            self.error(line, column, message)
        if self.errors.total > before or places is None:
            return None
        warnings = [FileIssue(line, column, message) for column, message in cleaned.warnings]
        district, subdistrict = places
        return _Row(line, code, lao_type, name, district, subdistrict, cleaned.office, warnings)

    def _check_places(
        self, line: int, province_raw: str, district_raw: str, subdistrict_raw: str
    ) -> tuple[District, Subdistrict] | None:
        province = self.geo.province(province_raw)
        if province is None:
            self.error(
                line, Col.PROVINCE, _("unknown province “%(name)s”") % {"name": province_raw}
            )
            return None
        district = self.geo.district(province, district_raw)
        if district is None:
            self.error(
                line,
                Col.DISTRICT,
                _("unknown district “%(name)s” in province %(province)s")
                % {"name": district_raw, "province": province.name_th},
            )
            return None
        subdistrict = self.geo.subdistrict(district, subdistrict_raw)
        if subdistrict is None:
            # Not a warning: the LAO's coverage would silently be wrong.
            self.error(
                line,
                Col.SUBDISTRICT,
                _("unknown subdistrict “%(name)s” in %(district)s")
                % {"name": subdistrict_raw, "district": district.display_name},
            )
            return None
        return district, subdistrict

    def clean_office(self, raw: list[str]) -> CleanedOffice:
        # Each LAO repeats its office fields on every row it has; clean each distinct set once.
        key = tuple(raw)
        cleaned = self._office_cache.get(key)
        if cleaned is None:
            cleaned = self._office_cache[key] = clean_office(key)
        return cleaned

    def _agrees(self, first: _Row, row: _Row) -> bool:
        """Rows of one code must agree; every disagreement is an error naming both lines."""
        if (first.name, first.type, first.office) == (row.name, row.type, row.office):
            return True  # the usual case, checked cheaply
        pairs = [(Col.NAME, first.name, row.name), (Col.TYPE, first.type, row.type)]
        pairs += [
            (column, getattr(first.office, name), getattr(row.office, name))
            for column, name in OFFICE_FIELDS.items()
        ]
        agrees = True
        for column, old, new in pairs:
            if old != new:
                agrees = False
                self.error(
                    row.line,
                    column,
                    _("code %(code)s gives “%(new)s” here but “%(old)s” on line %(first)s")
                    % {
                        "code": row.code,
                        "new": _show_value(new),
                        "old": _show_value(old),
                        "first": first.line,
                    },
                )
        return agrees


def _settle(target: _Target) -> None:
    """Sets the LAO's values from its first row, and its district and office from all rows."""
    first = target.rows[0]
    districts = {row.district.pk: row.district for row in target.rows}
    # An LAO covering subdistricts of two districts belongs to the one its code names
    # (digits 2-5 of "5810401" are district 8104), else to the one on its first row.
    district = districts.get(target.code[1:5], first.district)
    covered = {row.subdistrict.pk: row.subdistrict for row in target.rows}
    target.subdistrict_ids = set(covered)
    office_subdistrict = _office_subdistrict(first.name, covered.values(), district)
    office = first.office
    target.values = {
        "type": first.type,
        "name_th": first.name,
        "district_id": district.pk,
        "office_house_no": office.house_no,
        "office_moo": office.moo,
        "office_subdistrict_id": office_subdistrict.pk if office_subdistrict else None,
        "office_postcode": office.postcode,
        "area_km2": office.area,
        "latitude": office.latitude,
        "longitude": office.longitude,
        "website": office.website,
    }


def _office_subdistrict(
    name: str, covered: Iterable[Subdistrict], district: District
) -> Subdistrict | None:
    """The covered subdistrict that shares the LAO's name (preferring the LAO's district)."""
    key = geothai.normalize(name)
    same_name = [s for s in covered if geothai.normalize(s.name_th) == key]
    same_name.sort(key=lambda s: (s.district_id != district.pk, s.pk))
    return same_name[0] if same_name else None


def _show_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and value in LAO.Type.values:
        return str(LAO.Type(value).label)
    return str(value)


# --- Comparing and writing -------------------------------------------------------------------


@dataclass
class _Plan:
    to_create: list[LAO] = field(default_factory=list)
    to_update: list[LAO] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)  # attribute names changed on any LAO
    coverage_changed: list[LAO] = field(default_factory=list)  # updated LAOs whose coverage changed


class _Differ:
    """Compares targets with the LAOs in the database (two queries) and lists the changes."""

    def __init__(self, geo: _Geography) -> None:
        self.geo = geo
        self.existing = {lao.code: lao for lao in LAO.objects.all()}
        self.coverage: dict[int, set[str]] = {}
        through = LAO.subdistricts.through
        for lao_id, subdistrict_id in through.objects.values_list("lao_id", "subdistrict_id"):
            self.coverage.setdefault(lao_id, set()).add(subdistrict_id)

    def plan(self, targets: dict[str, _Target], result: RegistryImportResult) -> _Plan:
        plan = _Plan()
        for code, target in targets.items():
            lao = self.existing.get(code)
            if lao is None:
                lao = LAO(code=code, **target.values)
                plan.to_create.append(lao)
                result.changes.append(
                    LAOChange(code, lao.display_name, self._district(lao), created=True)
                )
                continue
            change = LAOChange(code, lao.display_name, self._district(lao), created=False)
            change.fields = self._changes(lao, target, plan)
            if not change.fields:
                result.unchanged += 1
                continue
            plan.to_update.append(lao)
            result.changes.append(change)
        result.created, result.updated = len(plan.to_create), len(plan.to_update)
        result.not_in_file = len(self.existing.keys() - targets.keys())
        return plan

    def _changes(self, lao: LAO, target: _Target, plan: _Plan) -> list[FieldChange]:
        """Sets the target's values on the LAO, returning what differed (old -> new)."""
        changes = []
        for name in FIELDS:
            old, new = getattr(lao, name), target.values[name]
            if old != new:
                changes.append(
                    FieldChange(_label(name), self._show(name, old), self._show(name, new))
                )
                setattr(lao, name, new)
                plan.fields.add(name)
        covered_now = self.coverage.get(lao.pk, set())
        if covered_now != target.subdistrict_ids:
            plan.coverage_changed.append(lao)
            changes.append(
                FieldChange(
                    _label("subdistricts"),
                    self._coverage(covered_now),
                    self._coverage(target.subdistrict_ids),
                )
            )
        return changes

    def _show(self, name: str, value: object) -> str:
        if value is not None and name == "district_id":
            return self.geo.district_by_id[value].display_name
        if value is not None and name == "office_subdistrict_id":
            return self.geo.subdistrict_by_id[value].name_th
        return _show_value(value)

    def _coverage(self, ids: Iterable[str]) -> str:
        return ", ".join(sorted(self.geo.subdistrict_by_id[i].name_th for i in ids))

    def _district(self, lao: LAO) -> str:
        return self.geo.district_by_id[lao.district_id].display_name


def _label(name: str) -> str:
    return str(LAO._meta.get_field(name.removesuffix("_id")).verbose_name)


def _write(plan: _Plan, targets: dict[str, _Target], *, by: User | None, reason: str) -> None:
    """Writes the plan in bulk, with one history row for every LAO created or updated."""
    created = bulk_create_with_history(
        plan.to_create, LAO, batch_size=500, default_user=by, default_change_reason=reason
    )
    # The dashboards count the LAOs of a district by type (records/hooks.py, areas_changed).
    districts = {lao.district_id for lao in [*created, *plan.to_update]}
    if plan.to_update:
        # An LAO given another district or type takes its key figures with it (records/rollups.py).
        places = {name.removesuffix("_id") for name in plan.fields} & {"district", "type"}
        before = (
            {
                pk: (district, lao_type)
                for pk, district, lao_type in LAO.objects.filter(
                    pk__in=[lao.pk for lao in plan.to_update]
                ).values_list("pk", "district_id", "type")
            }
            if places
            else {}
        )
        now = timezone.now()
        for lao in plan.to_update:
            lao.updated_at = now  # bulk_update does not apply auto_now
        fields = sorted(name.removesuffix("_id") for name in plan.fields) + ["updated_at"]
        bulk_update_with_history(
            plan.to_update,
            LAO,
            fields,
            batch_size=500,
            default_user=by,
            default_change_reason=reason,
        )
        districts |= {district for district, _type in before.values()}
        # The province's lock before any roll-up (records/rollups.py, lock_provinces).
        rollups.lock_provinces({district[:2] for district in districts})
        rollups.laos_moved(before)
        gap_rollups.laos_moved(before)
    hooks.areas_changed(districts)
    _write_coverage(created, plan.coverage_changed, targets)


def _write_coverage(
    created: list[LAO], coverage_changed: list[LAO], targets: dict[str, _Target]
) -> None:
    """Sets the covered subdistricts of new LAOs and replaces those of LAOs whose coverage
    changed, in bulk on the through table."""
    through = LAO.subdistricts.through
    updated_ids = [lao.pk for lao in coverage_changed]
    for start in range(0, len(updated_ids), 500):  # stays under SQLite's variable limit
        through.objects.filter(lao_id__in=updated_ids[start : start + 500]).delete()
    links = (
        through(lao_id=lao.pk, subdistrict_id=subdistrict_id)
        for lao in [*created, *coverage_changed]
        for subdistrict_id in sorted(targets[lao.code].subdistrict_ids)
    )
    # In slices: 80,000 unsaved model instances at once would cost ~100 MB for nothing.
    while batch := list(itertools.islice(links, 2000)):
        through.objects.bulk_create(batch)


@transaction.atomic
def registry_import(
    *,
    data: bytes | tablib.Dataset,
    filename: str,
    commit: bool,
    by: User | None = None,
    bounds: uploads.Bounds | None = None,
    progress: Progress | None = None,
) -> RegistryImportResult:
    """Checks a registry file against the database and, if asked and it has no error, applies it.

    All or nothing: any error (unknown place, bad code or type, rows of one code that disagree,
    coordinates outside Thailand...) means nothing is written. With ``commit`` and no error, LAOs
    are created or updated in bulk, their covered subdistricts replaced, and a history row is
    kept for each (user ``by``, reason "registry import <filename>"). LAOs that are not in the
    file are left alone and counted. Raises ``UploadError`` when the file cannot be read
    as a registry at all (damaged, empty, not a spreadsheet, wrong header) or not within
    ``bounds`` (records/uploads.py; the registry's by default).
    """
    started = time.perf_counter()
    bounds = bounds or uploads.REGISTRY_BOUNDS
    dataset = data if isinstance(data, tablib.Dataset) else registry_read(data, bounds, progress)
    columns = _check_header(list(dataset.headers or []))
    geo = _Geography()
    checker = _Checker(dataset, columns, geo)
    targets = checker.targets()
    if not checker.rows:
        raise UploadError(_("The file has the registry header but no rows."))
    result = RegistryImportResult(filename=filename, rows=checker.rows)
    result.errors, result.warnings = checker.errors, checker.warnings
    plan = _Differ(geo).plan(targets, result)
    if commit and result.ok:
        _write(plan, targets, by=by, reason=f"registry import {filename}"[:100])
        result.committed = True
    result.seconds = time.perf_counter() - started
    return result
