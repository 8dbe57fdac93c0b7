"""The backup drill: a seeded database is dumped, restored into a new one, and every table
compares equal (row count and checksum). Runs on the engine of the test run: SQLite files, or
two throwaway PostgreSQL databases beside the test database."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import dj_database_url
import psycopg2
from django.db import connection
from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]


def manage(database_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1", "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=300,
    )


class BackupDrillTestCase(SimpleTestCase):
    databases = "__all__"

    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        if connection.vendor == "postgresql":
            self.source, self.target = self.postgres_databases("backup_src", "backup_dst")
        else:
            self.source = f"sqlite:///{self.tmp.name}/source.sqlite3"
            self.target = f"sqlite:///{self.tmp.name}/target.sqlite3"

    def postgres_databases(self, *names: str) -> list[str]:
        config = dj_database_url.parse(os.environ["DATABASE_URL"])
        admin = psycopg2.connect(
            dbname="postgres",
            user=config["USER"],
            password=config["PASSWORD"],
            host=config["HOST"],
            port=config["PORT"] or 5432,
        )
        admin.autocommit = True
        urls = []
        for name in names:
            database = f"{config['NAME']}_{name}"
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{database}"')
                cursor.execute(f'CREATE DATABASE "{database}"')
            self.addCleanup(self.drop, admin, database)
            base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
            urls.append(f"{base}/{database}")
        return urls

    @staticmethod
    def drop(admin, database: str) -> None:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def run_ok(self, url: str, *args: str) -> str:
        result = manage(url, *args)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_a_restored_backup_equals_the_original_table_by_table(self):
        self.run_ok(self.source, "migrate", "--noinput", "-v0")
        self.run_ok(self.source, "seed_demo", "--provinces", "81", "--no-users")
        backup = Path(self.tmp.name) / "lgdata.backup"
        self.run_ok(self.source, "backup_database", str(backup))
        self.assertTrue(backup.stat().st_size > 0)

        refused = manage(self.target, "restore_database", str(backup))
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("--yes", refused.stderr)

        self.run_ok(self.target, "restore_database", str(backup), "--yes")
        before = json.loads(self.run_ok(self.source, "database_checksums"))
        after = json.loads(self.run_ok(self.target, "database_checksums"))
        self.assertGreater(before["records_lao"]["rows"], 50)  # Krabi's LAOs were seeded
        self.assertGreater(before["records_sectionentry"]["rows"], 0)
        self.assertEqual(after, before)

    def test_a_missing_backup_file_is_refused_with_a_message(self):
        result = manage(self.target, "restore_database", f"{self.tmp.name}/nothing.backup", "--yes")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("No backup file", result.stderr)
