"""The throwaway database every benchmark runs on: a new SQLite file under /tmp, or the
PostgreSQL database named in DATABASE_URL (its name must contain "bench"; it is dropped and
created here, and dropped again by `cleanup`). The development database var/db.sqlite3 is
refused.

`bench/run_all.py` (`make bench`) builds the national dataset once and hands each script a copy
with BENCH_PREBUILT=1: the database is then used as it is (not dropped, created or seeded here)
and the runner removes it. Each script writes its figures as JSON lines (`emit`) to the file
named by `--json` (or BENCH_JSON), from which the runner prints one table."""

import argparse
import io
import json
import math
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PREBUILT = "BENCH_PREBUILT"
JSON = "BENCH_JSON"


def prebuilt() -> bool:
    """True when bench/run_all.py hands over a database already migrated and seeded."""
    return os.environ.get(PREBUILT) == "1"


def _postgres_name(database_url: str) -> str:
    name = urlsplit(database_url).path.lstrip("/")
    if "bench" not in name or '"' in name:
        sys.exit(
            f"Refusing to create or drop PostgreSQL database {name!r}: use a name with 'bench'."
        )
    return name


def _postgres(database_url: str, statement: str) -> None:
    import psycopg2

    connection = psycopg2.connect(urlunsplit(urlsplit(database_url)._replace(path="/postgres")))
    connection.autocommit = True
    try:
        connection.cursor().execute(statement)
    finally:
        connection.close()


def setup_django(
    database_url: str | None, *, prefix: str = "lgdata-bench-", test_environment: bool = False
) -> tuple[Path | None, str | None]:
    """Points Django at an empty throwaway database and sets it up; returns what `cleanup`
    needs. `test_environment` lets Django's test Client's host name through."""
    sqlite_file = postgres_url = None
    if not database_url:
        handle, name = tempfile.mkstemp(prefix=prefix, suffix=".sqlite3", dir="/tmp")
        os.close(handle)
        sqlite_file = Path(name)
        database_url = f"sqlite:///{sqlite_file}"
    if str(BASE_DIR / "var" / "db.sqlite3") in database_url:
        sys.exit("Refusing to benchmark on the development database var/db.sqlite3.")
    if database_url.startswith(("postgres://", "postgresql://")) and prebuilt():
        _postgres_name(database_url)  # the "bench" check, nothing dropped
    elif database_url.startswith(("postgres://", "postgresql://")):
        name = _postgres_name(database_url)
        _postgres(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _postgres(database_url, f'CREATE DATABASE "{name}"')
        postgres_url = database_url
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("SECURE", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lgdata.settings")
    import django

    django.setup()
    if test_environment:
        from django.test.utils import setup_test_environment

        setup_test_environment()
    print(f"database: {database_url}")
    return sqlite_file, postgres_url


def cleanup(sqlite_file: Path | None, postgres_url: str | None) -> None:
    """Closes the connections and removes the throwaway database."""
    from django.db import connections

    connections.close_all()
    if prebuilt():
        return  # the runner's copy: it removes it
    if sqlite_file:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
    if postgres_url:
        _postgres(
            postgres_url, f'DROP DATABASE IF EXISTS "{_postgres_name(postgres_url)}" WITH (FORCE)'
        )


def add_arguments(parser, *, requests: int = 30, warmup: int = 3) -> None:
    """The options the request benchmarks share."""
    parser.add_argument("--requests", type=int, default=requests, help="requests per measurement")
    parser.add_argument("--warmup", type=int, default=warmup)
    parser.add_argument("--provinces", help="seed only these provinces (default: the country)")
    parser.add_argument("--keep", action="store_true", help="keep the database for a look")
    json_option(parser)


def json_option(parser) -> None:
    """--json FILE: append the figures as JSON lines (read by bench/run_all.py)."""
    parser.add_argument("--json", metavar="FILE", help="append the figures as JSON lines here")


def use_json(path: str | None) -> None:
    if path:
        os.environ[JSON] = str(Path(path).resolve())


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))]


def python_peak_mb(action) -> float:
    """Peak of Python allocations while `action()` runs (tracemalloc slows it: not timed)."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    finally:
        tracemalloc.stop()


def emit(
    script: str,
    item: str,
    *,
    times_ms: list[float] | None = None,
    queries=None,
    peak_mb: float | None = None,
    floor: str | None = None,
    target: str | None = None,
    **extra,
) -> None:
    """One measured item as a JSON line in the file of --json / BENCH_JSON (nothing without
    one): p50 and p95 of `times_ms`, the query count(s), the peak memory, and the item of the
    same script that is its floor (the runner divides their p95s)."""
    path = os.environ.get(JSON)
    if not path:
        return
    from django.db import connection

    if queries is not None and not isinstance(queries, int | str):
        counts = sorted(set(queries))
        queries = counts[0] if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
    line = {
        "script": script,
        "item": item,
        "database": connection.vendor,
        "n": len(times_ms or []),
        "p50_ms": percentile(times_ms, 0.5) if times_ms else None,
        "p95_ms": percentile(times_ms, 0.95) if times_ms else None,
        "queries": queries,
        "peak_mb": peak_mb,
        "floor": floor,
        "target": target,
        **extra,
    }
    with open(path, "a", encoding="utf-8") as stream:
        stream.write(json.dumps(line, ensure_ascii=False) + "\n")


def run_on_throwaway(run, *, keep: bool = False, **setup) -> None:
    """Runs `run()` on a new throwaway database, then removes it (unless `keep`)."""
    sqlite_file, postgres_url = setup_django(os.environ.get("DATABASE_URL"), **setup)
    try:
        run()
    finally:
        if keep:
            print(f"kept: {sqlite_file or postgres_url}")
        else:
            cleanup(sqlite_file, postgres_url)


def step(label: str, action):
    """Runs one set-up step and prints how long it took."""
    started = time.perf_counter()
    result = action()
    print(f"{label}: {time.perf_counter() - started:.1f} s")
    return result


def seed_national(provinces: str | None) -> None:
    """Migrates the throwaway database and seeds the demo data (the whole country by default)."""
    from django.core.management import call_command

    if prebuilt():
        print("dataset: built once by bench/run_all.py")
        return
    options = {"provinces": provinces} if provinces else {}
    step("migrate", lambda: call_command("migrate", verbosity=0))
    step("seed_demo", lambda: call_command("seed_demo", stdout=io.StringIO(), **options))


def command_line(description: str, run) -> None:
    """The benchmarks' main(): shared options, then `run(args)` on a throwaway database."""
    parser = argparse.ArgumentParser(description=description)
    add_arguments(parser)
    args = parser.parse_args()
    use_json(args.json)
    run_on_throwaway(lambda: run(args), keep=args.keep)
