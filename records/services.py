"""Writes to records: making a record, saving a section (no lost updates, history, completeness).

Values are stored per section as JSON, in the forms records/values.py describes.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from records import gap_rollups, hooks, rollups
from records.models import LAO, Field, Record, Rule, Section, SectionEntry, ValueChange
from records.rules import failing_rules, number_of
from records.schema import current_schema, schema_sections
from records.values import is_filled, number_text, outliers


class EditBlockedError(Exception):
    """The record may not be changed now (submitted, or its round locked); nothing was saved.

    ``reason`` is the edit guard's message for the user (records.hooks)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class StaleSectionError(Exception):
    """The section changed since the page was loaded; nothing was saved."""

    def __init__(self, current: SectionEntry):
        super().__init__("stale section")
        self.current = current


@dataclass
class SaveResult:
    entry: SectionEntry
    changed: list[str] = field(default_factory=list)
    rule_messages: list[Rule] = field(default_factory=list)
    # The whole record's values after the save, which the failing rules were checked against.
    record_values: dict = field(default_factory=dict)


def applicable_fields(section: Section, lao_type: str) -> list[Field]:
    return [f for f in section.fields.all() if f.applies(lao_type)]


def rule_figures(rule: Rule, values: dict, labels: dict[str, str]) -> str:
    """The numbers behind a failing rule, as a person checks them on paper:
    "ชาย 1,989 + หญิง 2,012 = 4,001 ≠ ทั้งหมด 4,000". ``labels`` maps field codes to labels in
    the reader's language."""

    def shown(code: str) -> str:
        number = number_of(values.get(code))
        return f"{labels.get(code, code)} {number_text(number if number is not None else 0)}"

    p = rule.params
    if rule.kind == Rule.Kind.SUM:
        parts = [number_of(values.get(code)) or 0 for code in p["parts"]]
        added = " + ".join(shown(code) for code in p["parts"])
        return f"{added} = {number_text(sum(parts))} ≠ {shown(p['total'])}"
    if rule.kind == Rule.Kind.NOT_GREATER:
        return f"{shown(p['field'])} > {shown(p['limit_field'])}"
    return _("%(needing)s is above 0 but %(needed)s is not") % {
        "needing": shown(p["if_positive"]),
        "needed": shown(p["then_positive"]),
    }


def rule_messages(
    rules: list[Rule], values: dict, *, language: str, fields: list[Field] = ()
) -> list[str]:
    """The failing rules' messages with their numbers ("Total population must equal men plus
    women: ชาย 1,989 + หญิง 2,012 = 4,001 ≠ ทั้งหมด 4,000"), in the reader's language.

    ``fields`` already loaded give their labels; the labels of other fields a rule names (in
    another section) are read in one query."""
    failing = failing_rules(rules, values)
    if not failing:
        return []

    def label(f) -> str:
        return f.label_th if language == "th" else f.label_en

    labels = {f.code: label(f) for f in fields}
    codes = set()
    for rule in failing:
        for names in rule.params.values():
            codes.update(names if isinstance(names, list) else [names])
    if codes - labels.keys():
        others = Field.objects.filter(
            section__schema_id__in={rule.schema_id for rule in failing},
            code__in=codes - labels.keys(),
        ).only("code", "label_th", "label_en")
        labels.update({f.code: label(f) for f in others})
    return [
        f"{(rule.message_th if language == 'th' else rule.message_en).rstrip('.')}: "
        f"{rule_figures(rule, values, labels)}"
        for rule in failing
    ]


def completeness(fields: list[Field], values: dict) -> tuple[int, int]:
    """(required applicable fields, of them filled); "not applicable" counts as filled."""
    required = [f for f in fields if f.required]
    return len(required), sum(1 for f in required if is_filled(values.get(f.code)))


@transaction.atomic
def record_get_or_create(*, lao: LAO, fiscal_year: int) -> Record:
    """The LAO's record for a fiscal year, made (with an empty entry per section) on first use.

    Safe when two first saves race: the record is one per (LAO, fiscal year), and the one that
    loses the insert gets the winner's record (get_or_create retries the read after the
    IntegrityError of the unique constraint).
    """
    record = Record.objects.filter(lao=lao, fiscal_year=fiscal_year).first()
    if record:
        return record
    schema = current_schema()
    record, created = Record.objects.get_or_create(
        lao=lao, fiscal_year=fiscal_year, defaults={"schema": schema}
    )
    if not created:
        return record
    entries = []
    for section in schema.sections.prefetch_related("fields"):
        required, _filled = completeness(applicable_fields(section, lao.type), {})
        entries.append(SectionEntry(record=record, section=section, required_count=required))
    SectionEntry.objects.bulk_create(entries)
    record.required_count = sum(e.required_count for e in entries)
    record.save(update_fields=["required_count"])
    rollups.lock_provinces([lao.district_id[:2]])
    codes = {section.pk: section.code for section in schema_sections(schema).values()}
    gap_rollups.entries_changed(
        fiscal_year=fiscal_year,
        lao=lao,
        before=[],
        after=[gap_rollups.EntryState.of(e, codes[e.section_id]) for e in entries],
    )
    hooks.areas_changed([lao.district_id], fiscal_year)
    return record


@transaction.atomic
def section_save(
    *,
    entry: SectionEntry,
    values: dict,
    expected_version: int,
    by,
    source: str = ValueChange.Source.FORM,
    fields: list[Field] | None = None,
    previous: dict | None = None,
) -> SaveResult:
    """Saves a section's values if nobody saved it since `expected_version` was read.

    The one gate for writing values, whichever way they come (form, file import, Excel
    template): a record the edit guards close (records.hooks: submitted, or its round locked)
    raises EditBlockedError and nothing is written. A stale save raises StaleSectionError with
    the current entry and writes nothing. Otherwise the changed values go to the history,
    completeness and the cross-field rules are recomputed for the section and the record in the
    same transaction, as are the key figures' roll-ups of the LAO's district (records/rollups.py)
    and its progress (``hooks.areas_changed``),
    the fields whose value jumped far from last year's are flagged (for a second look; a flag
    does not block the save), and the version goes up by one. The version
    check is a conditional UPDATE, so of many concurrent saves from one version exactly one wins.

    `fields` (the section's fields applicable to the LAO) and `previous` (last year's values of
    the section) spare the queries when the caller has already loaded them.
    """
    record = entry.record
    # Saves of one record wait for each other on its row: the totals summed below then include
    # every other section's save, and a submission (which takes the same lock) cannot slip
    # between the edit guard and the write (docs/architecture.md, "Concurrency").
    counted_before = (
        Record.objects.select_for_update()
        .filter(pk=record.pk)
        .values_list("required_count", "filled_count", "updated_at")
        .get()
    )
    reason = hooks.edit_blocked_reason(record.lao, record.fiscal_year, timezone.localdate())
    if reason:
        raise EditBlockedError(reason)
    if fields is None:
        fields = applicable_fields(entry.section, record.lao.type)
    if previous is None:
        previous = previous_values(
            lao=record.lao, fiscal_year=record.fiscal_year, section_code=entry.section.code
        )
    codes = [f.code for f in fields]
    merged = {**entry.values, **{c: values.get(c) for c in codes if c in values}}
    merged = {c: v for c, v in merged.items() if is_filled(v)}
    changed = [c for c in codes if entry.values.get(c) != merged.get(c)]
    # Rules may compare fields of different sections (households with piped water <= all
    # households), so they are checked against the whole record, and the other sections'
    # outcomes are refreshed when this save changes a field they look at.
    others = list(SectionEntry.objects.filter(record=record))
    # This entry as stored now: its version is the one expected (checked below), but another
    # section's save may have turned its check's outcome since the caller read it.
    mine = next((other for other in others if other.pk == entry.pk), entry)
    others = [other for other in others if other.pk != entry.pk]
    record_values = {k: v for other in others for k, v in other.values.items()}
    record_values.update(merged)
    # Every rule of the schema, from the per-process copy of its sections (records.schema).
    sections = schema_sections(record.schema)
    rules = [rule for section in sections.values() for rule in section.rules.all()]
    failing = [r for r in failing_rules(rules, record_values) if r.section_id == entry.section_id]
    required, filled = completeness(fields, merged)
    flags = outliers(fields, merged, previous)
    now = timezone.now()

    updated = SectionEntry.objects.filter(pk=entry.pk, version=expected_version).update(
        values=merged,
        version=F("version") + 1,
        required_count=required,
        filled_count=filled,
        rules_pass=not failing,
        flags=flags,
        updated_at=now,
        updated_by=by,
    )
    if not updated:
        raise StaleSectionError(SectionEntry.objects.get(pk=entry.pk))

    failing_sections = {r.section_id for r in failing_rules(rules, record_values)}
    refreshed = [o for o in others if o.rules_pass == (o.section_id in failing_sections)]
    # What the field-level view counts of the entries this save changes, before and after.
    code_of = {section.pk: code for code, section in sections.items()}
    states_before = [
        gap_rollups.EntryState.of(e, code_of[e.section_id]) for e in [mine, *refreshed]
    ]
    for other in refreshed:
        other.rules_pass = other.section_id not in failing_sections
    SectionEntry.objects.bulk_update(refreshed, ["rules_pass"])
    ValueChange.objects.bulk_create(
        [
            ValueChange(
                record=record,
                section_id=entry.section_id,
                field_code=code,
                old_value=entry.values.get(code),
                new_value=merged.get(code),
                changed_at=now,
                changed_by=by,
                source=source,
            )
            for code in changed
        ]
    )
    # The record's totals: the other sections as read under the record's lock, and this one.
    counted = (
        sum(other.required_count for other in others) + required,
        sum(other.filled_count for other in others) + filled,
    )
    Record.objects.filter(pk=record.pk).update(
        required_count=counted[0], filled_count=counted[1], updated_at=now, updated_by=by
    )
    # Last, so the roll-up rows are locked for as short a time as possible: the province's
    # lock first, then the key figures', the field-level view's and the progress rows.
    rollups.lock_provinces([record.lao.district_id[:2]])
    rollups.record_saved(
        record=record,
        lao=record.lao,
        before={k: v for other in others for k, v in other.values.items()} | entry.values,
        after=record_values,
    )
    states_after = [
        gap_rollups.EntryState(
            code_of[entry.section_id], required, filled, merged, flags, not failing
        ),
        *(gap_rollups.EntryState.of(e, code_of[e.section_id]) for e in refreshed),
    ]
    gap_rollups.entries_changed(
        fiscal_year=record.fiscal_year, lao=record.lao, before=states_before, after=states_after
    )
    resave = None
    if counted == counted_before[:2]:
        resave = hooks.Resave(record.lao.type, updated_before=counted_before[2], updated_at=now)
    hooks.areas_changed([record.lao.district_id], record.fiscal_year, resave=resave)
    # The entry as stored now: what the UPDATE wrote (no need to read it back). Last: the
    # history and the roll-ups above need the values as they were before.
    entry.values, entry.version = merged, expected_version + 1
    entry.required_count, entry.filled_count = required, filled
    entry.rules_pass, entry.flags = not failing, flags
    entry.updated_at, entry.updated_by = now, by
    return SaveResult(
        entry=entry, changed=changed, rule_messages=failing, record_values=record_values
    )


def previous_values(*, lao: LAO, fiscal_year: int, section_code: str) -> dict:
    """Last fiscal year's values of the same section (matched by section code), or {}."""
    previous = (
        SectionEntry.objects.filter(
            record__lao=lao, record__fiscal_year=fiscal_year - 1, section__code=section_code
        )
        .only("values")
        .first()
    )
    return previous.values if previous else {}


def is_current(record: Record, since: datetime.date) -> bool:
    """A record is current when it was updated on or after a round's start."""
    return record.updated_at is not None and timezone.localdate(record.updated_at) >= since


class SectionState:
    """A section's state as every page and export shows it (one definition for all of them).

    A section whose cross-field rule fails "needs checking" even when every field is filled: it
    is not complete, and a record with such a section cannot be submitted."""

    COMPLETE = "complete"
    NEEDS_CHECKING = "needs_checking"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"

    @staticmethod
    def of(*, required: int, filled: int, rules_pass: bool) -> str:
        if not rules_pass:
            return SectionState.NEEDS_CHECKING
        if filled >= required:
            return SectionState.COMPLETE
        return SectionState.IN_PROGRESS if filled else SectionState.NOT_STARTED

    @staticmethod
    def label(state: str) -> str:
        return {
            SectionState.COMPLETE: _("complete"),
            SectionState.NEEDS_CHECKING: _("needs checking"),
            SectionState.IN_PROGRESS: _("in progress"),
            SectionState.NOT_STARTED: _("not started"),
        }[state]


class SectionCounts:
    """What a section's counts say, for a class with ``required``, ``filled`` and
    ``rules_pass``: its state, whether it is complete, its per cent (a section being checked
    here and a dashboard's cell, ``dashboards.figures.SectionCell``)."""

    @property
    def percent(self) -> float:
        from records.completeness import percent

        return percent(self.filled, self.required)

    @property
    def complete(self) -> bool:
        return self.state == SectionState.COMPLETE

    @property
    def state(self) -> str:
        return SectionState.of(
            required=self.required, filled=self.filled, rules_pass=self.rules_pass
        )

    @property
    def state_label(self) -> str:
        return SectionState.label(self.state)


@dataclass
class SectionProgress(SectionCounts):
    """One section of a record as a person checks it: what is filled, what is missing."""

    section: Section
    entry: SectionEntry | None
    required: int
    missing: list[Field]

    @property
    def filled(self) -> int:
        return self.required - len(self.missing)

    @property
    def rules_pass(self) -> bool:
        return self.entry is None or self.entry.rules_pass


def record_progress(
    *, lao: LAO, record: Record | None, section_codes: list[str] | None = None
) -> list[SectionProgress]:
    """Per section (all, or the given codes): the required applicable fields still missing.

    One query, the entries (the schema's sections and fields are read once per process:
    records.schema.schema_sections), and the schema's row when the record's is not loaded.
    """
    schema = record.schema if record else current_schema()
    sections = schema_sections(schema).values()
    if section_codes is not None:
        sections = [section for section in sections if section.code in section_codes]
    entries = {e.section_id: e for e in record.entries.all()} if record else {}
    progress = []
    for section in sections:
        entry = entries.get(section.pk)
        values = entry.values if entry else {}
        fields = applicable_fields(section, lao.type)
        missing = [f for f in fields if f.required and not is_filled(values.get(f.code))]
        progress.append(
            SectionProgress(section, entry, sum(1 for f in fields if f.required), missing)
        )
    return progress
