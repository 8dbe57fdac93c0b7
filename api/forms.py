from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class TokenIssueForm(forms.Form):
    username = forms.CharField(
        label=_("User the token acts for"),
        max_length=150,
        help_text=_("The token sees exactly what this user sees (their role and scope)."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Who or what uses it, e.g. “MOC Operations Center dashboard”."),
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(_("There is no user with this username."))
        if not user.is_active:
            raise forms.ValidationError(
                _("This user's account is disabled; a token for it would not work.")
            )
        self.cleaned_data["user"] = user
        return username
