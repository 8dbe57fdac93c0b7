"""Benchmark: a clerk's section GET and POST, and the LAO overview, on national-scale records.

    DEBUG=1 .venv/bin/python bench/section_save.py [--requests 200] [--warmup 5] [--keep]
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/lgdata_bench \\
        .venv/bin/python bench/section_save.py

Setup: migrates a fresh database (the schema is loaded by the post_migrate handler), seeds the
whole country with `seed_demo` (~7,850 LAOs and the demo users; DEBUG must be on for the users),
then bulk-inserts two fiscal years of records (the current one and the one before) for every
LAO with an entry for every section, ~60% of the applicable fields filled (numbers stored as
strings, as records.services stores them) and completeness counts and rules_pass consistent
with the values. No record is made through the services, so building takes seconds, not hours.

Measured, with Django's test Client logged in as the demo `clerk` on its own LAO, each for
--requests requests after --warmup warm-up requests:
  - GET of a small section (population, 11 fields) and a large one (economy, 21 fields);
  - POST of each with valid, changed values and the current version (read before each POST
    and not timed; values alternate so every POST changes something); each must redirect (302)
    to the section and raise its version by one;
  - GET of the LAO overview /lao/<code>/.
For each: p50, p95 and max server time (time around client.get/post, in ms) and the query
count, checked to be the same for the small and the large section.

The floor, measured in the same run, is the same reads and writes with bare ORM calls and no
request, form, template or checks: for a section GET the LAO, record, section, fields and
entry; for a POST one conditional UPDATE of the entry plus one ValueChange bulk_create in a
transaction; for the overview the LAO, its years, record, sections with fields, entries and
covered subdistricts. The last line compares the section POST p95 with the target "under
100 ms on SQLite" (PASS/FAIL as text; the exit code is 0 either way).

It runs on a throwaway SQLite file under /tmp, or on the DATABASE_URL it is given, and refuses
the development database var/db.sqlite3. Given a PostgreSQL URL, it creates that database
(dropping a leftover of the same name) and drops it at the end; the name must contain "bench".
"""

import argparse
import datetime
import io
import math
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

SMALL, LARGE = "population", "economy"
FILL = 0.6  # share of applicable fields with a value
CHUNK = 500  # LAOs built and inserted at a time
TARGET_MS = 100.0


# --- The throwaway database --------------------------------------------------------------------


def postgres_recreate(database_url: str) -> None:
    """Drops (if left over) and creates the benchmark's PostgreSQL database."""
    name = _postgres_name(database_url)
    with _postgres_admin(database_url) as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')


def postgres_drop(database_url: str) -> None:
    name = _postgres_name(database_url)
    with _postgres_admin(database_url) as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_name(database_url: str) -> str:
    name = urlsplit(database_url).path.lstrip("/")
    if "bench" not in name or '"' in name:
        sys.exit(
            f"Refusing to create or drop PostgreSQL database {name!r}: use a name with 'bench'."
        )
    return name


class _postgres_admin:
    """A cursor on the server's maintenance database "postgres", in autocommit."""

    def __init__(self, database_url: str) -> None:
        self.url = urlunsplit(urlsplit(database_url)._replace(path="/postgres"))

    def __enter__(self):
        import psycopg2

        self.connection = psycopg2.connect(self.url)
        self.connection.autocommit = True
        return self.connection.cursor()

    def __exit__(self, *exc) -> None:
        self.connection.close()


def setup_django(database_url: str | None) -> tuple[Path | None, str | None]:
    """Points Django at a throwaway database (never var/db.sqlite3) and migrates it.

    Returns the SQLite file or the PostgreSQL URL to remove at the end (None for neither)."""
    sqlite_file = postgres_url = None
    if not database_url:
        handle, name = tempfile.mkstemp(prefix="lgdata-bench-", suffix=".sqlite3", dir="/tmp")
        os.close(handle)
        sqlite_file = Path(name)
        database_url = f"sqlite:///{sqlite_file}"
    if str(BASE_DIR / "var" / "db.sqlite3") in database_url:
        sys.exit("Refusing to benchmark on the development database var/db.sqlite3.")
    if database_url.startswith(("postgres://", "postgresql://")):
        postgres_recreate(database_url)
        postgres_url = database_url
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("SECURE", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lgdata.settings")
    import django

    django.setup()
    from django.core.management import call_command

    print(f"database: {database_url}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate (geography and record schema): {time.perf_counter() - started:.1f} s")
    return sqlite_file, postgres_url


def cleanup(sqlite_file: Path | None, postgres_url: str | None) -> None:
    from django.db import connections

    connections.close_all()
    if sqlite_file:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
    if postgres_url:
        postgres_drop(postgres_url)


# --- National-scale data -----------------------------------------------------------------------


def seed_country() -> None:
    """seed_demo for the whole country (its table goes to a buffer, not the screen)."""
    from django.core.management import call_command

    from records.models import LAO

    started = time.perf_counter()
    call_command("seed_demo", stdout=io.StringIO())
    seconds = time.perf_counter() - started
    print(f"seed_demo (whole country, demo users): {LAO.objects.count():,} LAOs in {seconds:.1f} s")


def _stored(text: str) -> str:
    """A number as the services store it: "12.50" -> "12.5", "3.00" -> "3"."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def random_value(f, rng: random.Random, year: int):
    """A plausible stored value for one field (numbers within the field's bounds)."""
    kind = f.type
    if f.is_numeric:
        low = float(f.min_value if f.min_value is not None else 0)
        high = max(low, min(float(f.max_value if f.max_value is not None else 1e4), 2e4))
        if kind == "integer":
            return str(rng.randint(int(low), int(high)))
        return _stored(f"{rng.uniform(low, high):.2f}")
    if kind == "choice":
        return rng.choice(f.choices)["value"]
    if kind == "date":
        return datetime.date(year - 544, rng.randint(10, 12), rng.randint(1, 28)).isoformat()
    if kind == "boolean":
        return rng.random() < 0.5
    return f"ข้อมูลตัวอย่าง {rng.randint(1, 999)}"


@dataclass
class SchemaPlan:
    """Per section: its fields for each LAO type, and its rules (read once)."""

    sections: list
    fields: dict[tuple[int, str], list] = field(default_factory=dict)
    rules: dict[int, list] = field(default_factory=dict)


def schema_plan():
    from records.models import LAO
    from records.schema import current_schema
    from records.services import applicable_fields

    schema = current_schema()
    sections = list(schema.sections.prefetch_related("fields", "rules"))
    plan = SchemaPlan(sections=sections)
    for section in sections:
        plan.rules[section.pk] = list(section.rules.all())
        for lao_type in LAO.Type.values:
            plan.fields[section.pk, lao_type] = applicable_fields(section, lao_type)
    return schema, plan


def lao_entries(plan: SchemaPlan, lao_type: str, year: int, rng: random.Random, now) -> list:
    """Unsaved SectionEntry objects (no record yet) for one LAO and year."""
    from records.models import SectionEntry
    from records.services import completeness, failing_rules

    entries = []
    for section in plan.sections:
        fields = plan.fields[section.pk, lao_type]
        values = {f.code: random_value(f, rng, year) for f in fields if rng.random() < FILL}
        required, filled = completeness(fields, values)
        entries.append(
            SectionEntry(
                section=section,
                values=values,
                version=1 if values else 0,
                required_count=required,
                filled_count=filled,
                rules_pass=not failing_rules(plan.rules[section.pk], values),
                updated_at=now - datetime.timedelta(days=rng.randint(1, 300)) if values else None,
            )
        )
    return entries


def build_records(years: tuple[int, ...], seed: int = 2569) -> None:
    """Bulk-inserts a record per LAO and year, each with an entry per section."""
    from django.db import transaction
    from django.utils import timezone

    from records.models import LAO, Record, SectionEntry

    rng = random.Random(seed)
    schema, plan = schema_plan()
    laos = list(LAO.objects.order_by("pk").values_list("pk", "type"))
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        for year in years:
            for start in range(0, len(laos), CHUNK):
                chunk = laos[start : start + CHUNK]
                per_lao = [lao_entries(plan, t, year, rng, now) for _pk, t in chunk]
                records = [
                    Record(
                        lao_id=pk,
                        fiscal_year=year,
                        schema=schema,
                        required_count=sum(e.required_count for e in entries),
                        filled_count=sum(e.filled_count for e in entries),
                        updated_at=max(
                            (e.updated_at for e in entries if e.updated_at), default=None
                        ),
                    )
                    for (pk, _t), entries in zip(chunk, per_lao, strict=True)
                ]
                records = _with_pks(Record.objects.bulk_create(records), year)
                for record, entries in zip(records, per_lao, strict=True):
                    for entry in entries:
                        entry.record = record
                SectionEntry.objects.bulk_create([e for es in per_lao for e in es], batch_size=2000)
    seconds = time.perf_counter() - started
    print(
        f"records built with bulk_create: {Record.objects.count():,} records, "
        f"{SectionEntry.objects.count():,} section entries ({len(plan.sections)} sections, "
        f"years {', '.join(map(str, years))}) in {seconds:.1f} s; maxrss {maxrss_mb():.0f} MB"
    )


def _with_pks(records: list, year: int) -> list:
    """The records with their ids (filled in by bulk_create where the database returns them)."""
    from records.models import Record

    if all(r.pk for r in records):
        return records
    ids = dict(
        Record.objects.filter(fiscal_year=year, lao_id__in=[r.lao_id for r in records]).values_list(
            "lao_id", "pk"
        )
    )
    for record in records:
        record.pk = ids[record.lao_id]
    return records


# --- Measuring ---------------------------------------------------------------------------------


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Stats:
    label: str
    times_ms: list[float]
    queries: Counter

    def pct(self, share: float) -> float:
        """Nearest-rank percentile."""
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)]

    @property
    def query_text(self) -> str:
        counts = sorted(self.queries)
        return str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"


def measure(
    label: str,
    run: Callable,
    *,
    n: int,
    warmup: int,
    prepare: Callable[[int], object] = lambda i: None,
    check: Callable[[object, object], None] = lambda result, prepared: None,
) -> Stats:
    """Times run(prepared) n times after warm-ups; prepare and check are not timed."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    stats = Stats(label, [], Counter())
    for i in range(warmup + n):
        prepared = prepare(i)
        reset_queries()  # DEBUG keeps at most 9,000 queries; count from an empty log
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = run(prepared)
            elapsed = time.perf_counter() - started
        check(result, prepared)
        if i >= warmup:
            stats.times_ms.append(elapsed * 1000)
            stats.queries[len(queries)] += 1
    return stats


# --- What is measured: the portal through the test Client --------------------------------------


@dataclass
class Target:
    """The clerk's LAO, the measured year and a section with its entry and applicable fields."""

    lao: object
    year: int
    section: object
    entry_id: int
    fields: list

    @property
    def url(self) -> str:
        return f"/lao/{self.lao.code}/{self.year}/{self.section.code}/"


def make_target(lao, year: int, section_code: str) -> Target:
    from records.models import SectionEntry
    from records.services import applicable_fields

    entry = SectionEntry.objects.select_related("section").get(
        record__lao=lao, record__fiscal_year=year, section__code=section_code
    )
    fields = applicable_fields(entry.section, lao.type)
    return Target(lao, year, entry.section, entry.pk, fields)


def current_version(target: Target) -> int:
    from records.models import SectionEntry

    return SectionEntry.objects.values_list("version", flat=True).get(pk=target.entry_id)


def form_values(target: Target, variant: int) -> dict[str, str]:
    """Valid form input for every field, as a clerk types it; variant 0 and 1 differ in every
    field but a rule-derived one. Sum rules hold (a total is the sum of its parts, or the last
    part makes up a total another rule fixed), so the save draws no warning."""
    data = {}
    for f in target.fields:
        if f.is_numeric:
            data[f.code] = 100 + variant
        elif f.type == "choice":
            data[f.code] = f.choices[variant % len(f.choices)]["value"]
        elif f.type == "date":
            data[f.code] = f"{1 + variant}/10/{target.year - 1}"
        elif f.type == "boolean":
            data[f.code] = ("yes", "no")[variant]
        else:
            data[f.code] = f"ข้อความ {variant}"
    fixed: set[str] = set()
    for rule in target.section.rules.all():
        parts, total = rule.params.get("parts"), rule.params.get("total")
        if rule.kind != "sum" or total not in data or any(p not in data for p in parts):
            continue
        if total in fixed:
            data[parts[-1]] = data[total] - sum(data[p] for p in parts[:-1])
        else:
            data[total] = sum(data[p] for p in parts)
            fixed.add(total)
    return {code: f"{v:,}" if isinstance(v, int) else v for code, v in data.items()}


def measure_get(client, url: str, label: str, n: int, warmup: int) -> Stats:
    def check(response, _prepared) -> None:
        if response.status_code != 200:
            sys.exit(f"GET {url} answered {response.status_code}, not 200")

    return measure(label, client.get, n=n, warmup=warmup, prepare=lambda i: url, check=check)


def measure_post(client, target: Target, n: int, warmup: int) -> Stats:
    """POSTs with the current version; each must redirect to the section and bump the version."""
    values = [form_values(target, 0), form_values(target, 1)]

    def prepare(i: int) -> tuple[int, dict]:
        version = current_version(target)
        return version, {"version": str(version), **values[i % 2]}

    def run(prepared):
        return client.post(target.url, prepared[1])

    def check(response, prepared) -> None:
        client.cookies.pop("messages", None)  # the redirect is not followed; drop its messages
        version = current_version(target)
        if response.status_code != 302 or response["Location"] != target.url:
            sys.exit(f"POST {target.url} answered {response.status_code}, not a 302 to the form")
        if version != prepared[0] + 1:
            sys.exit(f"POST {target.url} left version {version}, expected {prepared[0] + 1}")

    label = f"POST {target.section.code} ({len(target.fields)} fields)"
    return measure(label, run, n=n, warmup=warmup, prepare=prepare, check=check)


# --- The floor: the same reads and writes with bare ORM calls ----------------------------------


def floor_section_get(target: Target) -> None:
    from records.models import LAO, Field, Record, Section, SectionEntry

    lao = LAO.objects.select_related("district__province").get(code=target.lao.code)
    record = Record.objects.get(lao=lao, fiscal_year=target.year)
    section = Section.objects.get(schema_id=record.schema_id, code=target.section.code)
    list(Field.objects.filter(section=section))
    SectionEntry.objects.get(record=record, section=section)


def floor_overview(lao_code: str, year: int) -> None:
    from records.models import LAO, Record, Section, SectionEntry

    lao = LAO.objects.select_related("district__province", "office_subdistrict").get(code=lao_code)
    list(Record.objects.filter(lao=lao).values_list("fiscal_year", flat=True))
    record = Record.objects.get(lao=lao, fiscal_year=year)
    list(Section.objects.filter(schema_id=record.schema_id).prefetch_related("fields"))
    list(SectionEntry.objects.filter(record=record))
    list(lao.subdistricts.all())


def measure_floor_post(target: Target, by, n: int, warmup: int) -> Stats:
    """One conditional UPDATE of the entry and one bulk_create of its changes, in a transaction."""
    from django.db import transaction
    from django.utils import timezone

    from records.models import SectionEntry, ValueChange

    record_id = SectionEntry.objects.values_list("record_id", flat=True).get(pk=target.entry_id)
    stored = [
        {code: value.replace(",", "") for code, value in form_values(target, v).items()}
        for v in (0, 1)
    ]

    def prepare(i: int) -> tuple[int, dict, dict]:
        version, old = SectionEntry.objects.values_list("version", "values").get(pk=target.entry_id)
        return version, old, stored[i % 2]

    def run(prepared) -> int:
        version, old, new = prepared
        now = timezone.now()
        with transaction.atomic():
            updated = SectionEntry.objects.filter(pk=target.entry_id, version=version).update(
                values=new, version=version + 1
            )
            ValueChange.objects.bulk_create(
                ValueChange(
                    record_id=record_id,
                    section_id=target.section.pk,
                    field_code=code,
                    old_value=old.get(code),
                    new_value=value,
                    changed_at=now,
                    changed_by=by,
                )
                for code, value in new.items()
                if old.get(code) != value
            )
        return updated

    def check(updated, _prepared) -> None:
        if updated != 1:
            sys.exit("floor POST updated no row: the version read before it was stale")

    label = f"floor POST {target.section.code}"
    return measure(label, run, n=n, warmup=warmup, prepare=prepare, check=check)


# --- Report ------------------------------------------------------------------------------------


def print_table(rows: list[tuple[Stats, Stats]]) -> None:
    header = (
        f"{'operation':<32} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>7}"
        f" | {'floor p50':>9} {'floor p95':>9} {'fl. q':>5} | {'x p50':>6} {'x p95':>6}"
    )
    print(header)
    print("-" * len(header))
    for stats, floor in rows:
        print(
            f"{stats.label:<32} {len(stats.times_ms):>4} {stats.pct(0.5):>8.1f} "
            f"{stats.pct(0.95):>8.1f} {max(stats.times_ms):>8.1f} {stats.query_text:>7}"
            f" | {floor.pct(0.5):>9.2f} {floor.pct(0.95):>9.2f} {floor.query_text:>5}"
            f" | {stats.pct(0.5) / floor.pct(0.5):>5.1f}x {stats.pct(0.95) / floor.pct(0.95):>5.1f}x"
        )


def same_queries(small: Stats, large: Stats) -> str:
    same = small.queries.keys() == large.queries.keys() and len(small.queries) == 1
    verdict = "same" if same else "DIFFERENT"
    return f"{verdict} ({small.query_text} for {SMALL}, {large.query_text} for {LARGE})"


def python_peak_mb(func: Callable) -> float:
    """Peak of Python allocations while func runs (tracemalloc slows it; timed separately)."""
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    finally:
        tracemalloc.stop()


# --- Main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="Timed requests per operation.")
    parser.add_argument("--warmup", type=int, default=5, help="Untimed requests before them.")
    parser.add_argument("--keep", action="store_true", help="Keep the database at the end.")
    args = parser.parse_args()
    n, warmup = max(1, args.requests), max(0, args.warmup)

    sqlite_file, postgres_url = setup_django(os.environ.get("DATABASE_URL"))
    import django
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from lgdata.thai import fiscal_year_of

    this_year = fiscal_year_of(timezone.localdate())
    seed_country()
    build_records((this_year - 1, this_year))

    clerk = User.objects.select_related("lao").get(username="clerk")
    lao = clerk.lao
    small, large = (make_target(lao, this_year, code) for code in (SMALL, LARGE))
    client = Client(SERVER_NAME="localhost")  # in ALLOWED_HOSTS with DEBUG on
    client.force_login(clerk)
    print(
        f"{connection.vendor}; Python {sys.version.split()[0]}; Django {django.get_version()}; "
        f"DEBUG={settings.DEBUG}; {os.cpu_count()} CPUs; clerk's LAO {lao.code} {lao} "
        f"({lao.type}); fiscal year {this_year}; {n} requests each after {warmup} warm-ups"
    )
    print()

    overview_url = f"/lao/{lao.code}/"
    rows = []
    for target in (small, large):
        label = f"GET {target.section.code} ({len(target.fields)} fields)"
        real = measure_get(client, target.url, label, n, warmup)
        floor = measure(
            f"floor {label}", floor_section_get, n=n, warmup=warmup, prepare=lambda i, t=target: t
        )
        rows.append((real, floor))
    for target in (small, large):
        rows.append(
            (measure_post(client, target, n, warmup), measure_floor_post(target, clerk, n, warmup))
        )
    real = measure_get(client, overview_url, "GET overview /lao/<code>/", n, warmup)
    floor = measure(
        "floor overview",
        lambda y: floor_overview(lao.code, y),
        n=n,
        warmup=warmup,
        prepare=lambda i: this_year,
    )
    rows.append((real, floor))
    print_table(rows)

    get_small, get_large, post_small, post_large, _overview = (r[0] for r in rows)
    print()
    print(f"query count, section GET small vs large: {same_queries(get_small, get_large)}")
    print(f"query count, section POST small vs large: {same_queries(post_small, post_large)}")
    print(f"every POST: 302 to the section, version +1 (checked after each of {2 * (n + warmup)})")

    def one_of_each() -> None:
        client.get(large.url)
        data = form_values(large, 0)
        client.post(large.url, {"version": str(current_version(large)), **data})
        client.get(overview_url)

    print(
        f"python heap peak (tracemalloc) for one large GET + POST + overview: "
        f"{python_peak_mb(one_of_each):.1f} MB; process maxrss {maxrss_mb():.0f} MB"
    )
    worst = max(post_small, post_large, key=lambda s: s.pct(0.95))
    p95 = worst.pct(0.95)
    verdict = "PASS" if p95 < TARGET_MS else "FAIL"
    note = (
        ""
        if connection.vendor == "sqlite"
        else f" (the target is for SQLite; this is {connection.vendor})"
    )
    print(
        f"section POST p95 {p95:.1f} ms ({worst.label}; {post_small.label}: "
        f"{post_small.pct(0.95):.1f} ms) vs target under {TARGET_MS:.0f} ms on SQLite: {verdict}{note}"
    )
    if args.keep:
        print(f"kept: {sqlite_file or postgres_url}")
    else:
        cleanup(sqlite_file, postgres_url)


if __name__ == "__main__":
    main()
