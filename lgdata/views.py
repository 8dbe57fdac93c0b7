"""Project-wide views that belong to no app: the health check and the error pages."""

import contextlib
import sys
import time

from django.db import InterfaceError, OperationalError, connection, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and monitoring: 200 or 503, always JSON.

    It names neither the database engine nor the error: the answer is public."""
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", never a 500 page
        return JsonResponse(
            {"status": "error", "database": "unreachable"},
            status=503,
        )
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "database_ms": round((time.perf_counter() - started) * 1000, 1),
        }
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, except when the database is out of reach: then a Thai 503 page.

    Django calls this inside its exception handler, so the exception is at hand. The broken
    connections are closed, so the next request opens a new one and the portal recovers by
    itself when the database returns (docs/security.md). Neither page needs the database:
    both render without the request's context.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        for conn in connections.all(initialized_only=True):
            # A dead connection may fail to close; it is dropped all the same.
            with contextlib.suppress(Exception):
                conn.close()
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return defaults.server_error(request)
