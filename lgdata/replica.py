"""Reads that may come from a streaming replica: the dashboards, key figures, exports and the
API, which read a lot and write nothing (docs/DEPLOYMENT.md).

With ``REPLICA_URL`` set, a GET to one of those pages (``ReplicaReadsMiddleware``) or code inside
``replica_reads()`` (the export task) reads through ``ReplicaRouter`` from the ``replica``
database, but only while the replica answers and lags the primary by at most
``REPLICA_MAX_LAG_SECONDS``; otherwise, and for every write, the primary. The check is kept for
``REPLICA_CHECK_SECONDS`` per process so a page does not pay for it. Everything else (a
clerk's section page, a save, a login) reads the primary, so nobody sees their own write late.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import FileResponse, HttpRequest, HttpResponse

REPLICA = "replica"
# Path prefixes of the read-only pages whose GETs may read the replica.
REPLICA_PATHS = ("/national/", "/province/", "/district/", "/figures/", "/exports/", "/api/")
logger = logging.getLogger(__name__)
_reading = contextvars.ContextVar("replica_reads", default=False)
_health = {"until": 0.0, "ok": False}


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside may come from the replica (when it is usable)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def replica_lag_seconds() -> float:
    """How far the replica's replay is behind: 0 when it has replayed all it received."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN NOT pg_is_in_recovery() "
            "OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
            "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
        )
        return float(cursor.fetchone()[0])


def replica_usable() -> bool:
    """The replica is configured, answers, and lags no more than the bound (cached)."""
    if REPLICA not in settings.DATABASES:
        return False
    now = time.monotonic()
    if now < _health["until"]:
        return _health["ok"]
    try:
        lag = replica_lag_seconds()
        ok = lag <= settings.REPLICA_MAX_LAG_SECONDS
        if not ok:
            logger.warning("replica lags %.1f s; reading the primary", lag)
    except DatabaseError:
        logger.warning("replica unreachable; reading the primary", exc_info=True)
        connections[REPLICA].close()
        ok = False
    _health.update(until=now + settings.REPLICA_CHECK_SECONDS, ok=ok)
    return ok


class ReplicaRouter:
    """Sends reads inside ``replica_reads()`` to a usable replica; everything else (and every
    write and migration) to the primary."""

    def db_for_read(self, model, **hints) -> str | None:
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db  # a row just written is re-read where it was written
        if _reading.get() and replica_usable():
            return REPLICA
        return None

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == "default"


class ReplicaReadsMiddleware:
    """GET and HEAD requests to the read-only pages read inside ``replica_reads()``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD") and request.path.startswith(REPLICA_PATHS):
            with replica_reads():
                response = self.get_response(request)
                if response.streaming and not isinstance(response, FileResponse):
                    # A streamed download reads as it is sent, after this returns.
                    response.streaming_content = _within_replica_reads(response.streaming_content)
                return response
        return self.get_response(request)


def _within_replica_reads(chunks):
    with replica_reads():
        yield from chunks
