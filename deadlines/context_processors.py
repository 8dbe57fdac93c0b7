from django.db.models import Count, IntegerField, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from accounts import access
from deadlines.models import Reminder, RoundLAO


def unread_notices(request: HttpRequest) -> dict:
    """How many reminders the user has not opened yet, and for a clerk the participation in the
    latest round, so "Submission" is one click away: one query per page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unread = Reminder.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    own_lao_id = access.own_lao_id(user)
    if not own_lao_id:
        return {"unread_notices": unread.count()}
    # A clerk's count rides along with the round, in the same query.
    unread_count = unread.order_by().values("recipient_id").annotate(n=Count("pk")).values("n")
    my_round = (
        RoundLAO.objects.filter(lao_id=own_lao_id)
        .select_related("lao")
        .order_by("-round__deadline")
        .annotate(unread_notices=Coalesce(Subquery(unread_count, output_field=IntegerField()), 0))
        .first()
    )
    if my_round is None:
        return {"unread_notices": unread.count(), "my_round": None}
    return {"unread_notices": my_round.unread_notices, "my_round": my_round}
