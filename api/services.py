"""Writes of the api app: issuing, revoking and touching tokens."""

import datetime
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from api.models import APIToken

# Recording every request would turn each read into a write; once a minute is enough to answer
# "is this token still in use?".
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


@transaction.atomic
def token_issue(*, user: User, name: str, by: User | None) -> tuple[APIToken, str]:
    """Makes a token for `user` and returns it with its text, which is never stored or shown
    again: 40 random bytes, URL-safe, after the recognisable "lgd_"."""
    text = APIToken.TEXT_PREFIX + secrets.token_urlsafe(40)
    token = APIToken.objects.create(
        name=name.strip(),
        user=user,
        prefix=text[: APIToken.VISIBLE_LENGTH],
        key_hash=APIToken.hash_text(text),
        created_at=timezone.now(),
        created_by=by,
    )
    return token, text


def token_revoke(*, token: APIToken, by: User | None) -> bool:
    """Revokes a token for good; False when it was already revoked (nothing changes then)."""
    now = timezone.now()
    revoked = APIToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=by
    )
    if revoked:
        token.revoked_at, token.revoked_by = now, by
    return bool(revoked)


def token_touch(*, token: APIToken, now: datetime.datetime | None = None) -> None:
    """Records that a token was used, at most once a minute (a conditional update, so
    concurrent requests write at most once between them)."""
    now = now or timezone.now()
    stale = now - LAST_USED_RESOLUTION
    if token.last_used_at is not None and token.last_used_at > stale:
        return
    APIToken.objects.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale)).filter(
        pk=token.pk
    ).update(last_used_at=now)
    token.last_used_at = now
