"""The key figures' stored roll-ups: per fiscal year, district (and province) and indicator,
the sums the figures of an area are made of (records.models.KeyFigureRollup), kept current by
the writes that change them, in the writer's transaction:

- ``record_saved`` — ``records.services.section_save`` (the form, the long-format import and the
  Excel round trip all go through it): the change from the record's values before the save to
  after, for that record only;
- ``approval_changed`` — a workflow move that makes a record approved or takes the approval
  away (deadlines.services);
- ``laos_moved`` — an LAO given another district or type (the registry import, the admin).

Every writer updates the rows of one district and of its province, as the last step of its
transaction: it locks them in order (the province's, then the district's, each by indicator),
then adds with one ``UPDATE ... SET n = n + change``. Saves in different provinces never wait
for each other; saves in one province queue for the moment of their commit on its rows (never
deadlock: same order); no row is read and written back, so no update is lost. There is no
national row: the nation is the sum of 77 province rows, read in one query.
``computed`` adds everything up from scratch; ``rebuild`` replaces the stored rows with it
(``manage.py rebuild_rollups``, after a bulk load such as ``seed_demo``, or a new catalogue)
and ``differences`` lists where they disagree (``rebuild_rollups --check``).

An LAO's contribution is ``Catalogue.area_contributions`` (records/indicators.py): the PAO rule
and "not applicable" are the catalogue's. Sums are kept in hundredths as whole numbers (see the
model). Every LAO of the registry is counted, whether or not it exists today: which LAOs exist
is a matter of the day, so the read side (dashboards/key_figures.py) takes out the part of
those that do not (``part_of``), usually none.
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, F, Value, When

from records import hooks
from records.indicators import load_catalogue
from records.models import LAO, KeyFigureRollup, Province, Record, SectionEntry

SCALE = 100  # hundredths
SUMS = (
    "numerator",
    "denominator",
    "contributing",
    "approved",
    "approved_numerator",
    "approved_denominator",
)
# (year, district or province code, indicator code) -> the six sums, in SUMS order
Sums = dict[tuple[int, str, str], list[int]]


def lock_provinces(province_ids: Iterable[str] | None) -> list[str]:
    """Locks the provinces' rows (all of them for None), in code order; returns their codes.

    Every writer of a roll-up (the key figures' here, the field-level view's in
    records/gap_rollups.py, the dashboards' progress in deadlines/progress_rollups.py) takes
    its provinces' locks before it changes any: writers in one province queue at the end of
    their transactions, and none holds one roll-up's rows while it waits for another's lock
    that a writer waiting for its rows holds (no deadlock)."""
    provinces = Province.objects.order_by("pk").select_for_update(no_key=True)
    if province_ids is not None:
        provinces = provinces.filter(pk__in=sorted(set(province_ids)))
    return list(provinces.values_list("pk", flat=True))


def hundredths(number: Decimal) -> int:
    return int((number * SCALE).to_integral_value())


def contributions(lao_type: str, values: dict) -> dict[str, tuple[int, int]]:
    """What an LAO of this type with these values adds to its district, per indicator, in
    hundredths; indicators it adds nothing to are left out."""
    return {
        code: (hundredths(found[0]), hundredths(found[1]))
        for code, found in load_catalogue().area_contributions(lao_type, values).items()
        if found is not None
    }


def _sums(part: tuple[int, int], approved: bool) -> list[int]:
    num, den = part
    return [num, den, 1, int(approved), num if approved else 0, den if approved else 0]


def _add(into: dict, key, sums: list[int], sign: int = 1) -> None:
    row = into.setdefault(key, [0] * len(SUMS))
    for i, n in enumerate(sums):
        row[i] += sign * n


def _change(before: dict, after: dict, approved_before: bool, approved_after: bool) -> dict:
    """Per indicator, the sums to add to go from one contribution to another (none unchanged)."""
    change: dict[str, list[int]] = {}
    for code in before.keys() | after.keys():
        if code in before:
            _add(change, code, _sums(before[code], approved_before), -1)
        if code in after:
            _add(change, code, _sums(after[code], approved_after))
    return {code: sums for code, sums in change.items() if any(sums)}


def _row(fiscal_year: int, area: str, indicator: str, sums=()) -> KeyFigureRollup:
    level = KeyFigureRollup.Level.PROVINCE if len(area) == 2 else KeyFigureRollup.Level.DISTRICT
    return KeyFigureRollup(
        fiscal_year=fiscal_year,
        level=level,
        area=area,
        province_id=area[:2],
        indicator=indicator,
        **dict(zip(SUMS, sums or [0] * len(SUMS), strict=True)),
    )


def _apply(fiscal_year: int, district: str, change: dict[str, list[int]]) -> None:
    """Adds the change to the district's rows and its province's (made on first use) in one
    UPDATE, after locking them in order (province first, then indicator): three queries
    whatever the number of indicators changed."""
    if not change:
        return
    rows = KeyFigureRollup.objects.filter(
        fiscal_year=fiscal_year, area__in=[district[:2], district], indicator__in=sorted(change)
    )
    locked = rows.select_for_update().order_by("area", "indicator")
    if len(list(locked.values_list("pk", flat=True))) != 2 * len(change):
        KeyFigureRollup.objects.bulk_create(
            [
                _row(fiscal_year, area, code)
                for area in (district[:2], district)
                for code in load_catalogue().codes
            ],
            ignore_conflicts=True,
        )
        list(locked.values_list("pk", flat=True))
    update = {}
    for i, name in enumerate(SUMS):
        whens = [
            When(indicator=code, then=Value(sums[i])) for code, sums in change.items() if sums[i]
        ]
        if whens:
            update[name] = F(name) + Case(*whens, default=Value(0))
    rows.update(**update)


def record_saved(*, record: Record, lao: LAO, before: dict, after: dict) -> None:
    """A save changed the record's values from ``before`` to ``after`` (the whole record's)."""
    old, new = contributions(lao.type, before), contributions(lao.type, after)
    if old == new:
        return
    approved = lao.pk in hooks.approved_laos(record.fiscal_year, [lao.pk])
    _apply(record.fiscal_year, lao.district_id, _change(old, new, approved, approved))


def record_values(lao_ids, fiscal_year: int | None = None) -> dict[tuple[int, int], dict]:
    """{(year, LAO id): the values of the sections the catalogue reads} for these LAOs (ids or
    a queryset of ids), of one year or every year. One query."""
    entries = SectionEntry.objects.filter(
        record__lao__in=lao_ids, section__code__in=sorted(load_catalogue().sections)
    )
    if fiscal_year is not None:
        entries = entries.filter(record__fiscal_year=fiscal_year)
    merged: dict[tuple[int, int], dict] = defaultdict(dict)
    rows = entries.values_list("record__fiscal_year", "record__lao_id", "values")
    for year, lao_id, values in rows.iterator(chunk_size=5000):
        merged[year, lao_id].update(values)
    return merged


def approval_changed(*, lao_id: int, fiscal_year: int, approved: bool) -> None:
    """The LAO's record of the year became approved (or stopped being approved)."""
    lao = LAO.objects.only("type", "district_id").get(pk=lao_id)
    values = record_values([lao_id], fiscal_year).get((fiscal_year, lao_id), {})
    mine = contributions(lao.type, values)
    _apply(fiscal_year, lao.district_id, _change(mine, mine, not approved, approved))


def laos_moved(before: dict[int, tuple[str, str]]) -> None:
    """LAOs (id -> their district and type before) that may have a new district or type now:
    their records move from the old district's sums to the new one's."""
    now = dict(LAO.objects.filter(pk__in=list(before)).values_list("pk", "district_id").order_by())
    types = dict(LAO.objects.filter(pk__in=list(before)).values_list("pk", "type").order_by())
    moved = [pk for pk in before if pk in now and before[pk] != (now[pk], types[pk])]
    if not moved:
        return
    values = record_values(moved)
    approved = hooks.approved_laos_of_years({year for year, _pk in values}, moved)
    changes: dict[tuple[int, str], dict] = defaultdict(dict)
    for (year, pk), found in values.items():
        ok = (year, pk) in approved
        old_district, old_type = before[pk]
        for code, part in contributions(old_type, found).items():
            _add(changes[year, old_district], code, _sums(part, ok), -1)
        for code, part in contributions(types[pk], found).items():
            _add(changes[year, now[pk]], code, _sums(part, ok))
    for (year, district), change in sorted(changes.items()):
        _apply(year, district, {c: s for c, s in change.items() if any(s)})


def part_of(laos, years: Iterable[int]) -> Sums:
    """What these LAOs (a queryset) add to the roll-ups of these years, by district and
    indicator, from their records. Two queries whatever their number."""
    years = sorted(set(years))
    entries = SectionEntry.objects.filter(
        record__in=Record.objects.filter(fiscal_year__in=years, lao__in=laos.values("pk")),
        section__code__in=sorted(load_catalogue().sections),
    ).values_list(
        "record__fiscal_year",
        "record__lao_id",
        "record__lao__district_id",
        "record__lao__type",
        "values",
    )
    merged: dict[tuple[int, int], dict] = defaultdict(dict)
    places = {}
    for year, pk, district, lao_type, values in entries.iterator(chunk_size=5000):
        merged[year, pk].update(values)
        places[pk] = (district, lao_type)
    approved = hooks.approved_laos_of_years(years, laos.values("pk"))
    sums: Sums = {}
    for (year, pk), found in merged.items():
        district, lao_type = places[pk]
        for code, part in contributions(lao_type, found).items():
            _add(sums, (year, district, code), _sums(part, (year, pk) in approved))
    return sums


def computed(years: Iterable[int] | None = None) -> Sums:
    """Every roll-up from scratch, of the districts and of the provinces: every LAO's records,
    as the writers keep them."""
    if years is None:
        years = Record.objects.values_list("fiscal_year", flat=True).distinct().order_by()
    sums: Sums = {}
    for year in sorted(set(years)):
        for (y, district, code), values in part_of(LAO.objects.all(), [year]).items():
            sums[y, district, code] = values
            _add(sums, (y, district[:2], code), values)
    return sums


def stored(years: Iterable[int] | None = None) -> Sums:
    rows = KeyFigureRollup.objects.all()
    if years is not None:
        rows = rows.filter(fiscal_year__in=list(years))
    return {
        (year, area, code): list(sums)
        for year, area, code, *sums in rows.values_list(
            "fiscal_year", "area", "indicator", *SUMS
        ).order_by()
    }


def differences(years: Iterable[int] | None = None) -> list[str]:
    """Where the stored roll-ups differ from the from-scratch computation, one line each (rows
    of zeros count as missing)."""
    years = None if years is None else list(years)
    want = {k: v for k, v in computed(years).items() if any(v)}
    have = {k: v for k, v in stored(years).items() if any(v)}
    lines = []
    for key in sorted(want.keys() | have.keys()):
        if want.get(key) != have.get(key):
            year, area, code = key
            lines.append(f"{year} {area} {code}: stored {have.get(key)}, computed {want.get(key)}")
    return lines


@transaction.atomic
def rebuild(years: Iterable[int] | None = None) -> int:
    """Makes the stored roll-ups (of these years, or all) equal to the from-scratch
    computation, writing only the rows that differ (none when they are right); returns their
    number."""
    years = None if years is None else list(years)
    want = computed(years)
    rows = KeyFigureRollup.objects.all()
    if years is not None:
        rows = rows.filter(fiscal_year__in=years)
    have = {
        (year, area, code): (pk, list(sums))
        for pk, year, area, code, *sums in rows.values_list(
            "pk", "fiscal_year", "area", "indicator", *SUMS
        ).order_by()
    }
    return rewrite_rows(
        KeyFigureRollup, want=want, have=have, row=lambda key, sums: _row(*key, sums)
    )


def rewrite_rows(model, *, want: dict, have: dict, row) -> int:
    """A rebuild's writes: of the rows wanted (key -> sums) and those stored (key -> (id,
    sums)), the ones that differ (a missing row counts as zeros) are deleted and made again by
    ``row(key, sums)``, in batches under SQLite's limit of variables a statement; returns how
    many keys differed (none when the rows are right: nothing is written)."""
    zero = [0] * len(next(iter(want.values()), ()))  # a missing row: every sum 0
    wrong = {
        key
        for key in want.keys() | have.keys()
        if want.get(key, zero) != (have[key][1] if key in have else zero)
    }
    stale = [have[key][0] for key in wrong if key in have]
    for start in range(0, len(stale), 500):
        model.objects.filter(pk__in=stale[start : start + 500]).delete()
    rows = [row(key, want[key]) for key in sorted(wrong) if any(want.get(key, zero))]
    model.objects.bulk_create(rows, batch_size=2000)
    return len(wrong)
