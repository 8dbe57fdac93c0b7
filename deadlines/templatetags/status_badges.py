"""A participation's status as a coloured badge (``{{ status|status_badge }}``).

Built in Python, not in a template: a district's dashboard shows one on every row, and an
included template per row cost more than the rest of the row's status cell.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from deadlines.models import RoundLAO

register = template.Library()

Status = RoundLAO.Status

# Bootstrap's badge colour for each status.
COLOURS = {
    Status.APPROVED: "success",
    Status.SUBMITTED_ON_TIME: "primary",
    Status.SUBMITTED_LATE: "warning",
    Status.RETURNED: "danger",
    Status.OVERDUE: "danger",
    Status.IN_PROGRESS: "info",
    Status.NOT_STARTED: "secondary",
}


@register.filter
def status_badge(status: str | None) -> SafeString:
    """The status's badge; anything that is not a status reads "not started"."""
    if status not in COLOURS:
        status = Status.NOT_STARTED
    return format_html(
        '<span class="badge text-bg-{}">{}</span>', COLOURS[status], Status(status).label
    )
