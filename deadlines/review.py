"""What an officer reads before approving or returning a submission: the round's sections of the
LAO's record, field by field, with what needs a look marked.

Only reads. The marks come from what ``records.services.section_save`` stored (the flags of large
changes from last year) and from the record's own rules and fields: a cross-field rule failing,
a required field left empty, a "not applicable" answer. The return form offers the same sections
and fields by code ("population", "population.population_total"), so a return can name them.
"""

from dataclasses import dataclass, field

from django.utils.translation import get_language

from deadlines.models import RoundLAO
from records.models import Field, Record, Section
from records.rules import failing_rules
from records.services import applicable_fields, previous_values
from records.values import NOT_APPLICABLE, is_filled, show_value


@dataclass
class FieldLine:
    field: Field
    shown: str
    empty_required: bool
    not_applicable: bool
    flagged: bool
    last_year: str = ""

    @property
    def marked(self) -> bool:
        return self.empty_required or self.not_applicable or self.flagged


@dataclass
class SectionReview:
    section: Section
    lines: list[FieldLine] = field(default_factory=list)
    failing: list[str] = field(default_factory=list)  # the failing rules' messages

    @property
    def marks(self) -> int:
        return len(self.failing) + sum(1 for line in self.lines if line.marked)


def _label(obj, language: str) -> str:
    return obj.label_en if language == "en" and obj.label_en else obj.label_th


def review_sections(participant: RoundLAO) -> list[SectionReview]:
    """The round's sections of the LAO's record in schema order, with their marks."""
    lao, round_ = participant.lao, participant.round
    language = "en" if (get_language() or "").startswith("en") else "th"
    record = (
        Record.objects.filter(lao=lao, fiscal_year=round_.fiscal_year)
        .select_related("schema")
        .first()
    )
    if record is None:
        return []
    entries = {
        e.section.code: e
        for e in record.entries.select_related("section").prefetch_related(
            "section__fields", "section__rules"
        )
    }
    reviews = []
    for code in round_.section_codes:
        entry = entries.get(code)
        if entry is None:
            continue
        values = entry.values
        previous = (
            previous_values(lao=lao, fiscal_year=round_.fiscal_year, section_code=code)
            if entry.flags
            else {}
        )
        review = SectionReview(
            section=entry.section,
            failing=[
                r.message_en if language == "en" else r.message_th
                for r in failing_rules(list(entry.section.rules.all()), values)
            ],
        )
        for f in applicable_fields(entry.section, lao.type):
            value = values.get(f.code)
            flagged = f.code in entry.flags
            review.lines.append(
                FieldLine(
                    field=f,
                    shown=show_value(value, f, language),
                    empty_required=f.required and not is_filled(value),
                    not_applicable=value == NOT_APPLICABLE,
                    flagged=flagged,
                    last_year=show_value(previous.get(f.code), f, language) if flagged else "",
                )
            )
        reviews.append(review)
    reviews.sort(key=lambda r: r.section.order)
    return reviews


def return_choices(reviews: list[SectionReview]) -> list[tuple[str, str]]:
    """The sections and fields a return may name: ("population", "ประชากร"), then
    ("population.population_total", "ประชากร: ประชากรทั้งหมด"), …"""
    language = "en" if (get_language() or "").startswith("en") else "th"
    choices = []
    for review in reviews:
        section_label = _label(review.section, language)
        choices.append((review.section.code, section_label))
        for line in review.lines:
            choices.append(
                (
                    f"{review.section.code}.{line.field.code}",
                    f"{section_label}: {_label(line.field, language)}",
                )
            )
    return choices


def target_labels(participant: RoundLAO) -> list[str]:
    """The labels of the sections and fields the last return named, for the clerk's page."""
    if not participant.return_targets:
        return []
    labels = dict(return_choices(review_sections(participant)))
    return [labels.get(code, code) for code in participant.return_targets]
