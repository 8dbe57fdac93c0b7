from django.http import HttpRequest

from accounts import access
from deadlines.models import Reminder, RoundLAO


def unread_notices(request: HttpRequest) -> dict:
    """How many reminders the user has not opened yet (one cheap count query per page), and for
    a clerk the participation in the latest round, so "Submission" is one click away.

    Two plain queries: folding the count into the round's query as a subquery was measured
    slower (its SQL takes longer to build than a second round trip costs, on SQLite and on
    PostgreSQL alike)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unread = Reminder.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    context = {"unread_notices": unread.count()}
    own_lao_id = access.own_lao_id(user)
    if own_lao_id:
        context["my_round"] = (
            RoundLAO.objects.filter(lao_id=own_lao_id)
            .select_related("lao")
            .order_by("-round__deadline")
            .first()
        )
    return context
