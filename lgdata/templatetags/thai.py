"""Template filters for Buddhist-Era dates, loaded as builtins in every template."""

from django import template
from django.utils.translation import get_language

from lgdata import thai

register = template.Library()


@register.filter
def be_date(value, arg: str = ""):
    """A date in the Buddhist Era, in Thai; English pages keep the BE year with English months."""
    if value in (None, ""):
        return ""
    if get_language() == "en":
        return f"{value.day} {value:%B} {thai.be_year(value)} BE"
    return thai.be_date(value, short=(arg == "short"))


@register.filter
def be_datetime(value):
    """A date and time in the Buddhist Era, in the portal's time zone."""
    if value in (None, ""):
        return ""
    if get_language() == "en":
        from django.utils import timezone

        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{local.day} {local:%b} {thai.be_year(local)} BE {local:%H:%M}"
    return thai.be_datetime(value)


@register.filter
def person(user) -> str:
    """How a person is named on a page: full name, else username; "—" when nobody is known
    (a deleted account, or a change made by an import without a user)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username
