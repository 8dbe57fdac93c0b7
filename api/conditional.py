"""ETag and Last-Modified for polling: a client that sends back what it got last time gets an
empty 304 when nothing changed, and the server finds that out with one aggregate query.

The ETag is a hash of what decides the answer: the endpoint and its query, the token user's
scope, today's date (statuses and "active" turn over at midnight), the representation version,
and the fingerprint a view computes from its data (counts and newest change times).
"""

import datetime
import hashlib
import json
from calendar import timegm
from dataclasses import dataclass

from django.http import HttpResponseBase
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from rest_framework.request import Request

from accounts import access

# Bump when the JSON of any endpoint changes shape, so clients cannot keep a stale copy.
REPRESENTATION = "v1.1"


@dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: datetime.datetime | None

    @classmethod
    def of(
        cls, request: Request, fingerprint, times: list[datetime.datetime | None]
    ) -> "Validators":
        user = request.user
        today = timezone.localdate()
        key = [
            REPRESENTATION,
            request.path,
            sorted(request.query_params.lists()),
            access.scope_key(user),
            today.isoformat(),
            fingerprint,
            times,
        ]
        digest = hashlib.sha256(json.dumps(key, default=str).encode()).hexdigest()[:40]
        # Never older than today's midnight: statuses and "active" may change at midnight
        # without any row changing, and If-Modified-Since must see that.
        midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
        known = [t for t in times if t is not None]
        return cls(etag=f'"{digest}"', last_modified=max([*known, midnight]))

    @property
    def timestamp(self) -> int | None:
        return timegm(self.last_modified.utctimetuple()) if self.last_modified else None

    def not_modified(self, request: Request) -> HttpResponseBase | None:
        """The 304 (or 412) the request's conditional headers call for, or None."""
        response = get_conditional_response(request, etag=self.etag, last_modified=self.timestamp)
        return self.apply(response) if response is not None else None

    def apply(self, response: HttpResponseBase) -> HttpResponseBase:
        response["ETag"] = self.etag
        if self.timestamp is not None:
            response["Last-Modified"] = http_date(self.timestamp)
        # Answers differ per token, and must be checked again each time they are used.
        response["Cache-Control"] = "private, no-cache"
        patch_vary_headers(response, ["Authorization", "Accept-Language"])
        return response
