"""Per-token rate limit (API_RATE_LIMIT, e.g. 120/minute), counted in Django's cache.

The count is one atomic increment of a key per token and time window (Redis INCR with
``CACHE_URL`` set), so every app server and gunicorn worker counts against the same number: a
token gets the limit, not workers × the limit. Windows are fixed (the minute from :00, say),
not sliding: a client may spend one window's allowance at its end and the next at the start of
the next, which the limit's purpose (no one token starving the others) tolerates. Without a
shared cache (local memory, the embedded default) each process counts on its own.
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

    def allow_request(self, request: Request, view) -> bool:
        key = self.get_cache_key(request, view)
        if self.rate is None or key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        key = f"{key}:{window}"
        # add() is a no-op when another server made the key first; incr() is atomic.
        self.cache.add(key, 0, timeout=self.duration + 1)
        try:
            count = self.cache.incr(key)
        except ValueError:  # the key expired between the two calls
            self.cache.add(key, 1, timeout=self.duration + 1)
            count = 1
        return count <= self.num_requests

    def wait(self) -> float:
        """Seconds until the window ends (the Retry-After header)."""
        return max(1.0, self.window_ends - self.now)
