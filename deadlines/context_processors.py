from django.http import HttpRequest


def unread_notices(request: HttpRequest) -> dict:
    """How many reminders the user has not opened yet (one cheap count query per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": user.reminders.filter(read_at__isnull=True).count()}
