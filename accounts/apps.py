from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and access")

    def ready(self) -> None:
        # Connects the security log's receivers (logins, lockouts, role changes).
        from accounts import security  # noqa: F401
