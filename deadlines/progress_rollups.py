"""The dashboards' stored roll-ups of progress: per fiscal year (and round), district and LAO
type, the counts an area's row is added up from (deadlines.models.ProgressRollup), kept current
by the writes that change them, in the writer's transaction:

- ``records.services`` (through ``records.hooks.areas_changed``): a section saved, a record
  made, an LAO given another district or type or added to the registry;
- ``deadlines.services``: a round opened, a participation moved (submitted, returned,
  approved) or acknowledged.

A writer does not add a change to the stored counts: it counts its district's rows again from
the records and participations (two or three small queries over the district's few dozen
LAOs) and replaces them, then adds its province's rows up again from its districts' rows,
after locking the province's row. Saves in different provinces never wait for each other;
saves in one province queue for the moment of their commit; the count is always the committed
truth, so no change can be lost or counted twice, whatever the write. There is no national
row: the nation is the sum of the province rows, read in one query
(dashboards.figures.area_rows). Each write also adds one to its district's and province's
stamps (deadlines.models.RollupStamp, ``stamp``), under which the dashboards keep what they
count in the cache.

A fiscal year is rolled up whole the first time anything changes in it (a record of a new year,
a round opened): ``rebuild`` counts every district. ``computed`` counts from scratch;
``rebuild`` replaces the stored rows with it (``manage.py rebuild_rollups``, after a bulk load
such as ``seed_demo``) and ``differences`` lists where they disagree
(``rebuild_rollups --check``).

Every LAO of the registry is counted, whether or not it exists today: which LAOs exist is a
matter of the day, so the read side takes out the part of those that do not (usually none).
"""

import datetime
import operator
from collections.abc import Iterable
from functools import reduce

from django.db import transaction
from django.db.models import Count, F, FilteredRelation, Max, Q, QuerySet, Sum
from django.utils import timezone

from deadlines.models import ProgressRollup, RollupStamp, Round, RoundLAO
from records.hooks import Resave
from records.models import LAO, District, Record
from records.rollups import lock_provinces

State = RoundLAO.State
DISTRICT, PROVINCE = ProgressRollup.Level.DISTRICT, ProgressRollup.Level.PROVINCE
APPROVED_STATES = (State.APPROVED, State.DISTRICT_APPROVED)
CLOSED_STATES = (*APPROVED_STATES, State.SUBMITTED, State.RETURNED)

YEAR_COUNTS = ("laos", "recorded", "required", "filled")
ROUND_COUNTS = (
    "participants",
    "acknowledged",
    "current",
    "approved",
    "submitted_on_time",
    "submitted_late",
    "returned",
    "open_started",
    "open_not_started",
)
COMPARED = (*YEAR_COUNTS, "last_updated", *ROUND_COUNTS)


def round_start(round: Round) -> datetime.datetime:
    """The first moment of a round's first day in the portal's time zone: a record updated
    since then is "current" in the round."""
    return timezone.make_aware(datetime.datetime.combine(round.starts_on, datetime.time.min))


def _round_counts(rounds: list[Round]) -> dict:
    """The aggregates of a round's rows over participations joined to their LAO's record of
    the year (``rec``)."""
    current = reduce(
        operator.or_,
        (Q(round_id=r.pk, rec__updated_at__gte=round_start(r)) for r in rounds),
    )
    return {
        "participants": Count("pk"),
        "acknowledged": Count("pk", filter=Q(acknowledged_at__isnull=False)),
        "current": Count("pk", filter=current),
        "approved": Count("pk", filter=Q(state__in=APPROVED_STATES)),
        "submitted_on_time": Count("pk", filter=Q(state=State.SUBMITTED, on_time=True)),
        "submitted_late": Count("pk", filter=Q(state=State.SUBMITTED) & ~Q(on_time=True)),
        "returned": Count("pk", filter=Q(state=State.RETURNED)),
        "open_started": Count(
            "pk", filter=~Q(state__in=CLOSED_STATES) & Q(rec__filled_count__gt=0)
        ),
    }


def computed(laos: QuerySet[LAO], fiscal_years: Iterable[int]) -> list[ProgressRollup]:
    """The district rows of these LAOs (a queryset) for these fiscal years and their rounds,
    counted from scratch: two queries a year (one when it has no round), and one more."""
    years = sorted(set(fiscal_years))
    rows = []
    for year in years:
        grouped = (
            laos.alias(rec=FilteredRelation("records", condition=Q(records__fiscal_year=year)))
            .values_list("district_id", "district__province_id", "type")
            .annotate(
                Count("pk"),
                Count("rec__id"),
                Sum("rec__required_count"),
                Sum("rec__filled_count"),
                Max("rec__updated_at"),
            )
            .order_by()
        )
        for district, province, lao_type, n, recorded, required, filled, last in grouped:
            rows.append(
                ProgressRollup(
                    fiscal_year=year,
                    level=DISTRICT,
                    area=district,
                    province_id=province,
                    lao_type=lao_type,
                    laos=n,
                    recorded=recorded,
                    required=required or 0,
                    filled=filled or 0,
                    last_updated=last,
                )
            )
    if not rows:
        return []
    rounds_of = {}
    for round_ in Round.objects.filter(fiscal_year__in=years).order_by("pk"):
        rounds_of.setdefault(round_.fiscal_year, []).append(round_)
    for year, rounds in rounds_of.items():
        grouped = (
            RoundLAO.objects.filter(round__in=rounds, lao__in=laos.values("pk"))
            .alias(
                rec=FilteredRelation("lao__records", condition=Q(lao__records__fiscal_year=year))
            )
            .values_list("round_id", "lao__district_id", "lao__district__province_id", "lao__type")
            .annotate(**_round_counts(rounds))
            .order_by()
        )
        for round_id, district, province, lao_type, *counts in grouped:
            row = ProgressRollup(
                fiscal_year=year,
                round_id=round_id,
                level=DISTRICT,
                area=district,
                province_id=province,
                lao_type=lao_type,
                **dict(zip(ROUND_COUNTS, counts, strict=False)),
            )
            row.open_not_started = row.participants - sum(
                getattr(row, name) for name in ROUND_COUNTS[3:8]
            )
            rows.append(row)
    return rows


def province_rows(district_rows: Iterable[ProgressRollup]) -> list[ProgressRollup]:
    """The province rows that are the sums of these district rows (every district of the
    province, for what is to be right)."""
    totals: dict[tuple, ProgressRollup] = {}
    for row in district_rows:
        key = (row.fiscal_year, row.round_id, row.province_id, row.lao_type)
        total = totals.get(key)
        if total is None:
            total = totals[key] = ProgressRollup(
                fiscal_year=row.fiscal_year,
                round_id=row.round_id,
                level=PROVINCE,
                area=row.province_id,
                province_id=row.province_id,
                lao_type=row.lao_type,
            )
        add_counts(total, row, (*YEAR_COUNTS, *ROUND_COUNTS))
    return list(totals.values())


def add_counts(total, row, names: Iterable[str]) -> None:
    """Adds ``row``'s counts ``names`` into ``total`` and keeps the later of their
    ``last_updated``: how a province's row sums its districts' here and how the dashboards sum
    their area rows (``dashboards.figures.totals``)."""
    for name in names:
        setattr(total, name, getattr(total, name) + getattr(row, name))
    if row.last_updated and (total.last_updated is None or row.last_updated > total.last_updated):
        total.last_updated = row.last_updated


def _stamp(areas: list[str]) -> None:
    """Adds one to the areas' stamps (made at their first write), under their province's lock."""
    stamps = RollupStamp.objects.filter(area__in=areas)
    if stamps.update(writes=F("writes") + 1) < len(areas):
        have = set(stamps.values_list("area", flat=True))
        RollupStamp.objects.bulk_create(
            [RollupStamp(area=code, writes=1) for code in areas if code not in have]
        )


def stamp(area: str | None = None) -> tuple[int, int]:
    """The number of stamps and their sum, of one district or province, or of all of them for
    None: it grows with every committed write of the roll-ups it covers, so what is counted
    after reading it is at least as new as the stamp says. One query."""
    stamps = RollupStamp.objects.all()
    if area is not None:
        stamps = stamps.filter(area=area)
    found = stamps.aggregate(areas=Count("pk"), writes=Sum("writes"))
    return found["areas"], found["writes"] or 0


def rolled_up_years() -> set[int]:
    """The fiscal years with stored rows: every year with a record or a round, as the first
    write of a year rolls it up whole (a few hundred province rows a year to look through,
    not every record). One query."""
    return set(
        ProgressRollup.objects.filter(round__isnull=True, level=PROVINCE)
        .values_list("fiscal_year", flat=True)
        .distinct()
    )


@transaction.atomic
def refresh(
    district_ids: Iterable[str], fiscal_year: int | None = None, *, resave: Resave | None = None
) -> None:
    """Counts the districts' rows of a fiscal year (of every rolled-up year for None) again
    and replaces them, then adds their provinces' rows up again from their districts' rows;
    a year never rolled up is rolled up whole. A ``resave`` of one record that changes no
    count only moves the newest update, when it can (``_resaved``)."""
    district_ids = sorted(set(district_ids))
    if not district_ids:
        return
    one = resave is not None and fiscal_year is not None and len(district_ids) == 1
    if one and _resaved(district_ids[0], fiscal_year, resave):
        return
    if fiscal_year is None:
        stored = rolled_up_years()
    else:  # one index lookup, not every year's
        year_rows = ProgressRollup.objects.filter(fiscal_year=fiscal_year, round__isnull=True)
        stored = {fiscal_year} if year_rows.exists() else set()
    years = sorted(stored) if fiscal_year is None else [fiscal_year]
    # A district's code starts with its province's (DOPA codes).
    provinces = sorted({district[:2] for district in district_ids})
    for year in years:
        if year not in stored:
            rebuild([year])
            continue
        _stamp(lock_provinces(provinces) + district_ids)
        rows = computed(LAO.objects.filter(district_id__in=district_ids), [year])
        ProgressRollup.objects.filter(
            fiscal_year=year, level=DISTRICT, area__in=district_ids
        ).delete()
        ProgressRollup.objects.bulk_create(rows)
        in_provinces = ProgressRollup.objects.filter(fiscal_year=year, province__in=provinces)
        totals = province_rows(in_provinces.filter(level=DISTRICT))
        in_provinces.filter(level=PROVINCE).delete()
        ProgressRollup.objects.bulk_create(totals)


def _resaved(district_id: str, fiscal_year: int, resave: Resave) -> bool:
    """A record saved again with the same required and filled fields changes no count: the
    LAO is counted as recorded, started or not, as before. If it was already updated today
    it was "current" in every round that has started (a round counts the records updated
    since the first moment of its first day), so of its district's and province's rows of
    the year only the newest update moves: one UPDATE, under the province's lock and stamp,
    instead of counting the district again. False when that does not hold (nothing written)
    or the year has no stored rows (the stamps were added to): the caller counts as usual."""
    before = resave.updated_before
    midnight = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(resave.updated_at), datetime.time.min)
    )
    if before is None or before < midnight:
        return False
    province_id = district_id[:2]  # a district's code starts with its province's (DOPA codes)
    _stamp(lock_provinces([province_id]) + [district_id])
    rows = ProgressRollup.objects.filter(
        fiscal_year=fiscal_year,
        round__isnull=True,
        lao_type=resave.lao_type,
        area__in=[district_id, province_id],
    )
    moved = rows.filter(
        Q(last_updated__isnull=True) | Q(last_updated__lt=resave.updated_at)
    ).update(last_updated=resave.updated_at)
    return bool(moved) or rows.exists()


def years_with_data() -> set[int]:
    """The fiscal years that have a record or a round."""
    return set(Record.objects.values_list("fiscal_year", flat=True).distinct()) | set(
        Round.objects.values_list("fiscal_year", flat=True).distinct()
    )


@transaction.atomic
def rebuild(fiscal_years: Iterable[int] | None = None) -> int:
    """Makes the stored rows of these fiscal years (every year with a record or a round for
    None) equal to the counts from scratch, writing only the rows that differ (none when they
    are right); returns their number."""
    years = sorted(years_with_data() if fiscal_years is None else set(fiscal_years))
    provinces = lock_provinces(None)
    want = {_key(row): row for row in counted(years)}
    stored = ProgressRollup.objects.all()
    if fiscal_years is not None:
        stored = stored.filter(fiscal_year__in=years)
    have = {_key(row): row for row in stored}
    wrong = [key for key in want.keys() | have.keys() if _differs(want.get(key), have.get(key))]
    stale = [have[key].pk for key in wrong if key in have]
    for start in range(0, len(stale), 500):  # under SQLite's variable limit
        ProgressRollup.objects.filter(pk__in=stale[start : start + 500]).delete()
    ProgressRollup.objects.bulk_create([want[key] for key in wrong if key in want], batch_size=2000)
    if wrong:
        _stamp(provinces + list(District.objects.values_list("code", flat=True)))
    return len(wrong)


def counted(years: list[int]) -> list[ProgressRollup]:
    """Every district and province row of these years, counted from scratch."""
    districts = computed(LAO.objects.all(), years)
    return districts + province_rows(districts)


def _key(row: ProgressRollup) -> tuple:
    return (row.fiscal_year, row.round_id or 0, row.area, row.lao_type)


def _differs(want: ProgressRollup | None, have: ProgressRollup | None) -> list[str]:
    """The counts in which a stored row differs from the counted one (all for a missing row)."""
    if want is None or have is None:
        return ["row"]
    names = ["level", "province_id", *COMPARED]
    return [name for name in names if getattr(want, name) != getattr(have, name)]


def differences(fiscal_years: Iterable[int] | None = None) -> list[str]:
    """Where the stored rows disagree with the counts from scratch, one line each."""
    years = sorted(years_with_data() if fiscal_years is None else set(fiscal_years))
    want = {_key(row): row for row in counted(years)}
    have = {_key(row): row for row in ProgressRollup.objects.filter(fiscal_year__in=years)}
    lines = []
    for key in sorted(want.keys() | have.keys(), key=str):
        wrong = _differs(want.get(key), have.get(key))
        if wrong == ["row"]:
            lines.append(f"{key}: {'missing' if key not in have else 'not expected'}")
        for name in wrong if wrong != ["row"] else ():
            stored, count = getattr(have[key], name), getattr(want[key], name)
            lines.append(f"{key} {name}: stored {stored}, counted {count}")
    return lines
