"""`make run` serves the demo as production does: DEBUG off, so people see the portal's own
Thai error pages and never Django's debug pages; only the seeding step runs with DEBUG on."""

import os
import secrets
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
from django.conf import settings
from django.test import Client
response = Client().get("/no-such-page/", HTTP_HOST="127.0.0.1")
print("DEBUG", settings.DEBUG)
print("STATUS", response.status_code)
print(response.content.decode())
"""


def make_run_lines() -> list[str]:
    result = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def env_of(line: str) -> dict[str, str]:
    """The VAR=value words before the command on one line of `make -n` output."""
    env = {}
    for word in shlex.split(line):
        name, sep, value = word.partition("=")
        if not sep or not name.isidentifier():
            break
        env[name] = value
    return env


class MakeRunTestCase(SimpleTestCase):
    def test_only_the_seeding_step_runs_with_debug_on(self):
        lines = make_run_lines()
        seed = next(line for line in lines if "seed_demo" in line)
        serve = next(line for line in lines if "gunicorn" in line)
        self.assertEqual(env_of(seed)["DEBUG"], "1")
        self.assertEqual(env_of(serve)["DEBUG"], "0")
        self.assertEqual(env_of(serve)["SECURE"], "0")
        self.assertEqual(env_of(serve)["ALLOWED_HOSTS"], "127.0.0.1,localhost")
        self.assertIn("var/secret_key", env_of(serve)["SECRET_KEY"])

    def test_the_served_settings_show_the_thai_404_page(self):
        serve = next(line for line in make_run_lines() if "gunicorn" in line)
        env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECURE")}
        env.update(env_of(serve))
        env["SECRET_KEY"] = secrets.token_urlsafe(64)  # what var/secret_key holds
        with tempfile.TemporaryDirectory() as static_root:
            env["STATIC_ROOT"] = static_root
            collect = subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            self.assertEqual(collect.returncode, 0, collect.stderr)
            probe = subprocess.run(
                [sys.executable, "manage.py", "shell", "-c", PROBE],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
            )  # fmt: skip
        self.assertEqual(probe.returncode, 0, probe.stderr)
        self.assertIn("DEBUG False", probe.stdout)
        self.assertIn("STATUS 404", probe.stdout)
        self.assertIn("ไม่พบหน้าที่ต้องการ", probe.stdout)
        self.assertNotIn("technical_404", probe.stdout)
        self.assertNotIn("Using the URLconf", probe.stdout)
