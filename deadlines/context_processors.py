from django.http import HttpRequest

from deadlines.models import RoundLAO


def unread_notices(request: HttpRequest) -> dict:
    """How many reminders the user has not opened yet (one cheap count query per page), and for
    a clerk the participation in the latest round, so "Submission" is one click away."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context = {"unread_notices": user.reminders.filter(read_at__isnull=True).count()}
    if user.role == "clerk":
        context["my_round"] = (
            RoundLAO.objects.filter(lao_id=user.lao_id)
            .select_related("lao")
            .order_by("-round__deadline")
            .first()
        )
    return context
