"""The field-level view's stored roll-ups: per fiscal year, province and LAO type, for each
field and check of the newest schema, how many section entries it applies to, is missing in,
is flagged in, fails in (records.models.FieldGapRollup), kept current by the writes that change
them, in the writer's transaction:

- ``entries_changed`` — ``records.services.section_save`` (the saved entry, and the other
  sections whose checks it turned) and ``record_get_or_create`` (a new record's empty
  entries);
- ``laos_moved`` — an LAO given another province or type (the registry import, the admin).

What one entry adds is ``entry_tally``; ``counted`` adds many up the same way, with as little
JSON read as possible (one grouped count, then only the entries partly filled, flagged or
failing a check), and is what the view reads for LAOs the rows do not hold (those that do not
exist on the day) and what ``computed`` counts from scratch. ``rebuild`` replaces the stored
rows with it (``manage.py rebuild_rollups``; after a bulk load such as ``seed_demo``, and after
a new schema version is loaded, whose rows are all counted again) and ``differences`` lists
where they disagree (``rebuild_rollups --check``).

A writer holds its province's lock (``records.rollups.lock_provinces``) before it changes any
roll-up, so writers in one province queue at the end of their transactions and never wait in a
cycle; it then locks the rows it changes in order and adds to them in one UPDATE. There is no
national row: the nation is the sum of the province rows, read in one query.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.db.models import Case, Count, F, Q, QuerySet, Value, When

from records.models import LAO, FieldGapRollup, Rule, Schema, SectionEntry
from records.rollups import rewrite_rows
from records.rules import failing_rules
from records.schema import current_schema, schema_sections

FIELD, RULE, SECTION = (
    FieldGapRollup.Kind.FIELD,
    FieldGapRollup.Kind.RULE,
    FieldGapRollup.Kind.SECTION,
)
SUMS = ("applicable", "missing", "flagged", "failing")
Tally = dict[tuple[str, str], list[int]]  # (kind, code) -> the four sums, in SUMS order
Area = tuple[int, str, str]  # fiscal year, province, LAO type


class EntryState(NamedTuple):
    """What of a section entry its counts depend on."""

    section_code: str
    required: int
    filled: int
    values: dict
    flags: list
    rules_pass: bool

    @classmethod
    def of(cls, entry: SectionEntry, section_code: str) -> "EntryState":
        return cls(
            section_code,
            entry.required_count,
            entry.filled_count,
            entry.values,
            list(entry.flags or ()),
            entry.rules_pass,
        )


@dataclass
class Plan:
    """The newest schema as the counts see it: per (section code, LAO type) the fields that
    apply and of them the required ones; per section code its checks; every field and check."""

    schema: Schema
    sections: set = field(default_factory=set)  # their codes
    fields: dict = field(default_factory=dict)  # code -> Field, in the form's order
    rules: dict = field(default_factory=dict)  # code -> Rule
    applying: dict = field(default_factory=lambda: defaultdict(list))
    owing: dict = field(default_factory=lambda: defaultdict(list))
    section_rules: dict = field(default_factory=lambda: defaultdict(list))
    rule_fields: dict = field(default_factory=dict)  # rule code -> its fields of the schema

    def rows(self) -> list[tuple[str, str]]:
        """Every row a province and type has: each section, field and check."""
        return (
            [(SECTION, code) for code in sorted(self.sections)]
            + [(FIELD, code) for code in self.fields]
            + [(RULE, code) for code in self.rules]
        )


_plans: dict[tuple, Plan] = {}


def plan_of(schema: Schema) -> Plan:
    """The schema's plan, made once per process (a loaded version never changes)."""
    key = (schema.pk, schema.loaded_at)
    plan = _plans.get(key)
    if plan is None:
        plan = Plan(schema=schema)
        for section in schema_sections(schema).values():
            plan.sections.add(section.code)
            for f in section.fields.all():
                plan.fields[f.code] = f
                for lao_type in LAO.Type.values:
                    if f.applies(lao_type):
                        plan.applying[section.code, lao_type].append(f.code)
                        if f.required:
                            plan.owing[section.code, lao_type].append(f.code)
            for rule in sorted(section.rules.all(), key=lambda r: r.pk):
                plan.rules[rule.code] = rule
                plan.section_rules[section.code].append(rule)
        for rule in plan.rules.values():
            plan.rule_fields[rule.code] = [n for n in rule_field_names(rule) if n in plan.fields]
        if len(_plans) >= 8:
            _plans.clear()
        _plans[key] = plan
    return plan


def current_plan() -> Plan:
    return plan_of(current_schema())


def rule_field_names(rule: Rule) -> list[str]:
    names = []
    for value in rule.params.values():
        names.extend(value if isinstance(value, list) else [value])
    return names


def _bump(tally: Tally, kind: str, code: str, index: int, n: int = 1) -> None:
    row = tally.get((kind, code))
    if row is None:
        row = tally[kind, code] = [0, 0, 0, 0]
    row[index] += n


def _counted_part(tally: Tally, plan: Plan, code: str, lao_type: str, n: int, empty: int):
    """What ``n`` entries of a section add, ``empty`` of them with nothing filled, before any
    of their JSON is read: the fields apply to all, the required ones are missing in the empty
    ones."""
    _bump(tally, SECTION, code, 0, n)
    for name in plan.applying.get((code, lao_type), ()):
        _bump(tally, FIELD, name, 0, n)
    if empty:
        for name in plan.owing.get((code, lao_type), ()):
            _bump(tally, FIELD, name, 1, empty)


def _read_part(tally: Tally, plan: Plan, lao_type: str, state: EntryState) -> None:
    """What an entry adds from its JSON: the required fields left empty when it is partly
    filled, its flags, and the checks it fails (with their fields)."""
    code = state.section_code
    if 0 < state.filled < state.required:
        for name in plan.owing.get((code, lao_type), ()):
            if state.values.get(name) in (None, ""):
                _bump(tally, FIELD, name, 1)
    for name in state.flags:
        if name in plan.fields:
            _bump(tally, FIELD, name, 2)
    if not state.rules_pass:
        for rule in failing_rules(plan.section_rules.get(code, ()), state.values):
            _bump(tally, RULE, rule.code, 3)
            for name in plan.rule_fields[rule.code]:
                _bump(tally, FIELD, name, 3)


def entry_tally(plan: Plan, lao_type: str, state: EntryState) -> Tally:
    """What one entry of an LAO of this type adds to the counts."""
    tally: Tally = {}
    if state.section_code not in plan.sections:  # a section the newest schema dropped
        return tally
    _counted_part(tally, plan, state.section_code, lao_type, 1, int(state.filled == 0))
    _read_part(tally, plan, lao_type, state)
    return tally


# An entry's state as read in bulk (``_state`` makes it an EntryState).
STATE_COLUMNS = ("section__code", "required_count", "filled_count", "values", "flags", "rules_pass")


def _state(columns: list) -> EntryState:
    code, required, filled, values, flags, rules_pass = columns
    return EntryState(code, required, filled, values, list(flags or ()), rules_pass)


def _wanting() -> Q:
    """The entries whose JSON adds to the counts: partly filled, failing a check or flagged."""
    partly = Q(filled_count__gt=0, filled_count__lt=F("required_count"))
    return partly | Q(rules_pass=False) | ~Q(flags=[])


def counted(entries: QuerySet[SectionEntry], plan: Plan) -> dict[Area, Tally]:
    """The counts of these entries by fiscal year, province and LAO type (of the sections of
    the plan's schema, matched by code). Two queries whatever their number."""
    entries = entries.filter(section__code__in=sorted(plan.sections))
    area = ("record__fiscal_year", "record__lao__district__province_id", "record__lao__type")
    tallies: dict[Area, Tally] = defaultdict(dict)
    grouped = (
        entries.values_list(*area, "section__code")
        .annotate(n=Count("pk"), empty=Count("pk", filter=Q(filled_count=0)))
        .order_by()
    )
    for year, province, lao_type, code, n, empty in grouped:
        _counted_part(tallies[year, province, lao_type], plan, code, lao_type, n, empty)
    wanting = entries.filter(_wanting()).values_list(*area, *STATE_COLUMNS)
    for year, province, lao_type, *state in wanting.iterator(chunk_size=2000):
        _read_part(tallies[year, province, lao_type], plan, lao_type, _state(state))
    return tallies


def add(into: Tally, tally: Tally, sign: int = 1) -> None:
    for key, sums in tally.items():
        row = into.get(key)
        if row is None:
            row = into[key] = [0, 0, 0, 0]
        for i, n in enumerate(sums):
            row[i] += sign * n


ROW_KEY = ("fiscal_year", "province_id", "lao_type", "kind", "code")


def _row(plan: Plan, area: Area, key: tuple[str, str], sums=None) -> FieldGapRollup:
    """A row of the area (year, province, type) for the key (kind, code), with its sums."""
    values = (*area, *key, *(sums or [0, 0, 0, 0]))
    return FieldGapRollup(schema=plan.schema, **dict(zip((*ROW_KEY, *SUMS), values, strict=True)))


def _apply(plan: Plan, area: Area, change: Tally) -> None:
    """Adds the change to the area's rows (made on its first change) in one UPDATE, after
    locking them in order: three queries whatever the number of rows changed. The caller
    holds the province's lock."""
    change = {key: sums for key, sums in change.items() if any(sums)}
    if not change:
        return
    year, province, lao_type = area
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, code in change:
        by_kind[kind].append(code)
    rows = FieldGapRollup.objects.filter(
        fiscal_year=year, province_id=province, lao_type=lao_type, schema=plan.schema
    ).filter(Q(*[Q(kind=k, code__in=sorted(c)) for k, c in by_kind.items()], _connector=Q.OR))
    locked = rows.select_for_update().order_by("kind", "code")
    if len(list(locked.values_list("pk", flat=True))) != len(change):
        FieldGapRollup.objects.bulk_create(
            [_row(plan, area, key) for key in plan.rows()], ignore_conflicts=True
        )
        list(locked.values_list("pk", flat=True))
    update = {}
    for i, name in enumerate(SUMS):
        whens = [
            When(kind=kind, code=code, then=Value(sums[i]))
            for (kind, code), sums in change.items()
            if sums[i]
        ]
        if whens:
            update[name] = F(name) + Case(*whens, default=Value(0))
    rows.update(**update)


def _counted_by(state: EntryState) -> tuple:
    """What of an entry's state its counts depend on, whatever the schema: its values only
    through which of them are empty (while it is partly filled) and the checks (while one
    fails). A value changed for another one changes no count."""
    filled = None
    if 0 < state.filled < state.required:
        filled = sorted(name for name, value in state.values.items() if value not in (None, ""))
    values = sorted(state.values.items()) if not state.rules_pass else None
    return (
        state.section_code,
        state.required,
        state.filled,
        sorted(state.flags),
        state.rules_pass,
        filled,
        values,
    )


def entries_changed(
    *, fiscal_year: int, lao: LAO, before: Iterable[EntryState], after: Iterable[EntryState]
) -> None:
    """Entries of the LAO's record of the year went from ``before`` to ``after`` (an entry
    made has no before). Nothing is read or written when their states are the same."""
    if sorted(map(_counted_by, before)) == sorted(map(_counted_by, after)):
        return
    plan = current_plan()
    change: Tally = {}
    for state in before:
        add(change, entry_tally(plan, lao.type, state), -1)
    for state in after:
        add(change, entry_tally(plan, lao.type, state))
    _apply(plan, (fiscal_year, lao.district_id[:2], lao.type), change)


def laos_moved(before: dict[int, tuple[str, str]]) -> None:
    """LAOs (id -> their district and type before) that may be in another province or of
    another type now: their entries move from the old area's counts to the new one's."""
    places = LAO.objects.filter(pk__in=list(before)).values_list("pk", "district_id", "type")
    places = list(places.order_by())
    now = {pk: district for pk, district, _type in places}
    types = {pk: lao_type for pk, _district, lao_type in places}
    moved = [
        pk
        for pk in before
        if pk in now and (before[pk][0][:2], before[pk][1]) != (now[pk][:2], types[pk])
    ]
    if not moved:
        return
    plan = current_plan()
    rows = SectionEntry.objects.filter(
        record__lao__in=moved, section__code__in=sorted(plan.sections)
    ).values_list("record__fiscal_year", "record__lao_id", *STATE_COLUMNS)
    changes: dict[Area, Tally] = defaultdict(dict)
    for year, pk, *columns in rows.iterator(chunk_size=2000):
        state = _state(columns)
        old_district, old_type = before[pk]
        add(changes[year, old_district[:2], old_type], entry_tally(plan, old_type, state), -1)
        add(changes[year, now[pk][:2], types[pk]], entry_tally(plan, types[pk], state))
    for area, change in sorted(changes.items()):
        _apply(plan, area, change)


Sums = dict[tuple[int, str, str, str, str], list[int]]  # area + (kind, code) -> sums


def computed(years: Iterable[int] | None = None, plan: Plan | None = None) -> Sums:
    """Every row from scratch: every LAO's entries, as the writers keep them."""
    plan = plan or current_plan()
    entries = SectionEntry.objects.all()
    if years is not None:
        entries = entries.filter(record__fiscal_year__in=list(years))
    return {
        (*area, *key): sums
        for area, tally in counted(entries, plan).items()
        for key, sums in tally.items()
    }


def _stored_rows(years, plan: Plan):
    rows = FieldGapRollup.objects.filter(schema=plan.schema)
    if years is not None:
        rows = rows.filter(fiscal_year__in=list(years))
    return rows


def stored(years: Iterable[int] | None = None, plan: Plan | None = None) -> Sums:
    plan = plan or current_plan()
    rows = _stored_rows(years, plan).values_list(*ROW_KEY, *SUMS)
    return {tuple(row[:5]): list(row[5:]) for row in rows.order_by()}


def differences(years: Iterable[int] | None = None) -> list[str]:
    """Where the stored rows differ from the from-scratch count, one line each (rows of zeros
    count as missing)."""
    plan = current_plan()
    years = None if years is None else list(years)
    want = {k: v for k, v in computed(years, plan).items() if any(v)}
    have = {k: v for k, v in stored(years, plan).items() if any(v)}
    return [
        f"{' '.join(map(str, key))}: stored {have.get(key)}, computed {want.get(key)}"
        for key in sorted(want.keys() | have.keys())
        if want.get(key) != have.get(key)
    ]


@transaction.atomic
def rebuild(years: Iterable[int] | None = None) -> int:
    """Makes the stored rows (of these years, or all) equal to the from-scratch count, writing
    only the rows that differ, and drops the rows of older schema versions; returns how many
    rows were written or dropped."""
    plan = current_plan()
    years = None if years is None else list(years)
    old = FieldGapRollup.objects.exclude(schema=plan.schema)
    if years is not None:
        old = old.filter(fiscal_year__in=years)
    dropped = old.delete()[0] if old.exists() else 0  # a rerun with nothing to do writes nothing
    want = computed(years, plan)
    have = {
        tuple(row[1:6]): (row[0], list(row[6:]))
        for row in _stored_rows(years, plan).values_list("pk", *ROW_KEY, *SUMS).order_by()
    }
    return dropped + rewrite_rows(
        FieldGapRollup,
        want=want,
        have=have,
        row=lambda key, sums: _row(plan, key[:3], key[3:], sums),
    )
