"""The records of a scope as one table: one row per LAO, one column per field of the schema.

CSV is one wide table under a header block of five rows (section, Thai label, English label,
unit, field code); XLSX has a summary sheet (per LAO: code, name, type, district, province,
completeness, last update) and one sheet per section with the same header block. Both start with
the title, the filters and the time of export, and escape cells that would run as a formula.

The national export (~7,850 LAOs x 238 fields) never sits in memory: two queries are read with
``.iterator(chunk_size=...)`` side by side, the LAOs (with their record of the year) and the
records' section entries, both ordered by LAO code, so one LAO's row is put together at a time.
XLSX is written in openpyxl's write-only mode, straight to a file. A large XLSX runs as a
background job (a thread) that writes ``MEDIA_ROOT/exports/<token>.xlsx`` and a progress file
``<token>.json`` beside it; only the user who started it may fetch it.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django.db.models import Exists, FilteredRelation, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from accounts import access
from dashboards.exports import _preamble, csv_stream, safe_cell
from lgdata.thai import BE_OFFSET, fiscal_year_of
from records.completeness import percent
from records.models import LAO, District, Field, Province, Record, Schema, Section, SectionEntry
from records.schema import current_schema
from records.services import NOT_APPLICABLE

if TYPE_CHECKING:
    from accounts.models import User

# Rows read from the database at a time: enough to keep the number of round trips low, small
# enough that a chunk of section entries (each a JSON object of up to ~40 values) stays small.
CHUNK_SIZE = 2000
# From this many LAOs up, an XLSX export from the web runs in the background.
BACKGROUND_LAOS = 2000
# How often (in LAOs) a running job writes its progress.
PROGRESS_EVERY = 250
# A job whose progress file has not moved for this long died with its worker process.
JOB_STALE_SECONDS = 15 * 60
# Finished files are kept this long, then removed when the next job starts.
JOB_KEEP_SECONDS = 24 * 60 * 60
logger = logging.getLogger(__name__)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


class ExportScopeError(Exception):
    """A filter that names a place the user may not see, or that does not exist."""


@dataclass
class ExportScope:
    """Which LAOs and which fiscal year an export covers, and how its filters read."""

    laos: QuerySet[LAO]
    fiscal_year: int
    filters: dict[str, str] = field(default_factory=dict)
    slug: str = "national"  # for the file name: records-<slug>-<year>

    @property
    def filename(self) -> str:
        return f"records-{self.slug}-{self.fiscal_year}"


def export_scope(
    *,
    user: User | None,
    province: str = "",
    district: str = "",
    lao: str = "",
    year: int | None = None,
    language: str = "th",
) -> ExportScope:
    """The LAOs an export covers: those the user may read (``accounts.access``; every LAO for
    ``user=None``, the command line), narrowed by a province, district or LAO code.

    A filter naming a place outside the user's scope, or one that does not exist, raises
    ``ExportScopeError`` (a 404 on the web): a district officer cannot export another district
    by editing the address. LAOs that exist today and LAOs that have a record of the year are
    exported; an LAO without a record has an empty row.
    """
    year = year or fiscal_year_of(timezone.localdate())
    laos = access.laos_visible_to(user) if user is not None else LAO.objects.all()
    filters: dict[str, str] = {_("Fiscal year"): str(year)}
    slug = "national"
    if province:
        provinces = access.provinces_visible_to(user) if user is not None else Province.objects
        place = provinces.filter(pk=province).first()
        if place is None:
            raise ExportScopeError(_("Unknown province “%(code)s”.") % {"code": province})
        laos = laos.filter(district__province=place)
        filters[_("Province")] = f"{_name(place, language)} ({place.code})"
        slug = place.code
    if district:
        districts = access.districts_visible_to(user) if user is not None else District.objects
        place = districts.filter(pk=district).first()
        if place is None:
            raise ExportScopeError(_("Unknown district “%(code)s”.") % {"code": district})
        laos = laos.filter(district=place)
        filters[_("District")] = f"{_name(place, language)} ({place.code})"
        slug = place.code
    if lao:
        one = laos.filter(code=lao).first()
        if one is None:
            raise ExportScopeError(_("Unknown LAO code “%(code)s”.") % {"code": lao})
        laos = laos.filter(pk=one.pk)
        filters[_("LAO")] = f"{one.display_name} ({one.code})"
        slug = one.code
    if not (province or district or lao) and user is not None and not user.is_national:
        filters[_("Scope")] = user.scope_label
        slug = "scope"
    with_record = Record.objects.filter(lao=OuterRef("pk"), fiscal_year=year)
    today = timezone.localdate()
    laos = laos.filter(
        (Q(active_from__isnull=True) | Q(active_from__lte=today))
        & (Q(active_until__isnull=True) | Q(active_until__gte=today))
        | Exists(with_record)
    )
    return ExportScope(laos=laos, fiscal_year=year, filters=filters, slug=slug)


def _name(place: Province | District, language: str) -> str:
    return place.name_en if language == "en" and place.name_en else place.name_th


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
class LAORow:
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


def lao_rows(scope: ExportScope, *, language: str = "th") -> Iterator[LAORow]:
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
        yield LAORow(
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


def _summary_cells(row: LAORow) -> list:
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
        for row in lao_rows(scope, language=language):
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


def _bold_row(sheet, values: list) -> list:
    bold = Font(bold=True)
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=safe_cell(value))
        cell.font = bold
        cells.append(cell)
    return cells


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
    preamble = _preamble(title, scope.filters)
    total = scope.laos.count() if on_progress else 0
    workbook = Workbook(write_only=True)
    used: set[str] = set()

    summary = workbook.create_sheet(_sheet_title(_("Summary"), used))
    for width, letter in zip((11, 34, 30, 22, 18, 14, 18), "ABCDEFG", strict=True):
        summary.column_dimensions[letter].width = width
    summary.freeze_panes = f"C{len(preamble) + 2}"
    for line in preamble:
        summary.append(line)
    summary.append(_bold_row(summary, _summary_columns()))

    label = "label_en" if language == "en" else "label_th"
    sheets = []
    for section, columns in layout.by_section:
        sheet = workbook.create_sheet(_sheet_title(getattr(section, label), used))
        sheet.column_dimensions["A"].width = 11
        sheet.column_dimensions["B"].width = 34
        sheet.freeze_panes = f"C{len(preamble) + 6}"
        for line in _preamble(f"{title}: {getattr(section, label)}", scope.filters):
            sheet.append(line)
        for line in layout.header_block(columns, [_("LAO code"), _("LAO")]):
            sheet.append(_bold_row(sheet, line))
        sheets.append((sheet, columns))

    done = 0
    for row in lao_rows(scope, language=language):
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


# --- Background jobs ---------------------------------------------------------------------------


def _jobs_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "exports"


def _job_file(token: str) -> Path | None:
    if not _TOKEN.fullmatch(token or ""):
        return None
    return _jobs_dir() / f"{token}.json"


def _write_json(path: Path, state: dict) -> None:
    """Replaces the progress file in one step, so a reader never sees half of it."""
    partial = path.with_suffix(".json.part")
    partial.write_text(json.dumps(state), encoding="utf-8")
    os.replace(partial, path)


@dataclass
class ExportJob:
    """A background export as its progress file tells it."""

    token: str
    user_id: int
    status: str  # "running", "done" or "failed"
    done: int
    total: int
    filename: str
    started: float
    updated: float
    filters: dict[str, str]

    @property
    def percent(self) -> float:
        return percent(self.done, self.total) if self.total else 0.0

    @property
    def path(self) -> Path:
        return _jobs_dir() / f"{self.token}.xlsx"

    @property
    def started_at(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.started, tz=datetime.UTC)

    @property
    def ready(self) -> bool:
        return self.status == "done" and self.path.is_file()


def export_job_get(token: str, *, user: User) -> ExportJob | None:
    """The job named by the token if the user started it (anyone else gets None), with a job
    whose worker died while running reported as failed."""
    path = _job_file(token)
    if path is None or not path.is_file():
        return None
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if state.get("user_id") != user.pk:
        return None
    job = ExportJob(token=token, **state)
    if job.status == "running" and time.time() - job.updated > JOB_STALE_SECONDS:
        job.status = "failed"
    return job


def _running_job_of(user: User) -> ExportJob | None:
    directory = _jobs_dir()
    if not directory.is_dir():
        return None
    for path in directory.glob("*.json"):
        job = export_job_get(path.stem, user=user)
        if job is not None and job.status == "running":
            return job
    return None


def _remove_old_jobs() -> None:
    cutoff = time.time() - JOB_KEEP_SECONDS
    for path in _jobs_dir().glob("*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def _in_background(target: Callable[[], None]) -> None:
    """Runs the export in a thread of its own, with its own database connection, closed at the
    end. Tests replace this to run the job at once."""

    def run() -> None:
        try:
            target()
        finally:
            connection.close()

    threading.Thread(target=run, name="record-export", daemon=True).start()


def export_job_start(*, scope: ExportScope, user: User, language: str) -> ExportJob:
    """Starts (or, if the user already has one running, returns) a background XLSX export.

    The thread writes MEDIA_ROOT/exports/<token>.xlsx and keeps <token>.json up to date with
    the number of LAOs written; files older than a day are removed on the way.
    """
    running = _running_job_of(user)
    if running is not None:
        return running
    directory = _jobs_dir()
    directory.mkdir(parents=True, exist_ok=True)
    _remove_old_jobs()
    token = secrets.token_urlsafe(24)
    progress_path = directory / f"{token}.json"
    now = time.time()
    state = {
        "user_id": user.pk,
        "status": "running",
        "done": 0,
        "total": scope.laos.count(),
        "filename": f"{scope.filename}.xlsx",
        "started": now,
        "updated": now,
        "filters": scope.filters,
    }
    _write_json(progress_path, state)

    def progress(done: int, total: int) -> None:
        state.update(done=done, total=total, updated=time.time())
        _write_json(progress_path, state)

    def work() -> None:
        from django.utils import translation

        partial = directory / f"{token}.xlsx.part"
        try:
            with translation.override(language):
                records_xlsx_write(scope, partial, language=language, on_progress=progress)
            os.replace(partial, directory / f"{token}.xlsx")
            state["status"] = "done"
        except Exception:
            logger.exception("record export %s failed", token)
            state["status"] = "failed"
            partial.unlink(missing_ok=True)
        finally:
            state["updated"] = time.time()
            _write_json(progress_path, state)

    _in_background(work)
    return ExportJob(token=token, **state)


# --- The printable province report -------------------------------------------------------------


@dataclass
class ProvinceReport:
    """What the printable province report shows (see ``province_report_build``)."""

    province: Province
    fiscal_year: int
    today: datetime.date
    round: object | None  # deadlines.models.Round
    districts: list  # dashboards.figures.AreaRow, districts with LAOs, in code order
    total: object  # dashboards.figures.AreaRow of the whole province
    overdue: list  # dashboards.figures.LaoRow
    chain: list  # deadlines.models.Circular, department first

    @property
    def is_overdue(self) -> bool:
        return self.round is not None and self.round.is_overdue(self.today)

    @property
    def overdue_lines(self) -> list[tuple[object, int | None]]:
        """(LAO row, days past the deadline) for each LAO overdue."""
        return [(row, -row.days if row.days is not None else None) for row in self.overdue]


def province_report_build(*, province: Province, today: datetime.date) -> ProvinceReport:
    """Completeness by district and the LAOs overdue in the current round, added up exactly as
    the dashboards add them (``dashboards.figures``), and the round's chain of letters: the
    department circular, then the province's and its districts' forwarding letters.
    A fixed number of queries whatever the number of LAOs."""
    from dashboards import figures
    from deadlines.models import Circular, RoundLAO

    current = figures.current_round()
    year = current.fiscal_year if current else fiscal_year_of(today)
    laos = LAO.objects.active_on(today).filter(district__province=province)
    districts = figures.area_rows(
        level="district",
        parent_code=province.code,
        laos=laos,
        round=current,
        fiscal_year=year,
        today=today,
    )
    total = figures.totals(
        districts,
        level="province",
        code=province.code,
        name_th=province.name_th,
        name_en=province.name_en,
        display_name=province.display_name,
    )
    overdue: list = []
    chain: list = []
    if current is not None:
        if current.is_overdue(today):
            overdue = figures.lao_rows(
                laos=laos,
                round=current,
                fiscal_year=year,
                today=today,
                sections=[],
                status=RoundLAO.Status.OVERDUE,
            )
        circular = current.circular
        letters = Circular.objects.filter(
            Q(level=Circular.Level.PROVINCE, province=province, forwards=circular)
            | Q(
                level=Circular.Level.DISTRICT,
                district__province=province,
                forwards__in=Circular.objects.filter(Q(pk=circular.pk) | Q(forwards=circular)),
            )
        ).select_related("province", "district")
        chain = [
            circular,
            *sorted(
                letters,
                key=lambda c: (c.level != Circular.Level.PROVINCE, c.district_id or "", c.date),
            ),
        ]
    return ProvinceReport(
        province=province,
        fiscal_year=year,
        today=today,
        round=current,
        districts=[row for row in districts if row.laos],
        total=total,
        overdue=overdue,
        chain=chain,
    )
