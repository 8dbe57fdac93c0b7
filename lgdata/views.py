"""Project-wide views that belong to no app: the health check and the error pages."""

import time

from django.db import connection
from django.http import HttpRequest, JsonResponse
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
