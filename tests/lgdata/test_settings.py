"""Production settings, checked in a fresh interpreter with the environment a deployment has."""

import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "SECURE")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


class ProductionSettingsTestCase(SimpleTestCase):
    def test_check_deploy_passes_with_production_settings(self):
        result = manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(64),
            ALLOWED_HOSTS="lgdata.example.go.th",
        )
        self.assertEqual(result.returncode, 0, result.stderr + result.stdout)
        self.assertIn("no issues", result.stdout)

    def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(self):
        result = manage("check", DEBUG="0", ALLOWED_HOSTS="x")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY is required", result.stderr)

    def test_it_refuses_a_short_secret_key_in_production(self):
        result = manage("check", DEBUG="0", SECRET_KEY="short", ALLOWED_HOSTS="x")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("at least 50", result.stderr)

    def test_a_bad_boolean_fails_loudly(self):
        result = manage("check", DEBUG="maybe")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DEBUG must be", result.stderr)

    def test_database_url_picks_the_database(self):
        result = manage(
            "shell",
            "-c",
            "from django.db import connection as c; print(c.vendor, c.settings_dict['NAME'])",
            DEBUG="1",
            DATABASE_URL="postgres://postgres@127.0.0.1:5432/some_db",
        )
        self.assertIn("postgresql some_db", result.stdout, result.stderr)

    def test_a_started_worker_freezes_what_it_loaded_out_of_the_garbage_collector(self):
        result = manage(
            "shell", "-c", "import gc, lgdata.wsgi; print('frozen', gc.get_freeze_count())",
            DEBUG="1",
        )  # fmt: skip
        self.assertEqual(result.returncode, 0, result.stderr)
        frozen = int(result.stdout.split("frozen")[1])
        self.assertGreater(frozen, 10_000)  # Django and the apps: tens of thousands of objects

    def test_a_production_start_without_collected_static_files_fails_loudly(self):
        production = {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "lgdata.example.go.th",
        }
        with tempfile.TemporaryDirectory() as empty:
            result = manage("shell", "-c", "import lgdata.wsgi", STATIC_ROOT=empty, **production)
            self.assertNotEqual(result.returncode, 0)
            self.assertIn("collectstatic --noinput", result.stderr)
            collected = manage("collectstatic", "--noinput", "-v0", STATIC_ROOT=empty, **production)
            self.assertEqual(collected.returncode, 0, collected.stderr)
            started = manage("shell", "-c", "import lgdata.wsgi", STATIC_ROOT=empty, **production)
            self.assertEqual(started.returncode, 0, started.stderr)
