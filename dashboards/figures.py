"""The read layer of the dashboards and of the MOC API: figures added up in the database.

Every function here runs a fixed number of queries whatever the number of LAOs: the LAOs are
joined to their record of the fiscal year (stored completeness counts, never recomputed from
values) and to their participation in the round, and grouped in SQL. A participation's status
is derived in SQL exactly as ``RoundLAO.status()`` derives it in Python (see
``RoundLAO.status_sql``; a test holds the two together).

Conventions:
- Completeness is required fields filled / required fields, added up at every level
  (docs/dashboards.md), so an area's completeness is the sum of its LAOs' filled counts over
  the sum of their required counts. An LAO with no record yet counts its type's required fields
  as required, none filled. A row's ``percent`` is ``records.completeness.percent`` of its
  counts (one decimal, rounded down), the figure every page and export shows.
- ``fiscal_year`` is the year whose records are read; with a round it should be the round's.
- ``today`` decides which rounds are overdue and the days left or late.
- Statuses are ``RoundLAO.Status`` values; an LAO outside the round has none (``None``).

This module's signatures are used by the dashboards and by the API: change them only by adding
keyword arguments with defaults.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from accounts import access
from dashboards.keeping import kept, rollups_stamp
from dashboards.models import AreaFigures
from deadlines import progress_rollups
from deadlines.models import ProgressRollup, Round, RoundLAO, Transition
from deadlines.progress_rollups import round_start
from deadlines.reminders import reminding_until
from records.completeness import percent
from records.models import (
    LAO,
    District,
    Field,
    Province,
    Record,
    Schema,
    Section,
    SectionEntry,
)
from records.services import SectionCounts, SectionState

Status = RoundLAO.Status
State = RoundLAO.State

STATUSES: tuple[str, ...] = tuple(Status.values)
# What the stored roll-ups hold per district (deadlines/progress_rollups.py).
YEAR_SUMS = (*progress_rollups.YEAR_COUNTS, "last_updated")
ROUND_SUMS = progress_rollups.ROUND_COUNTS
# The order a person reads the statuses in, from furthest behind to done.
BEHIND_ORDER: tuple[str, ...] = (
    Status.OVERDUE,
    Status.NOT_STARTED,
    Status.RETURNED,
    Status.IN_PROGRESS,
    Status.SUBMITTED_LATE,
    Status.SUBMITTED_ON_TIME,
    Status.APPROVED,
)
SUBMITTED_STATES = (State.SUBMITTED, State.DISTRICT_APPROVED, State.APPROVED)
BEHIND_STATES = (State.OPEN, State.RETURNED)

LEVELS = ("province", "district", "lao")
# LAO sort keys the tables offer (a leading "-" reverses); "behind" puts the furthest behind first.
LAO_SORTS = ("code", "name", "type", "completeness", "status", "updated", "days", "behind")


# --- Rounds ---------------------------------------------------------------------------------------


def current_round(fiscal_year: int | None = None) -> Round | None:
    """The round with the latest deadline (of one fiscal year when given), or None. One query."""
    rounds = Round.objects.select_related("circular").order_by("-deadline", "-id")
    if fiscal_year is not None:
        rounds = rounds.filter(fiscal_year=fiscal_year)
    return rounds.first()


def day_start(day: datetime.date) -> datetime.datetime:
    """The first moment of a day in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- Expressions shared by every query ------------------------------------------------------------


# What each LAO type owes under each loaded schema version, counted once per process: a loaded
# version never changes (records/schema.py). Keyed by the row's id and load time, so a version
# loaded again (a test database, a restored backup) is counted again.
_owed: dict[tuple, dict[str, int]] = {}


def required_by_type() -> dict[str, int]:
    """Required fields of the newest schema per LAO type: what an LAO with no record yet owes.
    One query (the newest schema's row); its fields are counted once per process."""
    latest = Schema.objects.order_by("-version").values_list("pk", "loaded_at").first()
    counts = _owed.get(latest)
    if counts is None:
        counts = dict.fromkeys(LAO.Type.values, 0)
        applies = Field.objects.filter(
            section__schema_id=latest[0] if latest else None, required=True
        ).values_list("applies_to", flat=True)
        for types in applies:
            for lao_type in counts:
                if not types or lao_type in types:
                    counts[lao_type] += 1
        if len(_owed) >= 8:
            _owed.clear()
        _owed[latest] = counts
    return dict(counts)


def _required_expression(owed: dict[str, int]):
    by_type = Case(
        *[When(type=lao_type, then=Value(n)) for lao_type, n in owed.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    return Coalesce("rec__required_count", by_type, output_field=IntegerField())


def with_progress(
    laos: QuerySet[LAO],
    *,
    round: Round | None,
    fiscal_year: int,
    today: datetime.date,
    owed: dict[str, int] | None = None,
) -> QuerySet[LAO]:
    """LAOs with aliases for the figures: ``rec`` (their record of the year), ``part`` (their
    participation in the round), ``status``, ``req`` and ``fil`` (required and filled fields).

    Aliases, not annotations: group with ``.values(...).annotate(...)`` or select what you need.
    ``owed`` is ``required_by_type()`` (read once when not given).
    """
    owed = required_by_type() if owed is None else owed
    qs = laos.alias(
        rec=FilteredRelation("records", condition=Q(records__fiscal_year=fiscal_year)),
    )
    if round is not None:
        qs = qs.alias(part=FilteredRelation("rounds", condition=Q(rounds__round=round)))
    return qs.alias(
        status=RoundLAO.status_sql(
            today=today, started=Q(rec__filled_count__gt=0), via="part__", round=round
        )
        if round is not None
        else Value(None, output_field=CharField()),
        req=_required_expression(owed),
        fil=Coalesce("rec__filled_count", Value(0), output_field=IntegerField()),
    )


# --- Per LAO --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionCell(SectionCounts):
    """One section of one LAO's record, from the stored counts; its state, per cent and whether
    complete as the LAO page and the exports show them (``records.services.SectionCounts``)."""

    code: str
    label_th: str
    label_en: str
    required: int
    filled: int
    rules_pass: bool

    @property
    def started(self) -> bool:
        return self.filled > 0


@dataclass
class LaoRow:
    """One LAO on a dashboard: completeness overall and per section, and its place in the round.

    ``days``: for a submission, days before (+) or after (−) the deadline it came in; for an LAO
    that has not submitted, days left until (+) or past (−) the deadline. None outside a round.
    """

    lao: LAO
    required: int
    filled: int
    has_record: bool
    updated_at: datetime.datetime | None
    sections: list[SectionCell]
    status: str | None
    state: str | None = None
    participant_id: int | None = None
    submitted_at: datetime.datetime | None = None
    on_time: bool | None = None
    acknowledged_at: datetime.datetime | None = None
    days: int | None = None
    current: bool = False

    @property
    def completeness(self) -> float:
        """0 to 1; a record with nothing required is complete."""
        return self.filled / self.required if self.required else 1.0

    @property
    def percent(self) -> float:
        return percent(self.filled, self.required)

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def sections_complete(self) -> int:
        return sum(1 for cell in self.sections if cell.complete)

    @property
    def sections_needing_check(self) -> int:
        """Sections whose cross-field rule fails: shown as "needs checking", not complete."""
        return sum(1 for cell in self.sections if cell.state == SectionState.NEEDS_CHECKING)

    @property
    def days_count(self) -> int | None:
        """``days`` without its sign, for "3 days early" or "3 days late"."""
        return None if self.days is None else abs(self.days)

    @property
    def submitted(self) -> bool:
        return self.state in SUBMITTED_STATES

    @property
    def behind(self) -> bool:
        """Still owes its record in the round (open or returned): the LAOs a reminder goes to."""
        return self.state in BEHIND_STATES

    @property
    def type_label(self) -> str:
        return str(LAO.Type(self.lao.type).label)


def _ratio_expression():
    return Case(
        When(r_required=0, then=Value(1.0)),
        default=Cast("r_filled", FloatField()) / Cast("r_required", FloatField()),
        output_field=FloatField(),
    )


def _order_by(sort: str) -> list:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in LAO_SORTS:
        key, descending = "code", False
    if key == "behind":
        return ["r_done", "r_ratio", F("r_updated").asc(nulls_first=True), "code"]
    expression = {
        "code": F("code"),
        "name": F("name_th"),
        "type": F("type"),
        "completeness": F("r_ratio"),
        "status": F("r_rank"),
        "updated": F("r_updated"),
        "days": F("p_submitted_at"),
    }[key]
    if descending:
        expression = expression.desc(nulls_last=True)
    else:
        expression = expression.asc(nulls_last=key != "updated")
    return [expression, "code"]


def schema_sections() -> list[Section]:
    """The newest schema's sections in order (the columns of the per-section view). One query."""
    latest = Schema.objects.order_by("-version").values("pk")[:1]
    return list(Section.objects.filter(schema__in=latest).order_by("order"))


def lao_progress_rows(
    *,
    laos: QuerySet[LAO],
    round: Round | None,
    fiscal_year: int,
    today: datetime.date,
    sort: str = "code",
    limit: int | None = None,
    sections: list[Section] | None = None,
    status: str | None = None,
    below: int | None = None,
    owed: dict[str, int] | None = None,
) -> list[LaoRow]:
    """One row per LAO of ``laos``: type, completeness overall and per section (stored counts),
    last update, status in the round, days early or late, acknowledgement.

    ``sort`` is one of ``LAO_SORTS`` (a leading "-" reverses; "behind": not yet submitted
    first, then the least complete, the longest untouched); ``limit`` keeps the first rows;
    ``status`` keeps the LAOs in that status, ``below`` those less than that per cent complete.
    Four queries whatever the number of LAOs, one fewer for each of ``sections`` and
    ``owed`` (what each LAO type owes) given.
    """
    owed = required_by_type() if owed is None else owed
    sections = schema_sections() if sections is None else sections
    rank = Case(
        *[When(status=s, then=Value(i)) for i, s in enumerate(BEHIND_ORDER)],
        default=Value(len(BEHIND_ORDER)),
        output_field=IntegerField(),
    )
    done = (
        Case(When(part__state__in=SUBMITTED_STATES, then=Value(1)), default=Value(0))
        if round is not None
        else Value(0)
    )
    qs = (
        with_progress(laos, round=round, fiscal_year=fiscal_year, today=today, owed=owed)
        .select_related("district__province")
        .annotate(
            r_required=F("req"),
            r_filled=F("fil"),
            r_record=F("rec__id"),
            r_updated=F("rec__updated_at"),
            r_status=F("status"),
            r_rank=rank,
        )
        .annotate(r_ratio=_ratio_expression())
    )
    if round is not None:
        qs = qs.annotate(
            p_id=F("part__id"),
            p_state=F("part__state"),
            p_on_time=F("part__on_time"),
            p_submitted_at=F("part__submitted_at"),
            p_acknowledged_at=F("part__acknowledged_at"),
            r_done=done,
        )
    else:
        qs = qs.annotate(p_submitted_at=Value(None, output_field=IntegerField()), r_done=done)
    qs = _narrow(qs, status=status, below=below, filled="r_filled", required="r_required")
    qs = qs.order_by(*_order_by(sort))
    if limit is not None:
        qs = qs[:limit]
    found = list(qs)

    cells = _section_cells(found, fiscal_year, sections)
    since = round_start(round) if round is not None else None
    rows = []
    for lao in found:
        row = LaoRow(
            lao=lao,
            required=lao.r_required or 0,
            filled=lao.r_filled or 0,
            has_record=lao.r_record is not None,
            updated_at=lao.r_updated,
            sections=cells.get(lao.pk, []),
            status=lao.r_status,
        )
        if round is not None and lao.p_id is not None:
            row.state = lao.p_state
            row.participant_id = lao.p_id
            row.submitted_at = lao.p_submitted_at
            row.on_time = lao.p_on_time
            row.acknowledged_at = lao.p_acknowledged_at
            row.days = _days(round, today, row)
        row.current = bool(since and row.updated_at and row.updated_at >= since)
        rows.append(row)
    return rows


def _narrow(qs: QuerySet, *, status, below, filled: str, required: str) -> QuerySet:
    """Keeps the LAOs in ``status`` and those under ``below`` per cent (compared in whole
    numbers: filled × 100 < required × below)."""
    if status:
        qs = qs.filter(status=status)
    if below:
        qs = qs.alias(f_hundred=F(filled) * 100).filter(f_hundred__lt=F(required) * below)
    return qs


def _days(round: Round, today: datetime.date, row: LaoRow) -> int:
    if row.submitted and row.submitted_at is not None:
        return (round.deadline - timezone.localdate(row.submitted_at)).days
    return (round.deadline - today).days


def _section_cells(
    laos: list[LAO], fiscal_year: int, sections: list[Section]
) -> dict[int, list[SectionCell]]:
    """Per LAO id, its entries' stored counts in the order of ``sections`` (matched by code, so
    a record kept under an older schema still lines up). One query."""
    if not laos:
        return {}
    stored: dict[int, dict[str, tuple[int, int, bool]]] = defaultdict(dict)
    entries = SectionEntry.objects.filter(
        record__fiscal_year=fiscal_year, record__lao_id__in=[lao.pk for lao in laos]
    ).values_list("record__lao_id", "section__code", "required_count", "filled_count", "rules_pass")
    for lao_id, code, required, filled, rules_pass in entries:
        stored[lao_id][code] = (required, filled, rules_pass)
    cells = {}
    for lao_id, by_code in stored.items():
        cells[lao_id] = [
            SectionCell(s.code, s.label_th, s.label_en, *by_code[s.code])
            for s in sections
            if s.code in by_code
        ]
    return cells


# --- Per area (province or district) --------------------------------------------------------------


@dataclass
class AreaRow(AreaFigures):
    """One province, district (or the nation) on a dashboard: counts of LAOs by status in the
    round, and completeness added up from stored counts."""

    level: str
    code: str
    name_th: str
    name_en: str
    display_name: str
    laos: int = 0
    participants: int = 0
    not_started: int = 0
    in_progress: int = 0
    submitted_on_time: int = 0
    submitted_late: int = 0
    returned: int = 0
    approved: int = 0
    overdue: int = 0
    required: int = 0
    filled: int = 0
    acknowledged: int = 0
    current: int = 0
    last_updated: datetime.datetime | None = None

    @property
    def status_counts(self) -> dict[str, int]:
        return {status: getattr(self, status) for status in STATUSES}


COUNTED = (
    "laos",
    "participants",
    *STATUSES,
    "required",
    "filled",
    "acknowledged",
    "current",
)


def totals(
    rows: Iterable[AreaRow],
    *,
    level: str,
    code: str,
    name_th: str,
    name_en: str = "",
    display_name: str = "",
) -> AreaRow:
    """The sum of area rows, as one row (a province from its districts, the nation from its
    provinces)."""
    total = AreaRow(level, code, name_th, name_en, display_name or name_th)
    for row in rows:
        progress_rollups.add_counts(total, row, COUNTED)
    return total


def lao_totals(rows: Iterable[LaoRow], **names: str) -> AreaRow:
    """LAO rows added up as one area row (the totals above a district's table); ``names`` as
    for ``totals``."""
    return totals(map(_one_lao_area, rows), **names)


def _one_lao_area(row: LaoRow) -> AreaRow:
    """An LAO row as the figures of an area of that one LAO."""
    area = AreaRow("lao", row.lao.code, "", "", "")
    area.laos = 1
    area.required = row.required
    area.filled = row.filled
    area.last_updated = row.updated_at
    if row.participant_id is not None:
        area.participants = 1
        area.acknowledged = int(row.acknowledged)
        area.current = int(row.current)
    if row.status:
        setattr(area, row.status, 1)
    return area


def area_rows(
    *,
    level: str,
    parent_code: str | None,
    laos: QuerySet[LAO] | None = None,
    round: Round | None,
    fiscal_year: int,
    today: datetime.date,
    areas: QuerySet | None = None,
    status: str | None = None,
    below: int | None = None,
    lao_type: str | None = None,
) -> list[AreaRow]:
    """One row per province (``level="province"``) or per district (``level="district"``, of
    the province ``parent_code``, or of the whole country when it is None), in code order:
    LAOs, LAOs in the round, each status, required and filled fields, acknowledged, current
    (participants updated since the round started), last update.

    Only the LAOs of ``laos`` are counted (scope and filters are the caller's); None counts
    every LAO that exists ``today`` (of ``lao_type`` when given), from the stored roll-ups
    (deadlines/progress_rollups.py) when the year has them. Every area under the parent is
    listed, with zeros where it has none, unless ``areas`` narrows them. ``status`` and
    ``below`` count only the LAOs in that status or under that per cent (from the records).
    A fixed number of queries whatever the number of LAOs.
    """
    if level == "province":
        places = Province.objects.all() if areas is None else areas
    elif level == "district":
        places = District.objects.all() if areas is None else areas
        if parent_code:
            places = places.filter(province_id=parent_code)
    else:
        raise ValueError(f"unknown level {level!r}")
    by_code = None
    if laos is None and status is None and below is None:
        by_code = _stored_area_figures(
            level=level,
            parent_code=parent_code,
            round=round,
            fiscal_year=fiscal_year,
            today=today,
            lao_type=lao_type,
        )
    if by_code is None:
        if laos is None:
            laos = LAO.objects.active_on(today)
            if lao_type:
                laos = laos.filter(type=lao_type)
        by_code = _counted_area_figures(
            level=level,
            parent_code=parent_code,
            laos=laos,
            round=round,
            fiscal_year=fiscal_year,
            today=today,
            status=status,
            below=below,
        )
    rows = []
    for place in places.order_by("code"):
        row = AreaRow(level, place.code, place.name_th, place.name_en, place.display_name)
        for name, value in by_code.get(place.code, {}).items():
            setattr(row, name, value or (None if name == "last_updated" else 0))
        rows.append(row)
    return rows


def _counted_area_figures(
    *, level, parent_code, laos, round, fiscal_year, today, status, below
) -> dict[str, dict]:
    """An area's figures (by its code) added up from the records and participations of
    ``laos``: one query."""
    key = "district__province_id" if level == "province" else "district_id"
    if level == "district" and parent_code:
        laos = laos.filter(district__province_id=parent_code)
    since = round_start(round) if round is not None else None
    counts = {
        "laos": Count("pk"),
        "required": Sum("req"),
        "filled": Sum("fil"),
        "last_updated": Max("rec__updated_at"),
    }
    if round is not None:
        counts |= {
            "participants": Count("part__id"),
            "acknowledged": Count("pk", filter=Q(part__acknowledged_at__isnull=False)),
            "current": Count("part__id", filter=Q(rec__updated_at__gte=since)),
            **{status: Count("pk", filter=Q(status=status)) for status in STATUSES},
        }
    progress = with_progress(laos, round=round, fiscal_year=fiscal_year, today=today)
    grouped = (
        _narrow(
            progress, status=status if round else None, below=below, filled="fil", required="req"
        )
        .values(key)
        .annotate(**counts)
        .order_by()
    )
    return {values.pop(key): values for values in grouped}


def _stored_area_figures(**asked) -> dict[str, dict] | None:
    """``_summed_area_figures`` of what is ``asked`` (level, parent_code, round, fiscal_year,
    today, lao_type), kept in the cache under what it is added up from: the stamp of the
    roll-ups it reads (every write of them adds to it), the registry's newest change (which
    LAOs exist), what each LAO type owes, the day and whether the round is overdue. Two
    queries when it is kept."""
    owed = required_by_type()
    round_, today = asked["round"], asked["today"]
    made_from = (
        rollups_stamp(asked["parent_code"] if asked["level"] == "district" else None),
        owed,
        sorted((name, value) for name, value in asked.items() if name != "round"),
        round_.pk if round_ else None,
        round_.is_overdue(today) if round_ else None,
    )
    return kept("area-figures", made_from, lambda: _summed_area_figures(owed=owed, **asked))


def _summed_area_figures(
    *, level, parent_code, round, fiscal_year, today, lao_type, owed
) -> dict[str, dict] | None:
    """An area's figures (by its code) for every LAO that exists ``today`` (of ``lao_type``),
    added up from the stored roll-ups (deadlines/progress_rollups.py): the district rows of
    the year and of the round, less the part of the LAOs that do not exist today (usually
    none). None when the year has no stored rows. Three queries; two or three more when an
    LAO does not exist today."""
    stored = ProgressRollup.objects.filter(fiscal_year=fiscal_year, level=level)
    stored = stored.filter(Q(round__isnull=True) | Q(round=round) if round else Q(round=None))
    gone = LAO.objects.gone_on(today)
    if level == "district" and parent_code:
        stored = stored.filter(province_id=parent_code)
        gone = gone.filter(district__province_id=parent_code)
    if lao_type:
        stored = stored.filter(lao_type=lao_type)
        gone = gone.filter(type=lao_type)
    # What an LAO without a record of the year owes (``owed``): its type's required fields.
    owes = Case(
        *[When(lao_type=lao_type_, then=Value(n)) for lao_type_, n in owed.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    sums = {
        name: Max(name) if name == "last_updated" else Sum(name)
        for name in (*YEAR_SUMS, *ROUND_SUMS)
    }
    sums["required"] = Sum(F("required") + (F("laos") - F("recorded")) * owes)
    # Summed under other names: "required" is a column as well.
    rows = [
        (
            SimpleNamespace(area=area, round_id=round_id, **dict(zip(sums, found, strict=True))),
            1,
        )
        for area, round_id, *found in stored.values_list("area", "round_id")
        .annotate(**{f"sum_{name}": total for name, total in sums.items()})
        .order_by()
    ]
    if not any(row.round_id is None for row, _sign in rows):
        return None
    gone_ids = list(gone.order_by().values_list("pk", flat=True))
    if gone_ids:
        for row in progress_rollups.computed(LAO.objects.filter(pk__in=gone_ids), [fiscal_year]):
            if row.round_id == (round.pk if round else None) or row.round_id is None:
                row.required += (row.laos - row.recorded) * owed[row.lao_type]
                rows.append((row, -1))
    overdue = round is not None and round.is_overdue(today)
    by_code: dict[str, dict] = defaultdict(lambda: dict.fromkeys(COUNTED, 0))
    newest_gone: dict[str, datetime.datetime] = {}
    for row, sign in rows:
        # A district row of an LAO gone counts in its province on the national page.
        area = row.province_id if sign < 0 and level == "province" else row.area
        figures_ = by_code[area]
        if row.round_id is None:
            counted = {"laos": row.laos, "required": row.required, "filled": row.filled}
            newest, into = row.last_updated, figures_ if sign > 0 else newest_gone
            slot = "last_updated" if sign > 0 else area
            if newest is not None and (into.get(slot) is None or newest > into[slot]):
                into[slot] = newest
        else:
            # The statuses a participation has whatever the day, and those it has until the
            # deadline passes (then "overdue"), as RoundLAO.status() decides.
            open_ = {
                "returned": row.returned,
                "in_progress": row.open_started,
                "not_started": row.open_not_started,
            }
            counted = {
                "participants": row.participants,
                "acknowledged": row.acknowledged,
                "current": row.current,
                "approved": row.approved,
                "submitted_on_time": row.submitted_on_time,
                "submitted_late": row.submitted_late,
                **({"overdue": sum(open_.values())} if overdue else open_),
            }
        for name, value in counted.items():
            figures_[name] += sign * value
    _newest_of_existing(by_code, newest_gone, level=level, fiscal_year=fiscal_year, today=today)
    return dict(by_code)


def _newest_of_existing(by_code, newest_gone, *, level, fiscal_year, today) -> None:
    """The last update of the areas where an LAO that no longer exists holds the newest one,
    read again from the records of the LAOs that exist (one query, only then)."""
    suspect = [
        area
        for area, newest in newest_gone.items()
        if newest is not None and newest >= (by_code[area].get("last_updated") or newest)
    ]
    if not suspect:
        return
    field = "lao__district__province_id" if level == "province" else "lao__district_id"
    found = dict(
        Record.objects.filter(
            **{f"{field}__in": suspect},
            fiscal_year=fiscal_year,
            lao__in=LAO.objects.active_on(today).values("pk"),
        )
        .values_list(field)
        .annotate(Max("updated_at"))
        .order_by()
    )
    for area in suspect:
        by_code[area]["last_updated"] = found.get(area)


# --- For the API ----------------------------------------------------------------------------------


def completeness_by(
    *,
    level: str,
    parent: str | None,
    fiscal_year: int,
    user,
    today: datetime.date | None = None,
) -> list[dict]:
    """Completeness rows for the MOC API, scoped by ``accounts.access`` for ``user``.

    ``level`` "province" (``parent`` ignored), "district" (``parent``: a province code, or None
    for every district) or "lao" (``parent``: a province or district code, or None). Each row:
    ``code``, ``name_th``, ``name_en``, ``laos``, ``required``, ``filled``, ``completeness``
    (0–1, None for an area without LAOs); when the fiscal year has a round (the latest by
    deadline), ``round`` (its id) and the count of every status (``not_started`` … ``overdue``)
    — for an LAO, 1 for its own status — and, for an LAO, ``type`` and ``status``.
    Rows the user may not see are left out. A fixed number of queries.
    """
    today = today or timezone.localdate()
    round_ = current_round(fiscal_year)
    laos = access.laos_visible_to(user).active_on(today)
    if level == "lao":
        if parent and len(parent) == 2:
            laos = laos.filter(district__province_id=parent)
        elif parent:
            laos = laos.filter(district_id=parent)
        return [
            _lao_dict(row, round_)
            for row in lao_progress_rows(
                laos=laos, round=round_, fiscal_year=fiscal_year, today=today, sections=[]
            )
        ]
    visible = {"province": access.provinces_visible_to, "district": access.districts_visible_to}
    if level not in visible:
        raise ValueError(f"unknown level {level!r}")
    rows = area_rows(
        level=level,
        parent_code=parent if level == "district" else None,
        # A national user's areas count every LAO that exists (the stored roll-ups).
        laos=None if access.can_see_nation(user) else laos,
        round=round_,
        fiscal_year=fiscal_year,
        today=today,
        areas=visible[level](user),
    )
    return [_area_dict(row, round_) for row in rows]


def _area_dict(row: AreaRow, round_: Round | None) -> dict:
    data = {
        "code": row.code,
        "name_th": row.name_th,
        "name_en": row.name_en,
        "laos": row.laos,
        "required": row.required,
        "filled": row.filled,
        "completeness": row.completeness,
    }
    if round_ is not None:
        data["round"] = round_.pk
        data |= row.status_counts
    return data


def _lao_dict(row: LaoRow, round_: Round | None) -> dict:
    data = {
        "code": row.lao.code,
        "name_th": row.lao.name_th,
        "name_en": row.lao.name_en,
        "type": row.lao.type,
        "laos": 1,
        "required": row.required,
        "filled": row.filled,
        "completeness": row.completeness,
    }
    if round_ is not None:
        data["round"] = round_.pk
        data["status"] = row.status
        data |= {status: int(row.status == status) for status in STATUSES}
    return data


# --- Submissions over time (the burn-up) ----------------------------------------------------------


def submitted_by_day(
    *,
    round: Round,
    laos: QuerySet[LAO],
    level: str,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> dict[str, dict[datetime.date, int]]:
    """The change per area and day in the LAOs counted as "submitted" by the headline
    (``SUBMITTED_STATES``: sent, approved by the district or approved): +1 for each move into
    "submitted" (first or again after a return), −1 for each return. Its running total
    (``cumulative``) on any day is the number of LAOs submitted that day, so a burn-up drawn
    from it ends at the headline's figure.

    ``level`` groups by "province", "district" or "lao" code. Days run from ``start`` (default:
    the round's start; earlier moves count on it) to ``end`` (default: today, at most the
    round's last reminding day — its lock date or 60 days after the deadline; later ones are
    left out). One query, grouped by area and day in the database: each day is a range of the
    time column, so no date function runs per row and the time zone's own rules apply.
    """
    start = start or round.starts_on
    end = end or min(timezone.localdate(), reminding_until(round))
    if end < start:
        return {}
    key = {
        "province": "participant__lao__district__province_id",
        "district": "participant__lao__district_id",
        "lao": "participant__lao__code",
    }[level]
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    # The day as its number from ``start``: integers cost nothing to read back.
    day_of = Case(
        *[
            When(at__lt=day_start(day + datetime.timedelta(days=1)), then=Value(n))
            for n, day in enumerate(days)
        ],
        default=Value(None),
        output_field=IntegerField(),
    )
    sign = Case(
        When(to_state=State.SUBMITTED, then=Value(1)),
        default=Value(-1),
        output_field=IntegerField(),
    )
    moves = (
        Transition.objects.filter(
            participant__round=round,
            participant__lao__in=laos.values("pk"),
            to_state__in=[State.SUBMITTED, State.RETURNED],
            at__lt=day_start(end + datetime.timedelta(days=1)),
        )
        .values(key)
        .annotate(day=day_of)
        .values_list(key, "day")
        .annotate(n=Sum(sign))
        .order_by()
    )
    by_area: dict[str, dict[datetime.date, int]] = defaultdict(dict)
    for code, day, n in moves:
        by_area[code][days[day]] = n
    return dict(by_area)


def cumulative(
    days: dict[datetime.date, int], *, start: datetime.date, end: datetime.date
) -> list[tuple[datetime.date, int]]:
    """Counts per day as a running total for every day from ``start`` to ``end``."""
    total = sum(n for day, n in days.items() if day < start)
    series = []
    day = start
    while day <= end:
        total += days.get(day, 0)
        series.append((day, total))
        day += datetime.timedelta(days=1)
    return series
