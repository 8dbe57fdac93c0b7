"""The throwaway database every benchmark runs on: a new SQLite file under /tmp, or the
PostgreSQL database named in DATABASE_URL (its name must contain "bench"; it is dropped and
created here, and dropped again by `cleanup`). The development database var/db.sqlite3 is
refused."""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent


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
    if database_url.startswith(("postgres://", "postgresql://")):
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

    options = {"provinces": provinces} if provinces else {}
    step("migrate", lambda: call_command("migrate", verbosity=0))
    step("seed_demo", lambda: call_command("seed_demo", stdout=io.StringIO(), **options))


def command_line(description: str, run) -> None:
    """The benchmarks' main(): shared options, then `run(args)` on a throwaway database."""
    parser = argparse.ArgumentParser(description=description)
    add_arguments(parser)
    args = parser.parse_args()
    run_on_throwaway(lambda: run(args), keep=args.keep)
