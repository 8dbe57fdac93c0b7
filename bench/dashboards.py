"""Benchmark: the oversight dashboards on the whole country, against a floor measured in the run.

    DEBUG=1 .venv/bin/python -m bench.dashboards [--requests 30] [--warmup 3] [--provinces 67,81]
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/lgdata_bench \\
        .venv/bin/python -m bench.dashboards

Setup: migrates a fresh database, seeds the whole country with `seed_demo` (~7,850 LAOs, the
demo users and two fiscal years of sample records with every section), then opens a round of
the current fiscal year for every LAO (started 40 days ago, deadline in a week) and sets a
realistic mix in bulk: of the LAOs whose record is complete, most have submitted (a few
returned, half of the rest approved by the district or the province), with a Transition for
each submission (the burn-up reads them); four in five acknowledged the circular; a daily
snapshot is taken (`snapshots_take`, timed). On PostgreSQL the tables are then ANALYZEd, as
autovacuum would do after the bulk load.

Measured with Django's test Client, logged in as the demo users, each page --requests times
after --warmup warm-up requests: p50, p95 and max server time (ms) and the query count
(checked equal on every request):
  - /national/ (department), /national/ (executive), /province/67/, /district/6701/,
    /national/fields/, /national/progress/, and the national CSV download;
  - /national/ and /national/fields/ again with a clerk's section save (through section_save,
    not timed) before each request: the stored roll-ups and the figures kept in the cache
    change between requests, as under a surge; then the stored roll-ups are checked equal to
    the records.

The floor, measured in the same run: the national figures (per province: LAOs, LAOs in the
round, each status, required and filled fields) computed from scratch by ONE raw SQL query over
the per-section completeness rows (records_sectionentry joined to the record, the LAO, its
district and its participation), with no summary table and no cache. Its result is checked
equal to the page's figures; the last lines print the ratio of the national page's p95 to the
floor's p95 and the targets (p95 < 150 ms, ratio < 3) as PASS/FAIL text (exit code 0 either way).

It runs on a throwaway SQLite file under /tmp, or on the DATABASE_URL it is given (its name
must contain "bench"; it is created, and dropped at the end unless --keep), and refuses the
development database var/db.sqlite3.
"""

import datetime
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.throwaway import command_line, emit, python_peak_mb, seed_national, step

TARGET_MS = 150.0
TARGET_RATIO = 3.0
FLOOR = "floor: one raw SQL over section entries"
# The targets of the deadline surge work (docs/PERFORMANCE.md), shown beside the figures.
TARGETS = {
    "national (department)": "p95 < 25 ms",
    "fields (whole country)": "p95 < 150 ms",
}
SEED = 2569


# --- The throwaway database --------------------------------------------------------------------


# --- National data: the seed, a round, a mix of statuses ---------------------------------------


def seed(provinces: str | None) -> None:

    from records.models import LAO, Record, SectionEntry

    seed_national(provinces)
    print(
        f"  {LAO.objects.count():,} LAOs, {Record.objects.count():,} records, "
        f"{SectionEntry.objects.count():,} section entries"
    )


def open_round(today: datetime.date):
    """A department circular and its round for every LAO, with a realistic mix of states."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from accounts.models import User
    from deadlines import progress_rollups
    from deadlines.models import Circular, RoundLAO, Transition
    from deadlines.services import circular_create, round_open
    from lgdata.thai import fiscal_year_of
    from records import rollups
    from records.models import Record

    rng = random.Random(SEED)
    year = fiscal_year_of(today)
    start = today - datetime.timedelta(days=40)
    with transaction.atomic():
        circular = circular_create(
            level=Circular.Level.DEPARTMENT,
            reference="มท ๐๘๑๖.๒/ว ๙๙๙๙",
            date=start,
            subject="การปรับปรุงข้อมูลกลางองค์กรปกครองส่วนท้องถิ่น (bench)",
            by=None,
            deadline=today + datetime.timedelta(days=7),
        )
        round_ = round_open(
            circular=circular,
            fiscal_year=year,
            section_codes=["population", "finance_revenue"],
            deadline=today + datetime.timedelta(days=7),
            lock_date=today + datetime.timedelta(days=30),
        )
        complete = set(
            Record.objects.filter(
                fiscal_year=year, filled_count__gte=F("required_count")
            ).values_list("lao_id", flat=True)
        )
        clerk = User.objects.filter(role="clerk").first()
        officer = User.objects.filter(role="district").first()
        updates, transitions = [], []
        for participant in RoundLAO.objects.filter(round=round_):
            if rng.random() < 0.8:
                participant.acknowledged_at = timezone.make_aware(
                    datetime.datetime.combine(
                        start + datetime.timedelta(days=rng.randint(0, 10)), datetime.time(10)
                    )
                )
            if participant.lao_id in complete and rng.random() < 0.85:
                at = timezone.make_aware(
                    datetime.datetime.combine(
                        start + datetime.timedelta(days=rng.randint(3, 40)), datetime.time(14)
                    )
                )
                participant.submitted_at, participant.on_time = at, True
                draw = rng.random()
                participant.state = (
                    RoundLAO.State.RETURNED
                    if draw < 0.06
                    else RoundLAO.State.DISTRICT_APPROVED
                    if draw < 0.4
                    else RoundLAO.State.APPROVED
                    if draw < 0.55
                    else RoundLAO.State.SUBMITTED
                )
                transitions.append(
                    Transition(
                        participant=participant,
                        from_state="open",
                        to_state="submitted",
                        by=clerk,
                        at=at,
                    )
                )
                if participant.state != RoundLAO.State.SUBMITTED:
                    transitions.append(
                        Transition(
                            participant=participant,
                            from_state="submitted",
                            to_state=participant.state,
                            by=officer,
                            at=at + datetime.timedelta(hours=20),
                        )
                    )
            updates.append(participant)
        RoundLAO.objects.bulk_update(
            updates, ["state", "submitted_at", "on_time", "acknowledged_at"], batch_size=1000
        )
        Transition.objects.bulk_create(transitions, batch_size=2000)
        # Approvals written in bulk, past the workflow: the key figures' roll-ups count them,
        # and the dashboards' progress counts every state.
        rollups.rebuild([year])
        progress_rollups.rebuild([year])
    counts = {}
    for state in RoundLAO.objects.filter(round=round_).values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    print(f"  round {round_.pk} (FY {year}, deadline {round_.deadline}): {counts}")
    return round_


# --- Timing ------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def timed(action: Callable, *, requests: int, warmup: int) -> tuple[list[float], set[int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        action()
    times, counts = [], set()
    for _ in range(requests):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            action()
            times.append((time.perf_counter() - started) * 1000)
        counts.add(len(queries.captured_queries))
    return times, counts


def report(label: str, times: list[float], counts: set[int], action=None, **figures) -> float:
    """Prints one item; with --json also writes it (`action` run once more for its peak
    memory, `figures` such as floor= and target= passed on to bench.throwaway.emit)."""
    p95 = percentile(times, 0.95)
    peak = python_peak_mb(action) if action is not None else None
    emit(Path(sys.argv[0]).stem, label, times_ms=times, queries=counts, peak_mb=peak, **figures)
    queries = ", ".join(map(str, sorted(counts)))
    print(
        f"{label:<44} p50 {percentile(times, 0.5):7.1f}  p95 {p95:7.1f}  max {max(times):7.1f} ms"
        f"   queries {queries}"
    )
    return p95


FLOOR_SQL = """
WITH per_lao AS (
    SELECT l.id AS lao_id, d.province_id AS province,
           SUM(e.required_count) AS required, SUM(e.filled_count) AS filled
    FROM records_lao l
    JOIN records_district d ON d.code = l.district_id
    LEFT JOIN records_record r ON r.lao_id = l.id AND r.fiscal_year = %(year)s
    LEFT JOIN records_sectionentry e ON e.record_id = r.id
    WHERE (l.active_from IS NULL OR l.active_from <= %(today)s)
      AND (l.active_until IS NULL OR l.active_until >= %(today)s)
    GROUP BY l.id, d.province_id
)
SELECT t.province,
       COUNT(*),
       COUNT(p.id),
       SUM(CASE WHEN p.id IS NOT NULL AND p.state NOT IN ('approved', 'district_approved',
                'submitted') AND NOT %(overdue)s AND p.state <> 'returned'
                AND COALESCE(t.filled, 0) = 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN p.id IS NOT NULL AND p.state NOT IN ('approved', 'district_approved',
                'submitted') AND NOT %(overdue)s AND p.state <> 'returned'
                AND COALESCE(t.filled, 0) > 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN p.state = 'submitted' AND p.on_time THEN 1 ELSE 0 END),
       SUM(CASE WHEN p.state = 'submitted' AND NOT COALESCE(p.on_time, FALSE) THEN 1 ELSE 0 END),
       SUM(CASE WHEN p.state = 'returned' AND NOT %(overdue)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN p.state IN ('approved', 'district_approved') THEN 1 ELSE 0 END),
       SUM(CASE WHEN p.id IS NOT NULL AND p.state IN ('open', 'returned') AND %(overdue)s
                THEN 1 ELSE 0 END),
       COALESCE(SUM(t.required), 0),
       COALESCE(SUM(t.filled), 0)
FROM per_lao t
LEFT JOIN deadlines_roundlao p ON p.lao_id = t.lao_id AND p.round_id = %(round)s
GROUP BY t.province
ORDER BY t.province
"""


def floor(round_, today: datetime.date) -> list[tuple]:
    """The national figures per province from scratch: one raw query over the section rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            FLOOR_SQL,
            {
                "year": round_.fiscal_year,
                "today": today,
                "round": round_.pk,
                "overdue": round_.is_overdue(today),
            },
        )
        return [tuple(int(v) if not isinstance(v, str) else v for v in row) for row in cursor]


def page_figures(round_, today: datetime.date) -> list[tuple]:
    from dashboards import figures
    from records.models import LAO

    rows = figures.area_rows(
        level="province",
        parent_code=None,
        laos=LAO.objects.active_on(today),
        round=round_,
        fiscal_year=round_.fiscal_year,
        today=today,
    )
    return [
        (r.code, r.laos, r.participants, *r.status_counts.values(), r.required, r.filled)
        for r in rows
        if r.laos
    ]


def run(args) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from dashboards.snapshots import snapshots_take

    seed(args.provinces)
    today = timezone.localdate()
    round_ = step("open a round with a mix of statuses", lambda: open_round(today))
    step("snapshot_progress (one day)", lambda: snapshots_take(day=today, rounds=[round_]))
    if connection.vendor == "postgresql":
        # What autovacuum does within a minute of a bulk load; without it the planner still
        # believes the tables empty and scans them whole.
        with connection.cursor() as cursor:
            step("ANALYZE (PostgreSQL)", lambda: cursor.execute("ANALYZE"))

    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["district", "province", "department", "executive"]
        )
    }
    clients = {}
    for name, user in users.items():
        clients[name] = Client(SERVER_NAME="localhost")  # in ALLOWED_HOSTS with DEBUG on
        clients[name].force_login(user)

    r = f"?round={round_.pk}"
    pages = [
        ("national (department)", "department", f"/national/{r}"),
        ("national (executive)", "executive", f"/national/{r}"),
        ("national, type sao only", "department", f"/national/{r}&type=sao"),
        ("province 67", "province", f"/province/67/{r}"),
        ("district 6701", "district", f"/district/6701/{r}"),
        (
            "district 6701, sorted, below 50%",
            "district",
            f"/district/6701/{r}&sort=-completeness&below=50",
        ),
        ("fields (whole country)", "department", f"/national/fields/?year={round_.fiscal_year}"),
        ("progress (nation)", "department", f"/national/progress/{r}"),
        ("national CSV download", "department", f"/national/{r}&download=csv"),
    ]
    print(f"\n{connection.vendor}: {args.requests} requests after {args.warmup} warm-up")
    results = {}
    for label, who, url in pages:
        client = clients[who]

        def get(client=client, url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)

        times, counts = timed(get, requests=args.requests, warmup=args.warmup)
        results[label] = report(label, times, counts, get, floor=FLOOR, target=TARGETS.get(label))

    # The same pages while clerks save: a section saved (through section_save, not timed)
    # before each request, so the stored roll-ups, the burn-up and the field-level view's
    # figures in the cache change between requests as they do under a surge.
    from bench.key_figures import saver
    from deadlines import progress_rollups

    save = saver(round_.fiscal_year)
    for label, who, url in (
        ("national (saves between)", "department", f"/national/{r}"),
        ("fields (saves between)", "department", f"/national/fields/?year={round_.fiscal_year}"),
    ):
        client = clients[who]

        def get(client=client, url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        times, counts = [], set()
        for i in range(args.warmup + args.requests):
            save()
            one, count = timed(get, requests=1, warmup=0)
            if i >= args.warmup:
                times += one
                counts |= count
        results[label] = report(label, times, counts)
    wrong = progress_rollups.differences([round_.fiscal_year])
    print(f"stored progress after the saves: {'equal to the records' if not wrong else 'DIFFER'}")

    expected = page_figures(round_, today)
    got = floor(round_, today)
    if got != expected:
        print("FLOOR MISMATCH: the raw query and the page disagree")
        for a, b in zip(got, expected, strict=False):
            if a != b:
                print("  floor", a, "\n  page ", b)
                break
    else:
        print(f"floor figures equal the page's ({len(got)} provinces)")
    times, _counts = timed(lambda: floor(round_, today), requests=args.requests, warmup=args.warmup)
    floor_p95 = report(FLOOR, times, {1}, lambda: floor(round_, today))

    national = results["national (department)"]
    ratio = national / floor_p95
    print(
        f"\nnational p95 {national:.1f} ms (target < {TARGET_MS:.0f}): "
        f"{'PASS' if national < TARGET_MS else 'FAIL'}"
    )
    print(
        f"ratio to the floor {ratio:.2f} (target < {TARGET_RATIO:.0f}): "
        f"{'PASS' if ratio < TARGET_RATIO else 'FAIL'}"
    )


def main() -> None:
    command_line(__doc__.split("\n\n")[0], run)


if __name__ == "__main__":
    main()
