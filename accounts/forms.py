from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import SecurityEvent
from records.forms import BuddhistDateField


class LoginForm(AuthenticationForm):
    """Django's login form; django-axes counts its failures and locks the account+address."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username", autofocus=True)
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class SecurityLogFilterForm(forms.Form):
    """The security log's filters: kind, user name, and a range of days (Buddhist Era)."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All kinds")), *SecurityEvent.Kind.choices],
        required=False,
    )
    user = forms.CharField(label=_("User name"), max_length=150, required=False)
    since = BuddhistDateField(label=_("From (day/month/BE year)"), required=False)
    until = BuddhistDateField(label=_("To (day/month/BE year)"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "kind" else "form-control"

    def filter(self, events: QuerySet[SecurityEvent]) -> QuerySet[SecurityEvent]:
        data = self.cleaned_data
        if data.get("kind"):
            events = events.filter(kind=data["kind"])
        if data.get("user"):
            events = events.filter(username__icontains=data["user"].strip())
        # Days are Bangkok days, as people read them on the page.
        if data.get("since"):
            events = events.filter(at__date__gte=data["since"])
        if data.get("until"):
            events = events.filter(at__date__lte=data["until"])
        return events
