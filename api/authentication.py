"""`Authorization: Bearer <token>` and nothing else.

The API takes no session cookie: a browser logged in to the portal cannot be made to call it
from another site (no CSRF exposure), and every call is made by a token someone issued and can
revoke.
"""

import re

from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from accounts.security import Kind, security_log
from api.models import APIToken
from api.services import token_touch

TOKEN_TEXT = re.compile(r"[A-Za-z0-9_\-]{20,200}")


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple | None:
        scheme, _space, text = get_authorization_header(request).partition(b" ")
        if scheme.lower() != b"bearer":
            return None  # no credentials of ours: 401 "not_authenticated"
        text = text.strip().decode("latin-1")
        if not TOKEN_TEXT.fullmatch(text):
            raise AuthenticationFailed(_("The token is not valid."), code="invalid_token")
        token = (
            APIToken.objects.select_related("user")
            .filter(key_hash=APIToken.hash_text(text))
            .first()
        )
        if token is None:
            raise AuthenticationFailed(_("The token is not valid."), code="invalid_token")
        if token.is_revoked:
            raise AuthenticationFailed(_("This token has been revoked."), code="invalid_token")
        if not token.user.is_active:
            raise AuthenticationFailed(
                _("The account this token acts for is disabled."), code="invalid_token"
            )
        last_used = token.last_used_at
        token_touch(token=token)
        if token.last_used_at != last_used:  # at most once a minute per token, as token_touch
            security_log(
                Kind.TOKEN, request=request, user=token.user, detail=f"token {token.pk} {token}"
            )
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # A WWW-Authenticate value makes REST framework answer 401 rather than 403.
        return 'Bearer realm="api"'
