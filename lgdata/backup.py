"""Backing up and restoring the portal's database, and proving a restore is whole.

PostgreSQL goes through its own tools (`pg_dump --format=custom`, `pg_restore`), which the
server's package installs beside it. SQLite uses its online backup API, which copies a
consistent snapshot while the portal keeps serving. `table_checksums` reads every table in
primary-key order so a restore drill can compare two databases table by table.
"""

import datetime
import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection


def default_backup_path() -> Path:
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    suffix = "dump" if connection.vendor == "postgresql" else "sqlite3"
    return Path(settings.BASE_DIR) / "var" / "backups" / f"lgdata-{stamp}.{suffix}"


def _tool(name: str) -> str:
    """The full path of a PostgreSQL client tool (Debian's postgresql-client package)."""
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError(f"{name} is not installed: apt-get install postgresql-client")
    return path


def _postgres_args() -> list[str]:
    db = connection.settings_dict
    args = ["--dbname", db["NAME"], "--host", db["HOST"] or "127.0.0.1"]
    if db["PORT"]:
        args += ["--port", str(db["PORT"])]
    if db["USER"]:
        args += ["--username", db["USER"]]
    return args


def _postgres_env() -> dict[str, str] | None:
    password = connection.settings_dict["PASSWORD"]
    if not password:
        return None
    return {**os.environ, "PGPASSWORD": password}


def _sqlite_copy(source_path, target_path) -> None:
    """SQLite's online backup: a consistent copy, page by page, in one transaction."""
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    try:
        with target:
            source.backup(target)
    finally:
        source.close()
        target.close()


def _run(tool: str, *args: str) -> None:
    """Runs a PostgreSQL client tool on the portal's database, ``args`` after its connection
    options (so a file named last stays last)."""
    subprocess.run(  # noqa: S603 - fixed tool, arguments from the settings
        [_tool(tool), *_postgres_args(), *args], check=True, env=_postgres_env()
    )


def backup(path: Path) -> Path:
    """Writes a consistent copy of the whole database to `path` and returns it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        _run("pg_dump", "--format=custom", "--no-owner", "--file", str(path))
    else:
        _sqlite_copy(connection.settings_dict["NAME"], path)
    return path


def restore(path: Path) -> None:
    """Replaces the database's contents with the backup at `path`, in one transaction."""
    if not path.is_file():
        raise FileNotFoundError(path)
    connection.close()
    if connection.vendor == "postgresql":
        _run(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            str(path),
        )
    else:
        _sqlite_copy(path, connection.settings_dict["NAME"])


def table_checksums() -> dict[str, dict]:
    """Every table's row count and a SHA-256 of its rows read in primary-key order."""
    sums = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table.startswith("sqlite_"):
                continue
            key = connection.introspection.get_primary_key_column(cursor, table)
            quoted = connection.ops.quote_name(table)
            order = f" ORDER BY {connection.ops.quote_name(key)}" if key else ""
            cursor.execute(f"SELECT * FROM {quoted}{order}")  # noqa: S608 - names from the schema
            digest, rows = hashlib.sha256(), 0
            for row in cursor.fetchall():
                digest.update(repr(row).encode())
                rows += 1
            sums[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return sums
