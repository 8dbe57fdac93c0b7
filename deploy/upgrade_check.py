"""The upgrade path across the merged migrations, on a real PostgreSQL (docs/DEPLOYMENT.md).

1. A database migrated by the last release that holds the original migrations
   (lgdata.migration_cutover.LAST_RELEASE_WITH_ORIGINALS, taken from git) is migrated by the
   working tree: nothing may be left to apply (on PostgreSQL and on the embedded SQLite).
2. A new database is migrated by the working tree alone. Its tables, columns, indexes,
   constraints and row counts must equal those of the upgraded one.
3. A database that stopped part-way (records at 0005: the old release's database without the
   last records migration's table and row) must be refused by the working tree's `migrate`,
   which changes nothing.

Run with `make upgrade-check`; DATABASE_URL names the server (default: postgres on loopback).
Prints what it compares and exits 1 on any difference.
"""

import functools
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lgdata.migration_cutover import LAST_RELEASE_WITH_ORIGINALS  # noqa: E402

SERVER = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PYTHON = sys.executable

CATALOGUE = {
    "columns": """
        select table_name, column_name, data_type, is_nullable, coalesce(column_default, '')
        from information_schema.columns where table_schema = 'public'""",
    "indexes": "select indexname, indexdef from pg_indexes where schemaname = 'public'",
    "constraints": """
        select conrelid::regclass::text, conname, pg_get_constraintdef(oid)
        from pg_constraint where connamespace = 'public'::regnamespace""",
}


def url(database: str) -> str:
    parts = urlsplit(SERVER)
    return parts._replace(path=f"/{database}").geturl()


def psql(database: str, sql: str) -> list[str]:
    done = subprocess.run(
        ["psql", url(database), "-X", "-q", "-A", "-t", "-F", "|", "-c", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return sorted(line for line in done.stdout.splitlines() if line)


def manage(tree: Path, database_url: str, *args: str, check: bool = True):
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": database_url, "PYTHONPATH": str(tree)}
    (tree / "var").mkdir(exist_ok=True)
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=tree, env=env, capture_output=True, text=True
    )
    if check and done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed in {tree}:\n{done.stdout}{done.stderr}")
    return done


# The exit status when the checkout lacks the old release (a shallow clone with no way to
# deepen it): .ci/run reports it instead of failing, since no code of the project is at fault.
NO_OLD_RELEASE = 3


def old_tree(into: Path) -> Path:
    """The last release with the original migrations, as its files (git archive)."""
    commit = f"{LAST_RELEASE_WITH_ORIGINALS}^{{commit}}"

    def present() -> bool:
        return not subprocess.run(["git", "cat-file", "-e", commit], cwd=ROOT).returncode

    if not present():
        subprocess.run(["git", "fetch", "-q", "--unshallow"], cwd=ROOT)
    if not present():
        print(f"NOT RUN: this checkout has no commit {LAST_RELEASE_WITH_ORIGINALS}")
        sys.exit(NO_OLD_RELEASE)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", LAST_RELEASE_WITH_ORIGINALS],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    tar_path = into / "old.tar"
    tar_path.write_bytes(archive.stdout)
    with tarfile.open(tar_path) as tar:
        tar.extractall(into / "old", filter="data")
    return into / "old"


def table_rows(database: str) -> list[str]:
    tables = psql(
        database, "select tablename from pg_tables where schemaname = 'public' order by 1"
    )
    union = " union all ".join(f"select '{t}', count(*) from \"{t}\"" for t in tables)
    return psql(database, union)


def main() -> int:
    names = {k: f"lgdata_upgrade_{k}" for k in ("old", "new", "partial")}
    for name in names.values():
        psql("postgres", f"drop database if exists {name}")
    for name in (names["old"], names["new"]):
        psql("postgres", f"create database {name}")
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        old = old_tree(Path(tmp))
        print(f"old release: {LAST_RELEASE_WITH_ORIGINALS}, extracted to {old}")

        manage(old, url(names["old"]), "migrate", "--noinput")
        psql("postgres", f"create database {names['partial']} template {names['old']}")
        psql(
            names["partial"],
            "drop table records_fieldgaprollup; delete from django_migrations"
            " where app = 'records' and name = '0006_field_gap_rollups'",
        )
        upgrade = manage(ROOT, url(names["old"]), "migrate", "--noinput")
        print("upgrade:", upgrade.stdout.strip().splitlines()[-1])
        if "No migrations to apply." not in upgrade.stdout:
            failures.append(f"the upgrade applied migrations:\n{upgrade.stdout}")
        manage(ROOT, url(names["new"]), "migrate", "--noinput")

        # The embedded SQLite database of `make run` takes the same path.
        sqlite = f"sqlite:///{Path(tmp) / 'upgrade.sqlite3'}"
        manage(old, sqlite, "migrate", "--noinput")
        upgrade = manage(ROOT, sqlite, "migrate", "--noinput")
        print("upgrade on SQLite:", upgrade.stdout.strip().splitlines()[-1])
        if "No migrations to apply." not in upgrade.stdout:
            failures.append(f"the upgrade on SQLite applied migrations:\n{upgrade.stdout}")

        readers = {what: functools.partial(psql, sql=sql) for what, sql in CATALOGUE.items()}
        for what, read in {**readers, "row counts": table_rows}.items():
            upgraded, fresh = read(names["old"]), read(names["new"])
            print(f"{what}: {len(upgraded)} upgraded, {len(fresh)} new")
            if upgraded != fresh:
                only_old = sorted(set(upgraded) - set(fresh))
                only_new = sorted(set(fresh) - set(upgraded))
                failures.append(
                    f"{what} differ:\n  upgraded only: {only_old}\n  new only: {only_new}"
                )

        before = table_rows(names["partial"])
        refused = manage(ROOT, url(names["partial"]), "migrate", "--noinput", check=False)
        message = (refused.stdout + refused.stderr).strip().splitlines()[-1]
        print("part-way:", refused.returncode and "refused:", message[:160], "…")
        if refused.returncode == 0 or LAST_RELEASE_WITH_ORIGINALS not in message:
            failures.append(f"a part-way database was not refused:\n{message}")
        if table_rows(names["partial"]) != before:
            failures.append("the refused migrate changed the part-way database")

    for name in names.values():
        psql("postgres", f"drop database if exists {name}")
    for failure in failures:
        print("FAIL:", failure)
    print("PASS" if not failures else f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
