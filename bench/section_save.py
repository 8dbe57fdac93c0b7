"""Benchmark: a clerk's section GET and POST, and the LAO overview, on national-scale records.

    DEBUG=1 .venv/bin/python -m bench.section_save [--requests 200] [--warmup 5] [--keep]
        [--provinces 67]
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/lgdata_bench \\
        .venv/bin/python -m bench.section_save

Setup: migrates a fresh database (the record schema is loaded by the post_migrate handler),
seeds the whole country with `seed_demo --fill 0` (~7,850 LAOs, the demo users and whatever else
the seed makes, but no sample records; DEBUG must be on for the users), then bulk-inserts two
fiscal years of records (the current one and the one before) for every LAO, with an entry for
every section and ~60% of the applicable fields filled (numbers stored as strings, as
records.services stores them), completeness counts and rules_pass consistent with the values
(rules checked against the whole record, as section_save does). No record goes through the
services: building takes about 25 s instead of hours. `--provinces 67` (codes as seed_demo takes
them) seeds only those provinces, for quick iterations; the demo clerk's LAO is in 67.

Measured, with Django's test Client logged in as the demo `clerk` on its own LAO, each for
--requests requests after --warmup warm-up requests:
  - GET of a small section (population, 11 fields) and a large one (economy, 21 fields);
  - POST of each with valid, changed values and the current version (read before each POST,
    not timed; values alternate so every POST changes something, and keep the section's rules
    so no POST flips a rule outcome); each must answer 302 to the section and raise its
    version by one;
  - GET of the LAO overview /lao/<code>/.
Each section is saved once, untimed, before any measurement, so both start in the same state.
For each: p50, p95 and max server time (time around client.get/post, in ms) and the query
count, checked to be the same for the small and the large section.

The floor, measured in the same run, is the same reads and writes with bare ORM calls and no
request, form, template or checks: for a section GET the LAO, record, section, fields and
entry; for a POST one conditional UPDATE of the entry plus one ValueChange bulk_create in a
transaction; for the overview the LAO, its years, record, sections with fields, entries and
covered subdistricts. The last line compares the section POST p95 with the target "under
100 ms on SQLite" (PASS/FAIL as text; the exit code is 0 either way, and non-zero only when a
request answers wrongly). Timings are wall-clock: run it on an otherwise idle machine.

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
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.throwaway import (
    cleanup,
    emit,
    json_option,
    prebuilt,
    python_peak_mb,
    setup_django,
    use_json,
)

SMALL, LARGE = "population", "economy"
FILL = 0.6  # share of applicable fields with a value
CHUNK = 500  # LAOs built and inserted at a time
TARGET_MS = 100.0
# The targets of the deadline surge (docs/PERFORMANCE.md: under load, through gunicorn).
TARGETS = {"POST population": "surge p95 < 300 ms", "GET population": "surge p95 < 300 ms"}


def migrate() -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate (geography and record schema): {time.perf_counter() - started:.1f} s")


# --- National-scale data -----------------------------------------------------------------------


def seed_country(provinces: str | None = None) -> None:
    """seed_demo for the whole country (or the given provinces) with --fill 0: the registry, the
    demo users (and whatever else the seed makes) but no sample records, which build_records
    makes much faster. Its table goes to a buffer, not the screen."""
    from django.core.management import call_command

    from records.models import LAO

    started = time.perf_counter()
    options = {"provinces": provinces} if provinces else {}
    call_command("seed_demo", fill="0", stdout=io.StringIO(), **options)
    seconds = time.perf_counter() - started
    print(
        f"seed_demo --fill 0 ({'provinces ' + provinces if provinces else 'whole country'}, "
        f"demo users): {LAO.objects.count():,} LAOs in {seconds:.1f} s"
    )


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
    rules: list = field(default_factory=list)  # all of them: a rule may span sections


def schema_plan():
    from records.models import LAO
    from records.schema import current_schema
    from records.services import applicable_fields

    schema = current_schema()
    sections = list(schema.sections.prefetch_related("fields"))
    plan = SchemaPlan(sections=sections, rules=list(schema.rules.all()))
    for section in sections:
        for lao_type in LAO.Type.values:
            plan.fields[section.pk, lao_type] = applicable_fields(section, lao_type)
    return schema, plan


def lao_entries(plan: SchemaPlan, lao_type: str, year: int, rng: random.Random, now, by) -> list:
    """Unsaved SectionEntry objects (no record yet) for one LAO and year. Rules are checked
    against the whole record, as section_save does: a section fails if one of its rules does."""
    from records.models import SectionEntry
    from records.rules import failing_rules
    from records.services import completeness

    entries = []
    record_values = {}
    for section in plan.sections:
        fields = plan.fields[section.pk, lao_type]
        values = {f.code: random_value(f, rng, year) for f in fields if rng.random() < FILL}
        record_values.update(values)
        required, filled = completeness(fields, values)
        entries.append(
            SectionEntry(
                section=section,
                values=values,
                version=1 if values else 0,
                required_count=required,
                filled_count=filled,
                updated_at=now - datetime.timedelta(days=rng.randint(1, 300)) if values else None,
                updated_by=by if values else None,
            )
        )
    failing = {rule.section_id for rule in failing_rules(plan.rules, record_values)}
    for entry in entries:
        entry.rules_pass = entry.section.pk not in failing
    return entries


def build_records(years: tuple[int, ...], by, seed: int = 2569) -> None:
    """Bulk-inserts a record per LAO and year (but for any the seed already made), each with an
    entry per section; what has values was last changed by `by` (a saved entry names who)."""
    from django.db import transaction

    from records.models import LAO, Record, SectionEntry

    rng = random.Random(seed)
    schema, plan = schema_plan()
    laos = list(LAO.objects.order_by("pk").values_list("pk", "type"))
    started = time.perf_counter()
    generating = 0.0  # of which: making the values in Python, not inserting them
    seeded = 0
    with transaction.atomic():
        for year in years:
            have = set(Record.objects.filter(fiscal_year=year).values_list("lao_id", flat=True))
            seeded += len(have)
            todo = [(pk, lao_type) for pk, lao_type in laos if pk not in have]
            for start in range(0, len(todo), CHUNK):
                generating += insert_records(
                    todo[start : start + CHUNK], year, schema, plan, rng, by
                )
    seconds = time.perf_counter() - started
    print(
        f"records built with bulk_create: {Record.objects.count():,} records, "
        f"{SectionEntry.objects.count():,} section entries ({len(plan.sections)} sections, "
        f"years {', '.join(map(str, years))}; {seeded:,} records were the seed's) in "
        f"{seconds:.1f} s ({generating:.1f} s making values, {seconds - generating:.1f} s "
        f"inserting); maxrss {maxrss_mb():.0f} MB"
    )


def insert_records(laos: list, year: int, schema, plan: SchemaPlan, rng, by) -> float:
    """One bulk_create of records and one of their entries; returns the seconds spent making
    the values (the rest is the database's)."""
    from django.utils import timezone

    from records.models import Record, SectionEntry

    began = time.perf_counter()
    now = timezone.now()
    per_lao = [lao_entries(plan, lao_type, year, rng, now, by) for _pk, lao_type in laos]
    generating = time.perf_counter() - began
    records = [
        Record(
            lao_id=pk,
            fiscal_year=year,
            schema=schema,
            required_count=sum(e.required_count for e in entries),
            filled_count=sum(e.filled_count for e in entries),
            updated_at=max((e.updated_at for e in entries if e.updated_at), default=None),
            updated_by=by if any(e.values for e in entries) else None,
        )
        for (pk, _type), entries in zip(laos, per_lao, strict=True)
    ]
    records = _with_pks(Record.objects.bulk_create(records), year)
    for record, entries in zip(records, per_lao, strict=True):
        for entry in entries:
            entry.record = record
    SectionEntry.objects.bulk_create([e for es in per_lao for e in es], batch_size=2000)
    return generating


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
    """Valid form input for every field, as a clerk types it ("1,001"); variants 0 and 1 differ
    in every field but rule-derived ones, and both keep the section's rules (see keep_rules)."""
    data = {}
    for f in target.fields:
        if f.is_numeric:
            high = int(f.max_value) - 1 if f.max_value is not None else 1000
            data[f.code] = min(1000, high) + variant
        elif f.type == "choice":
            data[f.code] = f.choices[variant % len(f.choices)]["value"]
        elif f.type == "date":
            data[f.code] = f"{1 + variant}/10/{target.year - 1}"
        elif f.type == "boolean":
            data[f.code] = ("yes", "no")[variant]
        else:
            data[f.code] = f"ข้อความ {variant}"
    keep_rules(data, list(target.section.rules.all()), variant)
    return {code: f"{v:,}" if isinstance(v, int) else v for code, v in data.items()}


def keep_rules(data: dict, rules: list, variant: int) -> None:
    """Makes the numbers keep the section's rules, so no POST fails one and the rule outcomes
    (and with them the queries of a save) stay the same from one POST to the next: a total is
    the sum of its parts (or, when another rule fixed it, split evenly among them), and a field
    capped by another (farming households <= households) is 1 or 2."""
    fixed: set[str] = set()
    for rule in rules:
        p = rule.params
        if rule.kind == "not_greater" and p["field"] in data:
            data[p["field"]] = 1 + variant
        if rule.kind != "sum" or p["total"] not in data or any(x not in data for x in p["parts"]):
            continue
        parts, total = p["parts"], p["total"]
        if total in fixed:
            share = data[total] // len(parts)
            data.update(dict.fromkeys(parts, share))
            data[parts[-1]] = data[total] - share * (len(parts) - 1)
        else:
            data[total] = sum(data[x] for x in parts)
            fixed.add(total)


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


def stored_values(target: Target, variant: int) -> dict:
    """form_values as the portal stores them (ISO dates, plain numbers), through its own form."""
    from records.forms import SectionForm

    data = {"version": "0", **form_values(target, variant)}
    form = SectionForm(data, schema_fields=target.fields, previous={}, language="th")
    if not form.is_valid():
        sys.exit(f"the benchmark's values for {target.section.code} are invalid: {form.errors}")
    return {code: value for code, value in form.stored_values().items() if value is not None}


def measure_floor_post(target: Target, by, n: int, warmup: int) -> Stats:
    """One conditional UPDATE of the entry and one bulk_create of its changes, in a transaction."""
    from django.db import transaction
    from django.utils import timezone

    from records.models import SectionEntry, ValueChange

    record_id = SectionEntry.objects.values_list("record_id", flat=True).get(pk=target.entry_id)
    stored = [stored_values(target, variant) for variant in (0, 1)]

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
        emit("section_save", floor.label, times_ms=floor.times_ms, queries=floor.queries)
        emit(
            "section_save",
            stats.label,
            times_ms=stats.times_ms,
            queries=stats.queries,
            floor=floor.label,
            target=TARGETS.get(stats.label.split(" (")[0]),
        )
        p50, p95 = stats.pct(0.5), stats.pct(0.95)
        floor50, floor95 = floor.pct(0.5), floor.pct(0.95)
        print(
            f"{stats.label:<32} {len(stats.times_ms):>4} {p50:>8.1f} {p95:>8.1f} "
            f"{max(stats.times_ms):>8.1f} {stats.query_text:>7}"
            f" | {floor50:>9.2f} {floor95:>9.2f} {floor.query_text:>5}"
            f" | {p50 / floor50:>5.1f}x {p95 / floor95:>5.1f}x"
        )


def same_queries(small: Stats, large: Stats) -> str:
    same = small.queries.keys() == large.queries.keys() and len(small.queries) == 1
    verdict = "same" if same else "DIFFERENT"
    return f"{verdict} ({small.query_text} for {SMALL}, {large.query_text} for {LARGE})"


def verdict_line(post_small: Stats, post_large: Stats, vendor: str) -> str:
    p95 = max(post_small.pct(0.95), post_large.pct(0.95))
    verdict = "PASS" if p95 < TARGET_MS else "FAIL"
    note = "" if vendor == "sqlite" else f" (measured on {vendor}; the target is for SQLite)"
    return (
        f"section POST p95: {post_small.pct(0.95):.1f} ms ({SMALL}), "
        f"{post_large.pct(0.95):.1f} ms ({LARGE}); target under {TARGET_MS:.0f} ms on SQLite: "
        f"{verdict}{note}"
    )


# --- Main --------------------------------------------------------------------------------------


def run_measurements(client, clerk, year: int, n: int, warmup: int) -> list[tuple[Stats, Stats]]:
    """(portal, floor) statistics for each operation, in the order of the table."""
    lao = clerk.lao
    small, large = (make_target(lao, year, code) for code in (SMALL, LARGE))
    for target in (small, large):
        settle(client, target)
    rows = []
    for target in (small, large):
        label = f"GET {target.section.code} ({len(target.fields)} fields)"
        real = measure_get(client, target.url, label, n, warmup)
        floor = measure(
            f"floor {label}", floor_section_get, n=n, warmup=warmup, prepare=lambda i, t=target: t
        )
        rows.append((real, floor))
    for target in (small, large):
        real = measure_post(client, target, n, warmup)
        rows.append((real, measure_floor_post(target, clerk, n, warmup)))
    real = measure_get(client, f"/lao/{lao.code}/", "GET overview /lao/<code>/", n, warmup)
    floor = measure(
        "floor overview",
        lambda y: floor_overview(lao.code, y),
        n=n,
        warmup=warmup,
        prepare=lambda i: year,
    )
    rows.append((real, floor))
    return rows


def settle(client, target: Target) -> None:
    """One untimed save of the section first, so both sections start alike: saved by the
    clerk, passing their rules (a section failing one costs its GET a query more)."""
    data = {"version": str(current_version(target)), **form_values(target, 1)}
    response = client.post(target.url, data)
    client.cookies.pop("messages", None)
    if response.status_code != 302:
        sys.exit(f"POST {target.url} answered {response.status_code}, not 302")


def pages_still_open(client, clerk, year: int) -> None:
    """After all the writes (the floor's included), every measured page still answers 200."""
    urls = [make_target(clerk.lao, year, code).url for code in (SMALL, LARGE)]
    for url in [*urls, f"/lao/{clerk.lao.code}/"]:
        status = client.get(url).status_code
        if status != 200:
            sys.exit(f"GET {url} answered {status} after the run, not 200")


def one_of_each(client, clerk, year: int) -> Callable[[], None]:
    """One GET and one POST of the large section and one overview (for tracemalloc)."""
    large = make_target(clerk.lao, year, LARGE)

    def run() -> None:
        client.get(large.url)
        data = {"version": str(current_version(large)), **form_values(large, 0)}
        client.post(large.url, data)
        client.cookies.pop("messages", None)
        client.get(f"/lao/{clerk.lao.code}/")

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="Timed requests per operation.")
    parser.add_argument("--warmup", type=int, default=5, help="Untimed requests before them.")
    parser.add_argument("--keep", action="store_true", help="Keep the database at the end.")
    parser.add_argument(
        "--provinces", help="Seed only these provinces (e.g. 67,10), for quick iterations."
    )
    json_option(parser)
    args = parser.parse_args()
    use_json(args.json)
    n, warmup = max(1, args.requests), max(0, args.warmup)

    sqlite_file, postgres_url = setup_django(os.environ.get("DATABASE_URL"))
    try:
        benchmark(n, warmup, args.provinces)
    finally:
        if args.keep:
            print(f"kept: {sqlite_file or postgres_url}")
        else:
            cleanup(sqlite_file, postgres_url)


def benchmark(n: int, warmup: int, provinces: str | None = None) -> None:
    """Builds the data, measures, and prints the table and the verdict."""
    import django
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from lgdata.thai import fiscal_year_of

    year = fiscal_year_of(timezone.localdate())
    if not prebuilt():  # else bench/run_all.py's seed_demo made the records of both years
        migrate()
        seed_country(provinces)
        build_records((year - 1, year), by=User.objects.get(username="department"))

    clerk = User.objects.select_related("lao").get(username="clerk")
    client = Client(SERVER_NAME="localhost")  # in ALLOWED_HOSTS with DEBUG on
    client.force_login(clerk)
    print(
        f"{connection.vendor}; Python {sys.version.split()[0]}; Django {django.get_version()}; "
        f"DEBUG={settings.DEBUG}; {os.cpu_count()} CPUs; clerk's LAO {clerk.lao.code} "
        f"{clerk.lao} ({clerk.lao.type}); fiscal year {year}; "
        f"{n} requests each after {warmup} warm-ups; load average {os.getloadavg()[0]:.2f}"
    )
    print()
    rows = run_measurements(client, clerk, year, n, warmup)
    print_table(rows)

    get_small, get_large, post_small, post_large, _overview = (real for real, _floor in rows)
    print()
    print(f"query count, section GET small vs large: {same_queries(get_small, get_large)}")
    print(f"query count, section POST small vs large: {same_queries(post_small, post_large)}")
    print(
        f"every POST answered 302 to its section and raised the version by one "
        f"({2 * (n + warmup)} POSTs checked)"
    )
    pages_still_open(client, clerk, year)
    peak = python_peak_mb(one_of_each(client, clerk, year))
    print(
        f"python heap peak (tracemalloc), one large-section GET + POST + overview: {peak:.1f} MB; "
        f"process maxrss {maxrss_mb():.0f} MB; load average now {os.getloadavg()[0]:.2f} "
        f"(timings are wall-clock: other work on the machine inflates them)"
    )
    print(verdict_line(post_small, post_large, connection.vendor))


if __name__ == "__main__":
    main()
