"""Key figures by area: the catalogue's indicators (records/indicators.py) added up from the
records' values, honestly labelled with how much data stands behind each one.

Contract (docs/key-figures.md says the same for readers):
- An area's figure is the sum of its LAOs' numerators, or for a ratio the sum of their
  numerators over the sum of their denominators (never an average of the LAOs' ratios).
- An LAO contributes when it has every input of the indicator (``Indicator.contribution``);
  in a PAO the catalogue's coverage fields count as nothing, so the province's people are not
  counted twice. The LAOs of an area are those that exist today and whose type the indicator
  applies to (a PAO is not one of them for an indicator made only of coverage fields).
- ``coverage`` is contributing LAOs / LAOs of the area; ``approved`` counts the contributing
  LAOs whose record of the year is approved (a participation of a round of that fiscal year in
  the state "approved", its supervisor's final approval). With ``approved_only`` only approved
  records contribute. A figure under the catalogue's ``min_coverage`` is greyed, with the reason.
- LAO-level rows show an LAO's own values (a PAO's own population included); the caller
  narrows them to the user's scope (``accounts.access``). Area rows are for every officer.

Speed. Area figures (provinces, districts, their totals) are read from the stored roll-ups
(records/rollups.py: per fiscal year, district and indicator, the sums every write keeps
current in its own transaction), summed by area in SQL: ``area_tables`` runs five queries for
this year and last whatever the number of LAOs, and nothing is cached, so a save is seen by
the next request and never makes it slow. LAO-level figures (a district's LAOs, an LAO's
profile, the spread by type, medians) need every LAO's own values; they are computed in Python
from three queries (the LAOs, the entries of the sections the catalogue reads, the approvals)
and cached under a key that changes with any save: ``fingerprint()`` — one query — reads the
newest value change (``ValueChange`` id), the newest workflow move (``Transition`` id), and
the LAO registry's count and last change; the key also holds the catalogue's digest, the
fiscal year and today's date (LAOs start and end on a day). The per-LAO tables (big, costly to
pickle) stay in the process that computed them, trusted while the shared cache holds the key's
marker (so clearing the cache clears every copy).
"""

import datetime
import functools
import gc
import hashlib
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Max, Subquery
from django.utils.translation import get_language, gettext, gettext_noop

from deadlines.models import RoundLAO, Transition
from records import rollups
from records.indicators import Catalogue, Indicator, load_catalogue
from records.models import (
    LAO,
    District,
    KeyFigureRollup,
    Province,
    Record,
    SectionEntry,
    ValueChange,
)

CACHE_SECONDS = 24 * 3600


@functools.lru_cache(maxsize=256)
def _translation(language: str, message: str) -> str:
    return gettext(message)


def translated(message: str) -> str:
    """``gettext`` remembered per language: a national table asks for the same few sentences
    some 2,300 times, and each lookup costs more than the figure it labels."""
    return _translation(get_language() or "", message)


LEVELS = ("province", "district", "lao")
# Per-LAO tables already in this process, by cache key: a few (tens of MB each at national
# scale).
_LAO_MEMO: dict[str, dict] = {}
_MEMO_SIZE = 4


# --- The cache key -------------------------------------------------------------------------------


def fingerprint() -> dict:
    """What the figures depend on, in one query: the newest value change and workflow move, the
    LAO registry's size and last change, and the newest record save (for Last-Modified)."""

    def newest(model, name: str) -> Subquery:
        latest = model.objects.filter(**{f"{name}__isnull": False}).order_by(f"-{name}")
        return Subquery(latest.values(name)[:1])

    return LAO.objects.aggregate(
        laos=Count("pk"),
        lao_changed=Max("updated_at"),
        value_change=Max(newest(ValueChange, "pk")),
        transition=Max(newest(Transition, "pk")),
        record_changed=Max(newest(Record, "updated_at")),
    )


def _key(kind: str, fp: dict, *parts) -> str:
    catalogue = load_catalogue()
    stamp = [fp["laos"], fp["lao_changed"], fp["value_change"], fp["transition"]]
    text = ":".join(str(p) for p in (catalogue.digest, *stamp, *parts))
    return f"key-figures:{kind}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


# --- One figure ----------------------------------------------------------------------------------


REASONS = {
    "no_laos": gettext_noop("No LAO of this area has this figure."),
    "no_inputs": gettext_noop("No LAO has given the inputs yet."),
    "zero": gettext_noop("The denominator is zero."),
    "low": gettext_noop(
        "Only %(contributing)d of %(laos)d LAOs (%(percent)s%%) have given the inputs; "
        "at least %(minimum)s%% are needed for a reliable figure."
    ),
}


def reason_words() -> dict[str, str]:
    """Why a figure is greyed, each sentence in the reader's language."""
    return {key: translated(message) for key, message in REASONS.items()}


@dataclass
class Figure:
    """One indicator for one area or LAO."""

    indicator: Indicator
    numerator: Decimal = Decimal(0)
    denominator: Decimal = Decimal(0)
    laos: int = 0  # LAOs of the area the indicator applies to
    contributing: int = 0  # of them, those whose inputs are in
    approved: int = 0  # of the contributing, those with an approved record
    min_coverage: Decimal = Decimal("0.8")

    @property
    def value(self) -> Decimal | None:
        if not self.contributing:
            return None
        return self.indicator.value(self.numerator, self.denominator)

    @property
    def coverage(self) -> float | None:
        return self.contributing / self.laos if self.laos else None

    @property
    def coverage_percent(self) -> float | None:
        return None if self.coverage is None else round(100 * self.coverage, 1)

    @property
    def greyed(self) -> bool:
        return self.value is None or self.coverage < self.min_coverage

    @property
    def reason(self) -> str:
        """Why the figure is greyed, in the reader's language ("" when it is not)."""
        return self.reason_in(reason_words())

    def reason_in(self, words: dict[str, str]) -> str:
        """``reason`` with the sentences translated once for a whole table (``reason_words``):
        the national table has some 2,300 figures."""
        if not self.laos:
            return words["no_laos"]
        if not self.contributing:
            return words["no_inputs"]
        value = self.value
        if value is None:
            return words["zero"]
        coverage = self.contributing / self.laos
        if coverage < self.min_coverage:
            return words["low"] % {
                "contributing": self.contributing,
                "laos": self.laos,
                "percent": f"{100 * coverage:.0f}",
                "minimum": f"{100 * self.min_coverage:.0f}",
            }
        return ""

    @property
    def rounded(self) -> Decimal | None:
        value = self.value
        if value is None:
            return None
        return value.quantize(Decimal(1).scaleb(-self.indicator.decimals))

    def add(self, contribution: tuple[Decimal, Decimal] | None, approved: bool, only: bool):
        """Counts one LAO of the area: its contribution (None: none) and whether approved."""
        self.laos += 1
        if contribution is None or (only and not approved):
            return
        self.contributing += 1
        self.approved += approved
        self.numerator += contribution[0]
        self.denominator += contribution[1]


@dataclass
class Row:
    """An area (or an LAO) with its figures, by indicator code."""

    level: str
    code: str
    name_th: str
    name_en: str
    display_name: str
    figures: dict[str, Figure] = field(default_factory=dict)
    lao_type: str = ""

    def name(self, english: bool) -> str:
        return (self.name_en if english else "") or self.display_name


# --- The per-LAO table ---------------------------------------------------------------------------


@dataclass
class LaoInputs:
    """One LAO of a year: its place, approval, and per indicator what it contributes on its own
    (``own``) and to its area (``area``: only the indicators it counts for)."""

    pk: int
    code: str
    name_th: str
    name_en: str
    display_name: str
    type: str
    district: str
    province: str
    approved: bool
    own: dict[str, tuple[Decimal, Decimal] | None]
    area: dict[str, tuple[Decimal, Decimal] | None]


def lao_tables(years: list[int], *, today: datetime.date, fp: dict | None = None) -> dict:
    """{year: {LAO pk: LaoInputs}} for the LAOs that exist today. Memoised per year under the
    cache key; the years not memoised are read together in three queries (LAOs, entries,
    approvals)."""
    fp = fingerprint() if fp is None else fp
    keys = {year: _key("laos", fp, today, year) for year in years}
    # A memo is trusted only while the shared cache still has its key, so clearing the cache
    # clears the memo too.
    tables = {y: _LAO_MEMO[k] for y, k in keys.items() if k in _LAO_MEMO and cache.get(f"{k}:m")}
    missing = [y for y in years if y not in tables]
    if not missing:
        return tables
    catalogue = load_catalogue()
    active = LAO.objects.active_on(today)
    laos = list(
        active.values_list("pk", "code", "name_th", "name_en", "type", "district_id").order_by(
            "code"
        )
    )
    merged: dict[tuple[int, int], dict] = defaultdict(dict)
    entries = SectionEntry.objects.filter(
        record__fiscal_year__in=missing,
        section__code__in=sorted(catalogue.sections),
        record__lao__in=active.values("pk"),
    ).values_list("record__fiscal_year", "record__lao_id", "values")
    for year, lao_id, values in entries.iterator(chunk_size=5000):
        merged[year, lao_id].update(values)
    approved = set(
        RoundLAO.objects.filter(
            round__fiscal_year__in=missing, state=RoundLAO.State.APPROVED
        ).values_list("round__fiscal_year", "lao_id")
    )
    for year in missing:
        tables[year] = {
            pk: _inputs(
                catalogue,
                merged.get((year, pk), {}),
                pk=pk,
                code=code,
                name_th=name_th,
                name_en=name_en,
                lao_type=lao_type,
                district=district,
                approved=(year, pk) in approved,
            )
            for pk, code, name_th, name_en, lao_type, district in laos
        }
        _remember(_LAO_MEMO, keys[year], tables[year])
    return tables


def _inputs(catalogue: Catalogue, values: dict, *, lao_type: str, **place) -> LaoInputs:
    own = {
        indicator.code: indicator.contribution(lao_type, values) if values else None
        for indicator in catalogue.indicators
        if lao_type in indicator.applies_to
    }
    area = catalogue.area_contributions(lao_type, values)
    display = LAO.written_name(lao_type, place["name_th"])
    return LaoInputs(
        display_name=display,
        type=lao_type,
        province=place["district"][:2],
        own=own,
        area=area,
        **place,
    )


# --- Areas ---------------------------------------------------------------------------------------


def _figures(catalogue: Catalogue, codes) -> dict[str, Figure]:
    return {
        i.code: Figure(i, min_coverage=catalogue.min_coverage)
        for i in catalogue.indicators
        if codes is None or i.code in codes
    }


def _places(level: str, parent: str | None) -> list[tuple[str, str, str, str]]:
    """(code, Thai name, English name, display name) of the areas of a level, in code order."""
    if level == "province":
        places = Province.objects.all()
    elif level == "district":
        places = District.objects.all()
        if parent:
            places = places.filter(province_id=parent)
    else:
        raise ValueError(f"unknown level {level!r}")
    return [(p.code, p.name_th, p.name_en, p.display_name) for p in places.order_by("code")]


def area_table(
    *,
    level: str,
    parent: str | None = None,
    year: int,
    approved_only: bool = False,
    today: datetime.date,
    fp: dict | None = None,
    codes: list[str] | None = None,
) -> tuple[list[Row], Row]:
    """One row per province (``level="province"``) or district (of the province ``parent``, or
    every district), every indicator (or those of ``codes``) added up from its LAOs, and the
    total of the parent (the nation, or the province) as one more row: ``area_tables`` for one
    year. ``fp`` is accepted for the callers that pass it."""
    return area_tables(
        level=level,
        parent=parent,
        years=[year],
        approved_only=approved_only,
        today=today,
        codes=codes,
    )[year]


def area_tables(
    *,
    level: str,
    parent: str | None = None,
    years: list[int],
    approved_only: bool = False,
    today: datetime.date,
    codes: list[str] | None = None,
) -> dict[int, tuple[list[Row], Row]]:
    """``area_table`` of several years (a page shows this year and last) in the same queries.

    From the stored roll-ups (records/rollups.py), which every write keeps current: the areas,
    their LAOs by type today, the roll-ups of the areas (one row per area, year and indicator;
    the total above them is their sum), and the part of the LAOs that do not exist today taken
    out (two queries, usually of no rows): five or six queries whatever the number of LAOs and
    years, and no cache to go stale."""
    catalogue = load_catalogue()
    places = _places(level, parent)
    if parent:
        place = Province.objects.get(code=parent)
        above = ("province", place.code, place.name_th, place.name_en, place.display_name)
    else:
        above = ("nation", "", "ทั้งประเทศ", "Whole country", "ทั้งประเทศ")
    area = "province" if level == "province" else "district"
    laos = LAO.objects.all()
    sums = KeyFigureRollup.objects.filter(fiscal_year__in=years, level=level)
    if codes is not None:
        sums = sums.filter(indicator__in=codes)
    if parent:
        laos = laos.filter(district__province_id=parent)
        sums = sums.filter(province_id=parent)
    # The LAOs of each area, by type: those that exist today (the same for every year).
    counted = {
        lao_type: [
            i.code
            for i in catalogue.indicators
            if catalogue.counts_for(i, lao_type) and (codes is None or i.code in codes)
        ]
        for lao_type in LAO.Type.values
    }
    by_type = list(
        laos.active_on(today)
        .values_list("district__province" if area == "province" else "district", "type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # What the LAOs gave: the stored sums, less those of LAOs that do not exist today.
    added: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(rollups.SUMS))
    for year, code, indicator, *values in sums.values_list(
        "fiscal_year", "area", "indicator", *rollups.SUMS
    ).order_by():
        added[year, code, indicator] = values
    gone = rollups.part_of(laos.gone_on(today), years)
    for (year, district, indicator), values in gone.items():
        if codes is not None and indicator not in codes:
            continue
        found = added[year, district[:2] if area == "province" else district, indicator]
        for i, n in enumerate(values):
            found[i] -= n
    tables, by_code = {}, {}
    for year in years:
        rows = {code: Row(level, code, th, en, shown) for code, th, en, shown in places}
        for row in rows.values():
            row.figures = _figures(catalogue, codes)
        for code, lao_type, n in by_type:
            for indicator in counted[lao_type] if code in rows else ():
                rows[code].figures[indicator].laos += n
        tables[year], by_code[year] = (list(rows.values()), Row(*above)), rows
        tables[year][1].figures = _figures(catalogue, codes)
    for (year, code, indicator), values in added.items():
        row = by_code[year].get(code)
        if row is not None and indicator in row.figures:
            _fill(row.figures[indicator], values, approved_only)
    for year in years:
        total = tables[year][1]
        for row in by_code[year].values():
            for code, figure in row.figures.items():
                _sum_into(total.figures[code], figure)
    return tables


def _fill(figure: Figure, values: list[int], approved_only: bool) -> None:
    """A figure from the roll-ups' six sums (records/rollups.py, ``SUMS``)."""
    num, den, contributing, approved, approved_num, approved_den = values
    if approved_only:
        num, den, contributing = approved_num, approved_den, approved
    figure.numerator = Decimal(num).scaleb(-2)
    figure.denominator = Decimal(den).scaleb(-2)
    figure.contributing = contributing
    figure.approved = approved


def _sum_into(total: Figure, figure: Figure) -> None:
    total.laos += figure.laos
    total.contributing += figure.contributing
    total.approved += figure.approved
    total.numerator += figure.numerator
    total.denominator += figure.denominator


def _remember(memo: dict, key: str, value) -> None:
    while len(memo) >= _MEMO_SIZE:
        memo.pop(next(iter(memo)))
    memo[key] = value
    cache.set(f"{key}:m", True, CACHE_SECONDS)
    # The table is hundreds of thousands of long-lived objects. Left to the garbage collector,
    # every full collection (one request in ten or so) walks all of them: ~100 ms added to
    # whichever request triggers it (bench/key_figures.py prints that time). Frozen, they are
    # skipped; they are still freed by reference counting when the memo lets them go. What was
    # frozen before is collected first (once per table built, which costs far more), so cyclic
    # garbage frozen with an earlier table is not kept for good.
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def lao_figure_rows(
    *, lao_ids: set[int], year: int, approved_only: bool = False, today: datetime.date, fp=None
) -> list[Row]:
    """One row per LAO of ``lao_ids`` (the caller's scope) with its own figures, in code order."""
    table = lao_tables([year], today=today, fp=fp)[year]
    catalogue = load_catalogue()
    rows = []
    for lao in table.values():
        if lao.pk not in lao_ids:
            continue
        row = Row("lao", lao.code, lao.name_th, lao.name_en, lao.display_name, lao_type=lao.type)
        row.figures = _figures(catalogue, lao.own)
        for code, contribution in lao.own.items():
            row.figures[code].add(contribution, lao.approved, approved_only)
        rows.append(row)
    return rows


def lao_tables_for(year: int, *, today: datetime.date, fp=None) -> dict:
    """The per-LAO tables of a year and the year before (the pages always show both)."""
    return lao_tables([year, year - 1], today=today, fp=fp)


# --- Comparisons and distributions ---------------------------------------------------------------


def _own_value(lao: LaoInputs, indicator: Indicator) -> Decimal | None:
    contribution = lao.own.get(indicator.code)
    return None if contribution is None else indicator.value(*contribution)


@dataclass
class Comparison:
    """An LAO's figure beside the medians of LAOs of its type in its province and country."""

    indicator: Indicator
    value: Decimal | None
    last_year: Decimal | None
    province_median: Decimal | None
    province_count: int
    country_median: Decimal | None
    country_count: int
    approved: bool


def lao_profile(*, lao: LAO, year: int, today: datetime.date, fp=None) -> list[Comparison]:
    """Every indicator that applies to the LAO's type: its value this year and last, and the
    median of the same-type LAOs that have the figure, in its province and in the country."""
    tables = lao_tables_for(year, today=today, fp=fp)
    table, before = tables[year], tables[year - 1]
    mine = table.get(lao.pk)
    catalogue = load_catalogue()
    same_type = [other for other in table.values() if other.type == lao.type]
    comparisons = []
    for indicator in catalogue.indicators:
        if lao.type not in indicator.applies_to:
            continue
        country = [v for v in (_own_value(o, indicator) for o in same_type) if v is not None]
        province = [
            v
            for v in (
                _own_value(o, indicator) for o in same_type if o.province == lao.district_id[:2]
            )
            if v is not None
        ]
        comparisons.append(
            Comparison(
                indicator=indicator,
                value=_own_value(mine, indicator) if mine else None,
                last_year=_own_value(before[lao.pk], indicator) if lao.pk in before else None,
                province_median=statistics.median(province) if province else None,
                province_count=len(province),
                country_median=statistics.median(country) if country else None,
                country_count=len(country),
                approved=bool(mine and mine.approved),
            )
        )
    return comparisons


@dataclass
class Spread:
    """The LAOs' own values of one type: how many, and the 10th, 25th, 50th, 75th and 90th
    percentiles (no minimum or maximum: those would be one LAO's value)."""

    lao_type: str
    count: int
    p10: Decimal | None = None
    p25: Decimal | None = None
    median: Decimal | None = None
    p75: Decimal | None = None
    p90: Decimal | None = None

    @property
    def type_label(self) -> str:
        return str(LAO.Type(self.lao_type).label)


def spread_by_type(*, indicator: Indicator, year: int, today: datetime.date, fp=None) -> list:
    """Per LAO type the indicator applies to, the spread of the LAOs' own values in the country
    (types with fewer than five values show only their count)."""
    table = lao_tables([year], today=today, fp=fp)[year]
    values: dict[str, list[Decimal]] = defaultdict(list)
    for lao in table.values():
        value = _own_value(lao, indicator)
        if value is not None:
            values[lao.type].append(value)
    spreads = []
    for lao_type in indicator.applies_to:
        found = sorted(values.get(lao_type, []))
        spread = Spread(lao_type, len(found))
        if len(found) >= 5:
            p10, p25, p50, p75, p90 = (
                statistics.quantiles(found, n=20, method="inclusive")[i] for i in (1, 4, 9, 14, 17)
            )
            spread.p10, spread.p25, spread.median, spread.p75, spread.p90 = p10, p25, p50, p75, p90
        spreads.append(spread)
    return spreads
