"""The security log: logins, failed logins, lockouts, denied accesses, exports, API token use and
role or scope changes, each with who, what, when (UTC) and from where.

Every entry is a ``SecurityEvent`` row (department staff read them at /security-log/) and a
line on the "security" logger, for the server's log collector. It is kept apart from the data
history on purpose: see docs/security.md.
"""

import ipaddress
import logging

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest
from simple_history.models import HistoricalRecords

from accounts.models import SecurityEvent, User

logger = logging.getLogger("security")
Kind = SecurityEvent.Kind

# The fields that decide what a user may see and do (``access.scope_key``), plus staff rights.
WATCHED_FIELDS = ("role", "lao_id", "district_id", "province_id", "is_staff", "is_superuser")


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: behind ``PROXY_COUNT`` trusted proxies, the address the outermost
    of them saw (the ``PROXY_COUNT``-th from the right in X-Forwarded-For, as each proxy appends
    the address it was called from), otherwise the connection's. django-axes uses this too
    (``AXES_CLIENT_IP_CALLABLE``), so lockouts and the log name the same address."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.AXES_IPWARE_PROXY_COUNT
    if not count:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


def security_log(
    kind: str,
    *,
    request: HttpRequest | None = None,
    user: User | None = None,
    username: str = "",
    detail: str = "",
) -> SecurityEvent:
    """Writes one entry. ``user`` defaults to the request's user; ``username`` to theirs."""
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    if user is not None and not username:
        username = user.get_username()
    event = SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=username[:150],
        ip_address=client_ip(request),
        path=(request.get_full_path()[:300] if request is not None else ""),
        detail=detail[:500],
    )
    logger.info(
        "%s user=%s ip=%s path=%s %s",
        kind,
        event.username or "-",
        event.ip_address or "-",
        event.path or "-",
        event.detail,
    )
    return event


@receiver(user_logged_in, dispatch_uid="security_login")
def _logged_in(sender, request, user, **kwargs) -> None:
    security_log(Kind.LOGIN, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="security_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    security_log(Kind.LOGIN_FAILED, request=request, username=str(credentials.get("username", "")))


@receiver(user_locked_out, dispatch_uid="security_lockout")
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    security_log(Kind.LOCKOUT, request=request, username=str(username or ""))


@receiver(pre_save, sender=User, dispatch_uid="security_role_before")
def _remember_scope(sender, instance: User, raw=False, update_fields=None, **kwargs) -> None:
    if update_fields is not None and not {f.removesuffix("_id") for f in WATCHED_FIELDS} & set(
        update_fields
    ):
        instance._security_before = None  # e.g. last_login on every login: nothing to compare
        return
    if raw or instance.pk is None:
        instance._security_before = None
        return
    instance._security_before = User.objects.filter(pk=instance.pk).values(*WATCHED_FIELDS).first()


@receiver(post_save, sender=User, dispatch_uid="security_role_after")
def _log_scope_change(sender, instance: User, created: bool, raw=False, **kwargs) -> None:
    if raw:
        return
    before = getattr(instance, "_security_before", None)
    after = {field: getattr(instance, field) for field in WATCHED_FIELDS}
    if created:
        changes = [f"{field}={value}" for field, value in after.items() if value]
    elif before is None:
        return
    else:
        changes = [
            f"{field}: {before[field]} → {after[field]}"
            for field in WATCHED_FIELDS
            if before[field] != after[field]
        ]
        if not changes:
            return
    # The admin (or whoever) making the change: simple_history's middleware keeps the request.
    request = getattr(HistoricalRecords.context, "request", None)
    verb = "created" if created else "changed"
    security_log(
        Kind.ROLE_CHANGE,
        request=request,
        detail=f"{verb} {instance.get_username()}: " + ", ".join(changes),
    )
