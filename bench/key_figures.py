"""Benchmark: the key figures on the whole country, against a floor measured in the run.

    DEBUG=1 .venv/bin/python -m bench.key_figures [--requests 30] [--warmup 3] [--provinces 67,81]
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/lgdata_bench \\
        .venv/bin/python -m bench.key_figures

Setup as bench/dashboards.py (whose seed and round it reuses): a throwaway database, `seed_demo`
for the whole country (~7,850 LAOs, two fiscal years of records with every section), a round of
the current fiscal year with a realistic mix of approvals.

Measured with Django's test Client (pages, as the executive) and an API token (department),
each --requests times after --warmup warm-up requests, p50 / p95 / max and the query count:
  - /figures/ (every indicator by province, this year and last), warm;
  - /api/v1/indicators/own_revenue_per_person/values/?level=province, warm;
  - the same two while clerks save: before each request (not timed) one section_save changes
    the population of an LAO whose record is open, so the stored roll-ups change between
    requests (records/rollups.py); the area figures are read from them, never from a cache;
    also the CPU time of the benchmark's process per request (on SQLite, the database's too),
    which a loaded machine inflates less than the wall time;
  - the same two cold (the cache cleared before each request);
  - /figures/population/, /figures/?province=67, /figures/?district=6701, an LAO's profile.
After the saves the stored roll-ups are compared with the from-scratch computation
(``rollups.differences``): they must be equal.
Query counts at two scales: the cold national page and API call are counted again after every
LAO outside province 67 is closed (active_until yesterday), so the same code reads ~1.5 % of
the LAOs; the counts must be equal.

The floor, in the same run: the population of every province from ONE raw SQL query that sums
the JSON values of the population section (json_extract on SQLite, ->> on PostgreSQL), PAOs
left out, no cache. Its result is checked equal to the page's population figures. The last
lines print the ratio of the warm national page's p95 to the floor's, and the target (p95 under
150 ms) as PASS/FAIL text (exit code 0 either way).
"""

import datetime
import gc
import time


class _GCClock:
    """The time this process spends in Python's garbage collector, from gc.callbacks."""

    def __init__(self) -> None:
        self.spent, self._started = 0.0, 0.0
        gc.callbacks.append(self)

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.spent += time.perf_counter() - self._started


gc_clock = _GCClock()

from bench.dashboards import open_round, percentile, report, seed, timed  # noqa: E402
from bench.throwaway import command_line, step  # noqa: E402

TARGET_MS = 150.0
FLOOR = "floor: one raw SQL over the JSON values"

FLOOR_SQL = {
    "sqlite": """
        SELECT d.province_id, SUM(CAST(json_extract(e."values", '$.population_total') AS INTEGER))
        FROM records_sectionentry e
        JOIN records_section s ON s.id = e.section_id AND s.code = 'population'
        JOIN records_record r ON r.id = e.record_id AND r.fiscal_year = %(year)s
        JOIN records_lao l ON l.id = r.lao_id AND l.type <> 'pao'
        JOIN records_district d ON d.code = l.district_id
        WHERE json_extract(e."values", '$.population_total') NOT IN ('NA', '')
        GROUP BY d.province_id ORDER BY d.province_id
    """,
    "postgresql": """
        SELECT d.province_id, SUM((e."values"->>'population_total')::numeric)::bigint
        FROM records_sectionentry e
        JOIN records_section s ON s.id = e.section_id AND s.code = 'population'
        JOIN records_record r ON r.id = e.record_id AND r.fiscal_year = %(year)s
        JOIN records_lao l ON l.id = r.lao_id AND l.type <> 'pao'
        JOIN records_district d ON d.code = l.district_id
        WHERE e."values"->>'population_total' NOT IN ('NA', '')
        GROUP BY d.province_id ORDER BY d.province_id
    """,
}


def floor(year: int) -> list[tuple[str, int]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL[connection.vendor], {"year": year})
        return [(code, int(total)) for code, total in cursor]


def page_population(year: int, today: datetime.date) -> list[tuple[str, int]]:
    from dashboards import key_figures

    rows, _total = key_figures.area_table(level="province", year=year, today=today)
    return [
        (r.code, int(r.figures["population"].numerator))
        for r in rows
        if r.figures["population"].contributing
    ]


def saver(year: int):
    """A clerk's save of the population of an LAO whose record is open, a different LAO each
    time (round robin), the total one more each time; returns the function making one save."""
    import itertools

    from accounts.models import User
    from deadlines.models import RoundLAO
    from records.models import SectionEntry
    from records.services import EditBlockedError, section_save

    open_laos = RoundLAO.objects.filter(
        round__fiscal_year=year, state__in=[RoundLAO.State.OPEN, RoundLAO.State.RETURNED]
    ).values("lao_id")
    ids = list(
        SectionEntry.objects.filter(
            record__fiscal_year=year, section__code="population", record__lao__in=open_laos
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    clerk = User.objects.filter(role="clerk").first()
    turn = itertools.cycle(ids)

    def save() -> None:
        for _ in ids:  # an LAO closed by another round (submitted, locked) is passed over
            entry = SectionEntry.objects.select_related("record__lao", "section").get(pk=next(turn))
            total = int(entry.values.get("population_total") or 0) + 1
            try:
                section_save(
                    entry=entry,
                    values={"population_total": str(total)},
                    expected_version=entry.version,
                    by=clerk,
                )
                return
            except EditBlockedError:
                continue
        raise RuntimeError("no open record to save")

    return save


def run(args) -> None:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from api.services import token_issue
    from records import rollups
    from records.models import LAO

    seed(args.provinces)
    today = timezone.localdate()
    round_ = step("open a round with a mix of statuses", lambda: open_round(today))
    year = round_.fiscal_year
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            step("ANALYZE (PostgreSQL)", lambda: cursor.execute("ANALYZE"))
    # Measured as in a web worker, which freezes what it loaded at start (lgdata/wsgi.py): the
    # set-up's leftovers are not the portal's garbage to collect.
    gc.collect()
    gc.freeze()
    users = get_user_model().objects
    page = Client(SERVER_NAME="localhost")
    page.force_login(users.get(username="executive"))
    _token, text = token_issue(user=users.get(username="department"), name="bench", by=None)
    api = Client(SERVER_NAME="localhost", HTTP_AUTHORIZATION=f"Bearer {text}")
    lao = LAO.objects.filter(district_id="6701").order_by("code").first()
    api_url = f"/api/v1/indicators/own_revenue_per_person/values/?level=province&year={year}"
    requests = [
        ("national table (warm)", page, f"/figures/?year={year}", False),
        ("indicator by province, API (warm)", api, api_url, False),
        ("indicator page, population (warm)", page, f"/figures/population/?year={year}", False),
        ("province 67 districts (warm)", page, f"/figures/?year={year}&province=67", False),
        ("district 6701 LAOs (warm)", page, f"/figures/?year={year}&district=6701", False),
        ("LAO profile (warm)", page, f"/lao/{lao.code}/figures/?year={year}", False),
        ("national table (cold)", page, f"/figures/?year={year}", True),
        ("indicator by province, API (cold)", api, api_url, True),
    ]
    print(f"\n{connection.vendor}: {args.requests} requests after {args.warmup} warm-up")
    results, counts_at = {}, {}
    for label, client, url, cold in requests:

        def get(client=client, url=url, cold=cold):
            if cold:
                cache.clear()
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        n = max(3, args.requests // 5) if cold else args.requests
        times, counts = timed(get, requests=n, warmup=1 if cold else args.warmup)
        results[label] = report(label, times, counts, get, floor=FLOOR)
        counts_at[label] = counts

    save, saves = saver(year), 0
    for label, client, url in (
        ("national table (saves between)", page, f"/figures/?year={year}"),
        ("indicator by province, API (saves between)", api, api_url),
    ):
        times, cpu, collecting, counts = [], [], [], set()
        for i in range(args.warmup + args.requests):
            save()
            saves += 1
            with CaptureQueriesContext(connection) as queries:
                gc_clock.spent = 0.0
                started, used = time.perf_counter(), time.process_time()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                used = (time.process_time() - used) * 1000
            assert response.status_code == 200, (url, response.status_code)
            if i >= args.warmup:
                times.append(elapsed)
                cpu.append(used)
                collecting.append(gc_clock.spent * 1000)
                counts.add(len(queries.captured_queries))
        results[label] = report(label, times, counts)
        # This process's CPU time (on SQLite the database's too): what the request costs when
        # it does not wait for the other processes of a shared machine.
        print(
            f"{'  CPU time of this process':<44} p50 {percentile(cpu, 0.5):7.1f}  "
            f"p95 {percentile(cpu, 0.95):7.1f} ms"
        )
        # Python's garbage collector runs inside whichever request allocates past its
        # threshold; a full collection walks every object the process holds.
        print(
            f"{'  of which garbage collection':<44} p50 {percentile(collecting, 0.5):7.1f}  "
            f"p95 {percentile(collecting, 0.95):7.1f}  max {max(collecting):7.1f} ms"
        )
    wrong = rollups.differences([year])
    print(
        f"stored roll-ups after {saves} saves: "
        f"{'equal to the records' if not wrong else f'{len(wrong)} DIFFER'}"
    )

    expected = page_population(year, today)
    got = floor(year)
    print(
        f"floor figures {'equal' if got == expected else 'DIFFER FROM'} the page's "
        f"({len(got)} provinces)"
    )
    times, _counts = timed(lambda: floor(year), requests=args.requests, warmup=args.warmup)
    floor_p95 = report(FLOOR, times, {1}, lambda: floor(year))

    # The second scale: only province 67's LAOs exist today.
    yesterday = today - datetime.timedelta(days=1)
    closed = LAO.objects.exclude(district__province_id="67").update(active_until=yesterday)
    print(f"\nclosed {closed:,} LAOs outside province 67; {LAO.objects.active().count():,} left")
    for label, client, url, cold in requests:
        if not cold:
            continue

        def get(client=client, url=url):
            cache.clear()
            assert client.get(url).status_code == 200

        _times, counts = timed(get, requests=3, warmup=1)
        same = "same" if counts == counts_at[label] else "DIFFERENT"
        print(f"{label:<44} queries {sorted(counts)} at the small scale ({same})")

    national = results["national table (saves between)"]
    by_province = results["indicator by province, API (saves between)"]
    print(
        f"\nwith saves between requests: national table p95 {national:.1f} ms, indicator by "
        f"province p95 {by_province:.1f} ms (target < {TARGET_MS:.0f}): "
        f"{'PASS' if max(national, by_province) < TARGET_MS else 'FAIL'}"
    )
    print(f"ratio national table / floor (p95): {national / floor_p95:.2f}")
    print(f"p50 of the floor: {percentile(times, 0.5):.1f} ms")


def main() -> None:
    command_line(__doc__.split("\n\n")[0], run)


if __name__ == "__main__":
    main()
