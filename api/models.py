"""API tokens: how the Operations Center's systems (and any other authorised system) sign in.

A token acts for one user and sees exactly what that user sees (accounts.access). Only a hash
is stored; the token itself is shown once, when it is issued.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class APITokenQuerySet(models.QuerySet):
    def for_listing(self) -> "APITokenQuerySet":
        """What the token page shows: the user with their scope, who issued and who revoked."""
        return self.select_related(
            "user__lao", "user__district", "user__province", "created_by", "revoked_by"
        )


def _staff_member(verbose_name) -> models.ForeignKey:
    """Who issued or revoked a token; the token outlives the account (null once deleted)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


class APIToken(models.Model):
    """A bearer token for the read-only API, stored as the SHA-256 of its text."""

    # Every token starts with this, so a leaked one is easy to recognise (and to grep for).
    TEXT_PREFIX = "lgd_"
    # How much of the token is kept in clear to tell tokens apart on the token page.
    VISIBLE_LENGTH = 12

    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    prefix = models.CharField(_("token starts with"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"))
    created_by = _staff_member(_("issued by"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = _staff_member(_("revoked by"))

    objects = APITokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_text(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
