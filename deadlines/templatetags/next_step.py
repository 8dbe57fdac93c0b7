"""The round card on an LAO's page: where its record stands in the latest round, and what the
person looking at it does next (docs/circulars.md).

A template tag, so the records app's LAO page shows it without records importing deadlines
(docs/architecture.md: dependencies run one way).
"""

from django import template
from django.utils import timezone

from deadlines import services
from deadlines.due_dates import nearest_deadline, participant_deadlines
from deadlines.models import RoundLAO
from records.models import Field, Record

register = template.Library()


def _named_fields(participant: RoundLAO, transition) -> list[str]:
    """The field codes the last return named ("section.field" targets; a whole section names
    no single field)."""
    return [target.split(".", 1)[1] for target in participant.return_targets if "." in target]


@register.inclusion_tag("deadlines/_next_step.html", takes_context=True)
def next_step(context, lao) -> dict:
    user = context["request"].user
    participant = (
        RoundLAO.objects.filter(lao=lao)
        .select_related("round__circular", "lao")
        .order_by("-round__deadline", "-round_id")
        .first()
    )
    if participant is None:
        return {"participant": None}
    round_ = participant.round
    today = timezone.localdate()
    record = Record.objects.filter(lao=lao, fiscal_year=round_.fiscal_year).first()
    status = participant.status(today=today, started=bool(record and record.filled_count))
    returned = None
    if participant.state == RoundLAO.State.RETURNED:
        transition = (
            participant.transitions.filter(to_state=RoundLAO.State.RETURNED)
            .select_related("by")
            .order_by("-at", "-id")
            .first()
        )
        codes = _named_fields(participant, transition)
        fields = (
            Field.objects.filter(
                section__schema=record.schema if record else None, code__in=codes
            ).select_related("section")
            if codes and record
            else []
        )
        returned = {
            "comment": (transition.comment if transition else "") or participant.return_comment,
            "by": transition.by if transition else None,
            "at": transition.at if transition else None,
            "fields": fields,
        }
    open_for_clerk = participant.state in (RoundLAO.State.OPEN, RoundLAO.State.RETURNED)
    # The clerk works to the nearest date not yet past: the supervisor's letter's when it is
    # earlier than the department's (deadlines/due_dates.py); both are listed with their letters.
    dates = participant_deadlines(participant)
    due = nearest_deadline(dates, today)
    return {
        "participant": participant,
        "round": round_,
        "lao": lao,
        "status": status,
        "due": due,
        "dates": dates if len(dates) > 1 else [],
        "days_left": (due.date - today).days,
        "days_late": (today - due.date).days,
        "returned": returned,
        "missing": services.submission_missing(participant) if open_for_clerk else [],
        "moves": participant.allowed_moves(user),
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
    }
