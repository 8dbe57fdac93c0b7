"""Benchmark: the MOC API on national data — requests per second, p95 and queries per request.

    DEBUG=1 .venv/bin/python -m bench.api [--provinces 67,81] [--requests 30]
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/lgdata_bench \\
        .venv/bin/python -m bench.api

Setup: migrates a fresh database, seeds the whole country with `seed_demo` (~7,850 LAOs, the
demo users, sample records of two fiscal years), opens a round of the current fiscal year for
every LAO with a mix of submissions, and issues a token for the demo `department` user (the
rate limit is lifted for the run).

Measured in-process through the whole Django stack (WSGI handler, middleware, token lookup,
ETag) with Django's test Client, one request at a time, after a warm-up:
  - the LAO list walked end to end in full pages (page_size 100 and 500): pages per second,
    LAOs per second, p50 / p95 / max per page;
  - the completeness aggregate: level=province (nation), level=district&parent=67,
    level=lao&parent=67, level=lao (nation, first page of 1000);
  - one LAO's record, the circulars, and a conditional request answered 304;
and the queries per request, shown for page sizes 50 and 500 (they must be equal).

It runs on a throwaway SQLite file under /tmp, or on the DATABASE_URL it is given (its name
must contain "bench"; created here and dropped at the end), and refuses var/db.sqlite3.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time

from bench.throwaway import (
    add_arguments,
    emit,
    run_on_throwaway,
    seed_national,
    use_json,
)

# The floor of request overhead: the health check, a near-static answer (one SELECT 1) through
# the same WSGI handler and middleware.
FLOOR = "floor: /healthz (static answer, SELECT 1)"

# --- National data -----------------------------------------------------------------------------


def seed(provinces: str | None) -> str:
    """Seeds, opens a round with a mix of submissions, and returns a department token."""
    from django.db.models import F
    from django.utils import timezone

    from accounts.models import User
    from api.services import token_issue
    from deadlines.models import Circular, RoundLAO
    from deadlines.services import circular_create, round_open
    from lgdata.thai import fiscal_year_of
    from records.models import LAO, Record

    seed_national(provinces)
    today = timezone.localdate()
    circular = circular_create(
        level=Circular.Level.DEPARTMENT,
        reference="มท ๐๘๑๖.๒/ว ๙๙๙๙",
        date=today - datetime.timedelta(days=40),
        subject="การปรับปรุงข้อมูลกลางองค์กรปกครองส่วนท้องถิ่น (bench)",
        by=None,
        deadline=today + datetime.timedelta(days=7),
    )
    round_ = round_open(
        circular=circular,
        fiscal_year=fiscal_year_of(today),
        section_codes=["population"],
        deadline=today + datetime.timedelta(days=7),
    )
    complete = set(
        Record.objects.filter(
            fiscal_year=round_.fiscal_year, filled_count__gte=F("required_count")
        ).values_list("lao_id", flat=True)
    )
    rng = random.Random(2569)
    submitted = [
        p.pk
        for p in RoundLAO.objects.filter(round=round_, lao_id__in=complete)
        if rng.random() < 0.7
    ]
    RoundLAO.objects.filter(pk__in=submitted).update(
        state=RoundLAO.State.SUBMITTED, on_time=True, submitted_at=timezone.now()
    )
    print(
        f"  {LAO.objects.count():,} LAOs, {Record.objects.count():,} records, "
        f"{round_.participants.count():,} in the round, {len(submitted):,} submitted"
    )
    _token, text = token_issue(user=User.objects.get(username="department"), name="bench", by=None)
    return text


# --- Measuring ---------------------------------------------------------------------------------


class Api:
    def __init__(self, token: str):
        from django.test import Client

        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def get(self, path: str, **headers) -> tuple[float, int, object]:
        """(seconds, queries, response) for one request."""
        from django.db import connection, reset_queries
        from django.test.utils import CaptureQueriesContext

        reset_queries()  # the log keeps 9,000 queries at most; count from an empty one
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = self.client.get(path, **headers)
            elapsed = time.perf_counter() - started
        if response.status_code not in (200, 304):
            sys.exit(f"{path}: {response.status_code} {response.content[:300]!r}")
        return elapsed, len(queries), response


def summary(label: str, times: list[float], queries: set[int], unit: str = "requests") -> None:
    ms = sorted(t * 1000 for t in times)
    emit("api", label.strip(), times_ms=ms, queries=queries, floor=FLOOR)
    p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
    rate = len(times) / sum(times)
    print(
        f"{label:<44} {rate:8.1f} {unit}/s   p50 {statistics.median(ms):7.1f} ms   "
        f"p95 {p95:7.1f} ms   max {ms[-1]:7.1f} ms   queries {'/'.join(map(str, sorted(queries)))}"
        f"   (n={len(times)})"
    )


def walk(api: Api, page_size: int) -> tuple[list[float], set[int], int]:
    """The whole LAO list in full pages, following `next`."""
    url, times, queries, laos = f"/api/v1/laos/?page_size={page_size}", [], set(), 0
    while url:
        elapsed, count, response = api.get(url)
        body = response.json()
        if body["next"] or not times:  # full pages only (unless there is just one)
            times.append(elapsed)
            queries.add(count)
        laos += len(body["results"])
        url = body["next"]
    return times, queries, laos


def repeat(api: Api, path: str, n: int, warmup: int = 2, **headers):
    for _ in range(warmup):
        api.get(path, **headers)
    results = [api.get(path, **headers) for _ in range(n)]
    return [r[0] for r in results], {r[1] for r in results}, results[-1][2]


def measure(token: str, n: int) -> None:
    from records.models import LAO

    api = Api(token)
    api.get("/api/v1/laos/")  # warm-up, and records the token's use once
    times, queries, _response = repeat(api, "/healthz", n)
    summary(FLOOR, times, queries)
    print()
    print("LAO list, walked end to end in full pages")
    for size in (100, 500):
        times, queries, laos = walk(api, size)
        summary(f"  /laos/ page_size={size}", times, queries, "pages")
        print(f"{'':46}{laos / sum(times):8.0f} LAOs/s; {laos:,} LAOs in all")
    print()
    print("Queries per request do not grow with the page size")
    for size in (50, 500):
        _elapsed, count, response = api.get(f"/api/v1/laos/?page_size={size}")
        rows = len(response.json()["results"])
        print(f"  /laos/?page_size={size:<4} {count} queries for {rows} LAOs")
    print()
    print("Completeness aggregate")
    for path in (
        "/api/v1/completeness/?level=province",
        "/api/v1/completeness/?level=district&parent=67",
        "/api/v1/completeness/?level=lao&parent=67",
        "/api/v1/completeness/?level=lao&page_size=1000",
    ):
        times, queries, _response = repeat(api, path, n)
        summary("  " + path.removeprefix("/api/v1"), times, queries)
    print()
    print("Others")
    code = (
        LAO.objects.filter(records__filled_count__gt=0)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    for path in (f"/api/v1/laos/{code}/", "/api/v1/circulars/"):
        times, queries, _response = repeat(api, path, n)
        summary("  " + path.removeprefix("/api/v1"), times, queries)
    for path in ("/api/v1/laos/?province=67", "/api/v1/completeness/?level=province"):
        etag = api.get(path)[2]["ETag"]
        times, queries, response = repeat(api, path, n, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304
        summary("  " + path.removeprefix("/api/v1") + " → 304", times, queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args()
    use_json(args.json)
    os.environ["API_RATE_LIMIT"] = "1000000/minute"  # measure the API, not the limiter
    run_on_throwaway(
        lambda: measure(seed(args.provinces), args.requests),
        keep=args.keep,
        prefix="lgdata-bench-api-",
        test_environment=True,
    )


if __name__ == "__main__":
    main()
