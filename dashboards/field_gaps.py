"""Field level: which fields of the record are most often missing or flagged, and where.

The national "fields" page reads every record's JSON values, so this is the one read of the
dashboards that cannot be a grouped count alone; it follows the contract of
``dashboards.figures`` all the same (a fixed number of queries whatever the number of LAOs,
the same on SQLite and PostgreSQL).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Q, QuerySet, Subquery

from dashboards.keeping import kept
from records.completeness import percent
from records.models import LAO, Field, Record, Rule, Schema, Section, SectionEntry
from records.rules import failing_rules


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
    streamed: int = 0  # of them read in full (incomplete, flagged or failing a rule)


def field_gaps(*, laos: QuerySet[LAO], fiscal_year: int) -> FieldGaps:
    """Per field of the newest schema: records where it applies, where it is required and empty
    (missing), where the clerk's value was flagged as far from last year's (flagged), and per
    rule the entries that break it — for the records of ``laos`` in ``fiscal_year``.

    JSON is read the same way on SQLite and PostgreSQL, with as little of it as possible: one
    grouped count gives, per section and LAO type, the entries and those with no required
    field filled (all their required fields are missing: no JSON to read); only the entries
    partly filled, failing a check or carrying a flag are streamed (``.iterator()``) and looked
    at in Python. Five queries whatever the number of LAOs (timed in bench/dashboards.py).
    """
    latest = Schema.objects.order_by("-version").values("pk")[:1]
    sections = {s.pk: s for s in Section.objects.filter(schema__in=latest)}
    fields = list(
        Field.objects.filter(section__in=list(sections)).order_by("section__order", "order")
    )
    rules = list(Rule.objects.filter(section__in=list(sections)).order_by("pk"))
    gaps = {f.code: FieldGap(field=f, section=sections[f.section_id]) for f in fields}
    rule_gaps = {r.pk: RuleGap(rule=r, section=sections[r.section_id]) for r in rules}
    # Per (section code, LAO type): the fields that apply, and of them the required ones.
    applying: dict[tuple[str, str], list[FieldGap]] = defaultdict(list)
    owing: dict[tuple[str, str], list[FieldGap]] = defaultdict(list)
    for gap in gaps.values():
        for lao_type in LAO.Type.values:
            if gap.field.applies(lao_type):
                applying[gap.section.code, lao_type].append(gap)
                if gap.field.required:
                    owing[gap.section.code, lao_type].append(gap)
    section_rules: dict[str, list[Rule]] = defaultdict(list)
    for r in rules:
        section_rules[sections[r.section_id].code].append(r)

    entries = SectionEntry.objects.filter(
        record__fiscal_year=fiscal_year,
        record__lao__in=laos.values("pk"),
        section__code__in=[s.code for s in sections.values()],
    )
    result = FieldGaps()
    grouped = (
        entries.values_list("section__code", "record__lao__type")
        .annotate(n=Count("pk"), empty=Count("pk", filter=Q(filled_count=0)))
        .order_by()
    )
    for code, lao_type, n, empty in grouped:
        result.entries += n
        for gap in applying[code, lao_type]:
            gap.applicable += n
        for gap in owing[code, lao_type]:
            gap.missing += empty

    partly = Q(filled_count__gt=0, filled_count__lt=F("required_count"))
    wanting = entries.filter(partly | Q(rules_pass=False) | ~Q(flags=[])).values_list(
        "section__code", "record__lao__type", "filled_count", "values", "flags", "rules_pass"
    )
    for code, lao_type, filled, stored, flags, rules_pass in wanting.iterator(chunk_size=2000):
        result.streamed += 1
        if filled:  # an entry with nothing filled was counted above
            for gap in owing[code, lao_type]:
                if stored.get(gap.field.code) in (None, ""):
                    gap.missing += 1
        for flagged in flags or ():
            if flagged in gaps:
                gaps[flagged].flagged += 1
        if not rules_pass:
            for rule in failing_rules(section_rules[code], stored):
                rule_gaps[rule.pk].failing += 1
                for name in _rule_fields(rule):
                    if name in gaps:
                        gaps[name].rule_failures += 1
    result.fields = list(gaps.values())
    result.rules = list(rule_gaps.values())
    return result


def field_gaps_kept(*, laos: QuerySet[LAO], fiscal_year: int) -> FieldGaps:
    """``field_gaps``, kept in the cache (shared by every app server) under all it is counted
    from: the LAOs asked for, the year's records (how many, and the newest change: every save
    changes it), the newest schema and the newest registry change. One query while nothing
    changed; the six of ``field_gaps`` after a change."""
    stamp = Record.objects.filter(fiscal_year=fiscal_year).aggregate(
        records=Count("pk"),
        changed=Max("updated_at"),
        schema=_newest(Schema.objects.all(), "version"),
        registry=_newest(LAO.objects.all(), "updated_at"),
    )
    return kept(
        "field_gaps",
        (fiscal_year, sorted(stamp.items()), str(laos.query)),
        lambda: field_gaps(laos=laos, fiscal_year=fiscal_year),
    )


def _newest(rows: QuerySet, column: str) -> Max:
    """The newest ``column`` of ``rows``, as a column of another query (through an index)."""
    return Max(Subquery(rows.order_by(f"-{column}").values(column)[:1]))


def _rule_fields(rule: Rule) -> list[str]:
    names = []
    for value in rule.params.values():
        names.extend(value if isinstance(value, list) else [value])
    return names


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
