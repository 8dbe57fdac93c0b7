"""People: one role and one scope each (an LAO, a district, a province, or the nation)."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLERK = "clerk", _("LAO clerk")
    DISTRICT = "district", _("District officer")
    PROVINCE = "province", _("Province officer")
    DEPARTMENT = "department", _("Department staff")
    EXECUTIVE = "executive", _("Executive (read-only)")
    ADMIN = "admin", _("Administrator")


# Which scope field each role needs; roles not listed have the whole nation as scope.
SCOPE_FIELD = {Role.CLERK: "lao", Role.DISTRICT: "district", Role.PROVINCE: "province"}
NATIONAL_ROLES = (Role.DEPARTMENT, Role.EXECUTIVE, Role.ADMIN)


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.CLERK)
    lao = models.ForeignKey(
        "records.LAO",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("LAO"),
    )
    district = models.ForeignKey(
        "records.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("district"),
    )
    province = models.ForeignKey(
        "records.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("province"),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Exactly the scope field the role needs is set, and no other.
            models.CheckConstraint(
                name="user_scope_matches_role",
                condition=(
                    Q(role="clerk", lao__isnull=False, district__isnull=True, province__isnull=True)
                    | Q(
                        role="district",
                        lao__isnull=True,
                        district__isnull=False,
                        province__isnull=True,
                    )
                    | Q(
                        role="province",
                        lao__isnull=True,
                        district__isnull=True,
                        province__isnull=False,
                    )
                    | Q(
                        role__in=["department", "executive", "admin"],
                        lao__isnull=True,
                        district__isnull=True,
                        province__isnull=True,
                    )
                ),
            )
        ]

    def clean(self) -> None:
        super().clean()
        needed = SCOPE_FIELD.get(self.role)
        errors = {}
        for field in ("lao", "district", "province"):
            has_value = getattr(self, f"{field}_id") is not None
            if field == needed and not has_value:
                errors[field] = _("A user with this role needs this scope.")
            elif field != needed and has_value:
                errors[field] = _("Leave empty: this role's scope is elsewhere.")
        if errors:
            raise ValidationError(errors)

    @property
    def scope_label(self) -> str:
        """The scope in words: "อบต.นาป่า", "อำเภอเมืองเพชรบูรณ์", "จังหวัดเพชรบูรณ์", "ทั้งประเทศ"."""
        if self.role == Role.CLERK and self.lao_id:
            return self.lao.display_name
        if self.role == Role.DISTRICT and self.district_id:
            return self.district.display_name
        if self.role == Role.PROVINCE and self.province_id:
            return _("Province %(name)s") % {"name": self.province.name_th}
        return str(_("Whole country"))

    @property
    def is_national(self) -> bool:
        return self.role in NATIONAL_ROLES

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.EXECUTIVE


class SecurityEvent(models.Model):
    """One entry of the security log: who did what, when (UTC) and from where.

    Kept apart from the data history (records' value history, simple_history): it is about
    people and access, not values, and department staff read it at /security-log/
    (docs/security.md). Written only through ``accounts.security.security_log``.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKOUT = "lockout", _("Lockout")
        DENIED = "denied", _("Denied access")
        EXPORT = "export", _("Export")
        TOKEN = "token", _("API token use")
        ROLE_CHANGE = "role_change", _("Role or scope change")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="security_events",
        verbose_name=_("user"),
    )
    # The name as typed or as it was: failed logins name no user, and users can be deleted.
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    path = models.CharField(_("address in the portal"), max_length=300, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"
