"""Per-token rate limit (API_RATE_LIMIT, e.g. 120/minute), counted in Django's cache.

With the default local-memory cache every gunicorn worker counts on its own, so a client can
get up to workers × the limit; a shared cache (Redis, the database cache) makes it exact.
"""

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from api.models import APIToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_rate(self) -> str:
        # Read on every request (not once at import) so tests and settings changes apply.
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request: Request, view) -> str | None:
        if not isinstance(request.auth, APIToken):
            return None  # the public schema and docs are not counted
        return f"api-rate:{request.auth.pk}"
