"""Field level: which fields of the record are most often missing or flagged, and where.

What a field's counts are depends on every record's JSON values; they are kept per province
and LAO type by every write (records/gap_rollups.py), so the page adds up stored rows instead
of reading the records. It follows the contract of ``dashboards.figures``: a fixed number of
queries whatever the number of LAOs, the same on SQLite and PostgreSQL.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet, Sum

from records import gap_rollups
from records.completeness import percent
from records.gap_rollups import FIELD, RULE, SECTION, SUMS, current_plan
from records.models import LAO, Field, FieldGapRollup, Rule, Section, SectionEntry
from records.schema import schema_sections


@dataclass
class FieldGap:
    """One field of the newest schema: in how many records it applies, is missing, is flagged."""

    field: Field
    section: Section
    applicable: int = 0
    missing: int = 0
    flagged: int = 0
    rule_failures: int = 0

    @property
    def missing_share(self) -> float:
        return self.missing / self.applicable if self.applicable else 0.0

    @property
    def missing_percent(self) -> float:
        return percent(self.missing, self.applicable) if self.applicable else 0.0


@dataclass
class RuleGap:
    rule: Rule
    section: Section
    failing: int = 0


@dataclass
class FieldGaps:
    fields: list[FieldGap] = field(default_factory=list)
    rules: list[RuleGap] = field(default_factory=list)
    entries: int = 0  # section entries counted


def _gaps(plan: gap_rollups.Plan, tally: gap_rollups.Tally) -> FieldGaps:
    sections = {s.pk: s for s in schema_sections(plan.schema).values()}
    zero = [0, 0, 0, 0]
    result = FieldGaps()
    for f in plan.fields.values():
        applicable, missing, flagged, failing = tally.get((FIELD, f.code), zero)
        result.fields.append(
            FieldGap(
                field=f,
                section=sections[f.section_id],
                applicable=applicable,
                missing=missing,
                flagged=flagged,
                rule_failures=failing,
            )
        )
    for rule in plan.rules.values():
        failing = tally.get((RULE, rule.code), zero)[3]
        result.rules.append(RuleGap(rule=rule, section=sections[rule.section_id], failing=failing))
    result.entries = sum(tally.get((SECTION, code), zero)[0] for code in plan.sections)
    return result


def _entries(laos: QuerySet[LAO], fiscal_year: int) -> QuerySet[SectionEntry]:
    return SectionEntry.objects.filter(
        record__fiscal_year=fiscal_year, record__lao__in=laos.values("pk")
    )


def field_gaps(*, laos: QuerySet[LAO], fiscal_year: int) -> FieldGaps:
    """Per field of the newest schema: records where it applies, where it is required and empty
    (missing), where the clerk's value was flagged as far from last year's (flagged), and per
    check the entries that break it, for the records of ``laos`` in ``fiscal_year``, counted
    from the entries (``records.gap_rollups.counted``: one grouped count, then only the entries
    partly filled, flagged or failing a check are read). Three queries whatever the number of
    LAOs. The page reads the stored counts instead (``field_gaps_stored``); this is what they
    are checked against."""
    plan = current_plan()
    tally: gap_rollups.Tally = {}
    for part in gap_rollups.counted(_entries(laos, fiscal_year), plan).values():
        gap_rollups.add(tally, part)
    return _gaps(plan, tally)


def field_gaps_stored(
    *,
    fiscal_year: int,
    today: datetime.date,
    province: str | None = None,
    lao_type: str | None = None,
) -> FieldGaps:
    """``field_gaps`` of the LAOs that exist on ``today`` (of a province, of a type, or all),
    from the stored counts every write keeps current (records/gap_rollups.py): the province
    rows added up in one query, less what the LAOs that do not exist on the day add (counted
    from their entries, two more queries when there are any; usually none). Three queries
    whatever the number of LAOs."""
    plan = current_plan()
    rows = FieldGapRollup.objects.filter(fiscal_year=fiscal_year, schema=plan.schema)
    laos = LAO.objects.all()
    if province:
        rows, laos = rows.filter(province_id=province), laos.in_province(province)
    if lao_type:
        rows, laos = rows.filter(lao_type=lao_type), laos.filter(type=lao_type)
    sums = rows.values_list("kind", "code").annotate(*(Sum(name) for name in SUMS)).order_by()
    tally = {(kind, code): list(found) for kind, code, *found in sums}
    gone = list(laos.gone_on(today).values_list("pk", flat=True))
    if gone:
        counted = gap_rollups.counted(_entries(LAO.objects.filter(pk__in=gone), fiscal_year), plan)
        for part in counted.values():
            gap_rollups.add(tally, part, -1)
    return _gaps(plan, tally)


def field_missing_entries(
    *, field: Field, laos: QuerySet[LAO], fiscal_year: int, limit: int = 500
) -> tuple[list[SectionEntry], int]:
    """The records of ``laos`` where ``field`` is required and empty, or flagged: entries with
    their LAO and place (at most ``limit``), and how many there are. Two queries."""
    applies = Q(record__lao__type__in=field.applies_to) if field.applies_to else Q()
    missing = ~Q(values__has_key=field.code) if field.required else Q(pk__in=[])
    flagged = Q(flags__icontains=f'"{field.code}"')
    entries = (
        SectionEntry.objects.filter(
            record__fiscal_year=fiscal_year,
            record__lao__in=laos.values("pk"),
            section__code=field.section.code,
        )
        .filter(applies)
        .filter(missing | flagged)
    )
    found = list(
        entries.select_related("record__lao__district__province").order_by("record__lao__code")[
            :limit
        ]
    )
    return found, entries.count()
