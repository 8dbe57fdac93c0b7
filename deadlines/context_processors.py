from django.http import HttpRequest

from accounts import access
from deadlines.models import RoundLAO


def unread_notices(request: HttpRequest) -> dict:
    """How many reminders the user has not opened yet (one cheap count query per page), and for
    a clerk the participation in the latest round, so "Submission" is one click away."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context = {"unread_notices": user.reminders.filter(read_at__isnull=True).count()}
    own_lao_id = access.own_lao_id(user)
    if own_lao_id:
        context["my_round"] = (
            RoundLAO.objects.filter(lao_id=own_lao_id)
            .select_related("lao")
            .order_by("-round__deadline")
            .first()
        )
    return context
