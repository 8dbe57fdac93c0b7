"""sample_records_seed: draws each LAO's values, fills its records to a chosen progress and
writes them in bulk, with the counts records.services would store and no history.
"""

import datetime
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from demo.records.facts import LAOFacts, lao_facts
from demo.records.sections import drawn_values
from demo.users import DEMO_USERS
from lgdata.thai import BE_OFFSET, fiscal_year_of
from records.models import LAO, Field, Record, Rule, Schema, Section, SectionEntry
from records.rules import failing_rules
from records.schema import current_schema
from records.services import applicable_fields, completeness
from records.values import NOT_APPLICABLE

DEFAULT_FILL = 0.6
# The previous year's records are nearly all complete: at least this share of LAOs (more with a
# higher --fill); the others are well on the way.
PREVIOUS_YEAR_COMPLETE = 0.85
PREVIOUS_YEAR_PARTIAL = (0.6, 0.95)
# The demo clerk's own record for this year is in progress, so a demo has something to fill in.
DEMO_CLERK_PROGRESS = 0.4
OPTIONAL_ODDS = {True: 0.75, False: 0.3}  # an optional field is filled: complete / partial section
GROWTH = (0.98, 1.03)  # one factor a LAO and year, times the noise of each field
NOISE = (0.96, 1.04)
# The civil register moves little; its bands are rescaled to the total, which adds to their move.
REGISTER_NOISE = (0.99, 1.01)
# Saves are spread over the six weeks before the seeding (last year's: a year earlier).
ACTIVITY_DAYS = 42
RECORD_BATCH = 250  # LAOs generated and inserted at a time: 500 records, ~8,500 entries
ENTRY_BATCH = 2000

# Fields that do not move from one year to the next (boundaries, councils, coordinates).
STABLE_FIELDS = frozenset(
    {
        "area_km2",
        "area_rai",
        "office_latitude",
        "office_longitude",
        "distance_to_province_km",
        "distance_to_bangkok_km",
        "districts_count",
        "subdistricts_count",
        "villages_count",
        "communities_count",
        "electoral_units",
        "executives_total",
        "council_members_male",
        "council_members_female",
        "council_members_total",
        "eligible_voters",
        "voters_voted",
        "rivers",
        "streams_canals",
        "swamps",
    }
)
PERCENT_FIELDS = frozenset(
    {"health_insurance_coverage_pct", "buddhists_pct", "muslims_pct", "christians_pct"}
)

# Real dates of the last local elections, per LAO type (the latest on or before the end of the
# record's fiscal year is used).
ELECTION_DATES = {
    LAO.Type.PAO: ("2020-12-20", "2025-02-01"),
    LAO.Type.CITY: ("2021-03-28", "2025-05-11"),
    LAO.Type.TOWN: ("2021-03-28", "2025-05-11"),
    LAO.Type.SUBDISTRICT: ("2021-03-28", "2025-05-11"),
    LAO.Type.SAO: ("2021-11-28",),
    LAO.Type.SPECIAL: ("2022-05-22",),
}


@dataclass
class RecordsSeedResult:
    """Sample records made (or found and left alone) per fiscal year."""

    fiscal_years: tuple[int, ...] = ()
    created: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    required: Counter = field(default_factory=Counter)  # required fields of the new records
    filled: Counter = field(default_factory=Counter)
    entries: int = 0
    seconds: float = 0.0

    def share(self, fiscal_year: int) -> float:
        """The share of required fields filled in the records made for a year."""
        required = self.required[fiscal_year]
        return self.filled[fiscal_year] / required if required else 0.0


@dataclass
class _SectionPlan:
    """One section as a type of LAO sees it: its applicable fields and its rules."""

    section: Section
    fields: list[Field]
    required: list[str]
    optional: list[str]
    rules: list[Rule]


class _SchemaPlan:
    """The schema read once (three queries): sections, fields and rules, per LAO type."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        sections = list(schema.sections.prefetch_related("fields"))
        self.rules = list(schema.rules.order_by("pk"))
        rules_by_section: dict[int, list[Rule]] = defaultdict(list)
        for rule in self.rules:
            rules_by_section[rule.section_id].append(rule)
        self.fields = {f.code: f for s in sections for f in s.fields.all()}
        self.by_type: dict[str, list[_SectionPlan]] = {}
        self.codes_by_type: dict[str, frozenset[str]] = {}
        for lao_type in LAO.Type.values:
            plans = []
            for section in sections:
                fields = applicable_fields(section, lao_type)
                plans.append(
                    _SectionPlan(
                        section=section,
                        fields=fields,
                        required=[f.code for f in fields if f.required],
                        optional=[f.code for f in fields if not f.required],
                        rules=rules_by_section[section.pk],
                    )
                )
            self.by_type[lao_type] = plans
            self.codes_by_type[lao_type] = frozenset(f.code for p in plans for f in p.fields)
        self.integers = frozenset(
            code
            for code, f in self.fields.items()
            if f.type in (Field.Type.INTEGER, Field.Type.MONEY)
        )
        self.decimals = frozenset(
            code for code, f in self.fields.items() if f.type == Field.Type.DECIMAL
        )
        self.bounds = {
            code: (
                float(f.min_value) if f.min_value is not None else None,
                float(f.max_value) if f.max_value is not None else None,
            )
            for code, f in self.fields.items()
            if f.is_numeric
        }
        sums = [r for r in self.rules if r.kind == Rule.Kind.SUM]
        self.sum_totals = frozenset(r.params["total"] for r in sums)
        self.sum_members = self.sum_totals | {p for r in sums for p in r.params["parts"]}


def _drifted(values: dict, plan: _SchemaPlan, rng: random.Random) -> dict:
    """This year's values: last year's moved by a few per cent (growth times noise)."""
    growth = rng.uniform(*GROWTH)
    drifted = dict(values)
    for code, value in values.items():
        if code in STABLE_FIELDS or isinstance(value, bool) or value == NOT_APPLICABLE:
            continue
        if code in PERCENT_FIELDS:
            drifted[code] = round(value + rng.uniform(-0.5, 0.5), 2)
        elif code in plan.integers:
            noise = REGISTER_NOISE if code.startswith("population_") else NOISE
            moved = round(value * growth * rng.uniform(*noise))
            drifted[code] = max(1, moved) if value > 0 else 0  # nothing appears or vanishes
        elif code in plan.decimals:
            drifted[code] = round(value * growth * rng.uniform(*NOISE), 2)
    return drifted


def _dated(values: dict, lao_type: str, fiscal_year: int, rng: random.Random, today) -> None:
    """The dates of a fiscal year: the population count and budget before it starts, and the
    last election held by its end (or by today)."""
    start = datetime.date(fiscal_year - BE_OFFSET - 1, 10, 1)
    values["population_as_of"] = (start - datetime.timedelta(days=1)).isoformat()
    passed = start - datetime.timedelta(days=rng.randint(3, 48))
    values["budget_ordinance_date"] = passed.isoformat()
    until = min(today, datetime.date(fiscal_year - BE_OFFSET, 9, 30)).isoformat()
    elections = ELECTION_DATES[lao_type]
    values["last_election_date"] = max((d for d in elections if d <= until), default=elections[0])


def _rescale(parts: list[int], total: int) -> list[int]:
    """Whole parts in the same proportions that add up exactly to the total."""
    current = sum(parts)
    if current == total:
        return parts
    if current == 0:
        return [total] + [0] * (len(parts) - 1)
    scaled = [part * total // current for part in parts]
    remainders = sorted(range(len(parts)), key=lambda i: -(parts[i] * total % current))
    for i in remainders[: total - sum(scaled)]:
        scaled[i] += 1
    return scaled


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _consistent(values: dict, plan: _SchemaPlan) -> dict:
    """Makes the values keep the schema's rules: totals are the sums of their parts (a second
    rule on the same total rescales its parts), a value above its limit comes down to it (a
    sum's total raises its limit instead), and a positive value gets what it needs."""
    for code, (low, high) in plan.bounds.items():
        value = values.get(code)
        if _is_number(value):
            if low is not None and value < low:
                values[code] = type(value)(low)
            elif high is not None and value > high:
                values[code] = type(value)(high)
    for _pass in range(4):  # a later rule can move an earlier rule's field; settle in a few
        before = dict(values)
        totals_set: set[str] = set()
        for rule in plan.rules:
            params = rule.params
            if rule.kind == Rule.Kind.SUM:
                parts, total = params["parts"], params["total"]
                numbers = [values.get(code) for code in parts]
                if not all(_is_number(x) for x in numbers) or not _is_number(values.get(total)):
                    continue
                if total in totals_set:
                    for code, part in zip(parts, _rescale(numbers, values[total]), strict=True):
                        values[code] = part
                else:
                    values[total] = sum(numbers)
                totals_set.update([total, *parts])
            elif rule.kind == Rule.Kind.NOT_GREATER:
                name, limit = params["field"], params["limit_field"]
                value, bound = values.get(name), values.get(limit)
                if _is_number(value) and _is_number(bound) and value > bound:
                    if name in plan.sum_totals:
                        values[limit] = value
                    else:
                        values[name] = bound
            elif rule.kind == Rule.Kind.REQUIRES_POSITIVE:
                needing, needed = params["if_positive"], params["then_positive"]
                if (
                    _is_number(values.get(needing))
                    and values[needing] > 0
                    and _is_number(values.get(needed))
                    and values[needed] <= 0
                ):
                    if needed not in plan.sum_members:
                        values[needed] = 1
                    else:
                        values[needing] = 0
        if values == before:
            break
    if "expenditure_personnel" in values and values.get("expenditure_total"):
        share = 100 * values["expenditure_personnel"] / values["expenditure_total"]
        values["personnel_cost_pct"] = round(share, 2)
    return values


def _stored(value, code: str, plan: _SchemaPlan):
    """A generated value as records.services stores it."""
    if isinstance(value, bool) or value == NOT_APPLICABLE:
        return value
    if code in plan.integers:
        return str(int(value))
    if code in plan.decimals:
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return text if text != "-0" else "0"
    return value


def _progress(rng: random.Random, *, previous_year: bool, fill: float, demo_clerk: bool) -> float:
    """The share of required fields a LAO has filled in a year's record.

    Last year: nearly everyone done. This year: with the mix (fill², 2·fill·(1-fill) in
    progress, (1-fill)² untouched) and the ones in progress halfway on average, the expected
    share is exactly fill, and every state shows on the dashboards.
    """
    if fill <= 0:
        return 0.0
    if previous_year:
        done = PREVIOUS_YEAR_COMPLETE + (1 - PREVIOUS_YEAR_COMPLETE) * fill
        return 1.0 if rng.random() < done else rng.uniform(*PREVIOUS_YEAR_PARTIAL)
    if demo_clerk and fill < 1:
        return DEMO_CLERK_PROGRESS
    draw = rng.random()
    if draw < fill * fill:
        return 1.0
    if draw < fill * fill + 2 * fill * (1 - fill):
        return rng.uniform(0.1, 0.9)
    return 0.0


def _entries(
    values: dict,
    sections: list[_SectionPlan],
    progress: float,
    rng: random.Random,
    plan: _SchemaPlan,
) -> list[tuple[_SectionPlan, dict]]:
    """The stored values of each section for a record filled to ``progress``.

    Clerks go through the sections roughly in order: the first ones complete, one part-filled,
    the rest untouched. A complete section has every required field and most optional ones.
    """
    budget = round(progress * sum(len(s.required) for s in sections))
    order = sorted(range(len(sections)), key=lambda i: i + rng.uniform(0, 4))
    chosen: dict[int, dict] = {}
    for index in order:
        section = sections[index]
        if budget <= 0:
            break
        complete = budget >= len(section.required)
        required = section.required if complete else rng.sample(section.required, budget)
        budget -= len(required)
        odds = OPTIONAL_ODDS[complete]
        codes = set(required) | {c for c in section.optional if rng.random() < odds}
        chosen[index] = {
            f.code: _stored(values[f.code], f.code, plan)
            for f in section.fields
            if f.code in codes and f.code in values
        }
    return [(section, chosen.get(i, {})) for i, section in enumerate(sections)]


@transaction.atomic
def sample_records_seed(
    *,
    province_codes: Sequence[str] | None,
    lao_codes: Iterable[str] | None = None,
    seed: int,
    fill: float = DEFAULT_FILL,
    today: datetime.date | None = None,
) -> RecordsSeedResult:
    """Sample records of the current and the previous fiscal year for the seeded LAOs.

    ``fill`` is the share of required fields filled in the current year (see ``_progress``);
    0 makes no records at all, so that a later run with a fill can still make them. Values are
    drawn per LAO from ``seed``, so a re-run draws the same ones; a LAO that already has a record
    for a year keeps it untouched. Written with bulk_create and no ValueChange rows: seeded
    values have no history. Each entry stores the counts records.services computes for it, and
    a saved entry names the LAO's demo clerk (when there is one) as who saved it.
    """
    started = time.monotonic()
    now = timezone.now()
    today = today or timezone.localdate()
    current = fiscal_year_of(today)
    years = (current - 1, current)
    result = RecordsSeedResult(fiscal_years=years)
    if fill <= 0:
        return result
    plan = _SchemaPlan(current_schema())

    laos = LAO.objects.select_related("district__province", "office_subdistrict").order_by("code")
    if province_codes is not None:
        laos = laos.filter(district__province_id__in=province_codes)
    laos = list(laos)
    if lao_codes is not None:  # only the seed's own LAOs, not others imported into the provinces
        wanted_codes = set(lao_codes)
        laos = [lao for lao in laos if lao.code in wanted_codes]
    existing = Record.objects.filter(fiscal_year__in=years)
    if province_codes is not None:
        existing = existing.filter(lao__district__province_id__in=province_codes)
    have = set(existing.values_list("lao_id", "fiscal_year"))
    clerks = _demo_clerks()
    demo_clerk_laos = set(clerks)
    all_facts = lao_facts(laos, clerks, province_codes=province_codes, seed=seed)

    for start in range(0, len(all_facts), RECORD_BATCH):
        records: list[Record] = []
        entries: list[list[SectionEntry]] = []
        for facts in all_facts[start : start + RECORD_BATCH]:
            lao = facts.lao
            wanted = [year for year in years if (lao.pk, year) not in have]
            result.skipped.update(year for year in years if (lao.pk, year) in have)
            if not wanted:
                continue
            rng = random.Random(f"{seed}:{lao.code}:values")
            last_year = drawn_values(facts, rng)
            codes = plan.codes_by_type[lao.type]
            sections = plan.by_type[lao.type]
            for year in wanted:
                is_previous = year == years[0]
                which = "previous" if is_previous else "current"
                year_rng = random.Random(f"{seed}:{lao.code}:{which}")
                drawn = last_year if is_previous else _drifted(last_year, plan, year_rng)
                values = {c: x for c, x in drawn.items() if c in codes}
                _dated(values, lao.type, year, year_rng, today)
                _consistent(values, plan)
                progress = _progress(
                    year_rng,
                    previous_year=is_previous,
                    fill=fill,
                    demo_clerk=lao.pk in demo_clerk_laos,
                )
                record, record_entries = _record(
                    facts,
                    year,
                    values,
                    sections,
                    progress,
                    year_rng,
                    plan,
                    now=now,
                    previous_year=is_previous,
                )
                records.append(record)
                entries.append(record_entries)
                result.created[year] += 1
                result.required[year] += record.required_count
                result.filled[year] += record.filled_count
        if not records:
            continue
        Record.objects.bulk_create(records)
        _fill_in_pks(records)
        for record, record_entries in zip(records, entries, strict=True):
            for entry in record_entries:
                entry.record_id = record.pk
        flat = [entry for record_entries in entries for entry in record_entries]
        SectionEntry.objects.bulk_create(flat, batch_size=ENTRY_BATCH)
        result.entries += len(flat)
    result.seconds = time.monotonic() - started
    return result


def _demo_clerks() -> dict[int, int]:
    """LAO id -> id of its demo clerk (README.md, "Demo logins", when they exist)."""
    clerks = get_user_model().objects.filter(
        username__in=[user[0] for user in DEMO_USERS], role=Role.CLERK, lao__isnull=False
    )
    return dict(clerks.values_list("lao_id", "pk"))


def _record(
    facts: LAOFacts,
    fiscal_year: int,
    values: dict,
    sections: list[_SectionPlan],
    progress: float,
    rng: random.Random,
    plan: _SchemaPlan,
    *,
    now: datetime.datetime,
    previous_year: bool,
) -> tuple[Record, list[SectionEntry]]:
    """An unsaved record and its entries, with the counts records.services would store."""
    # Last year's record was filled in at the start of last year, this year's in the last weeks.
    end = now - datetime.timedelta(days=365 if previous_year else 0)
    clerk = facts.clerk_id
    entries = []
    for section, stored in _entries(values, sections, progress, rng, plan):
        required, filled = completeness(section.fields, stored)
        saved_at = None
        if stored:
            saved_at = end - datetime.timedelta(seconds=rng.uniform(0, ACTIVITY_DAYS * 86400))
        entries.append(
            SectionEntry(
                section_id=section.section.pk,
                values=stored,
                version=1 if stored else 0,
                required_count=required,
                filled_count=filled,
                rules_pass=not failing_rules(section.rules, stored),
                flags=[],
                updated_at=saved_at,
                updated_by_id=clerk if stored else None,
            )
        )
    last = max((e.updated_at for e in entries if e.updated_at), default=None)
    record = Record(
        lao_id=facts.lao.pk,
        fiscal_year=fiscal_year,
        schema_id=plan.schema.pk,
        required_count=sum(e.required_count for e in entries),
        filled_count=sum(e.filled_count for e in entries),
        updated_at=last,
        updated_by_id=clerk if last else None,
    )
    return record, entries


def _fill_in_pks(records: list[Record]) -> None:
    """Ids for records bulk_create saved on a database that does not return them."""
    if all(record.pk for record in records):
        return
    keys = {(r.lao_id, r.fiscal_year) for r in records}
    found = Record.objects.filter(
        lao_id__in={lao for lao, _year in keys}, fiscal_year__in={year for _lao, year in keys}
    ).values_list("lao_id", "fiscal_year", "pk")
    ids = {(lao, year): pk for lao, year, pk in found}
    for record in records:
        record.pk = ids[record.lao_id, record.fiscal_year]
