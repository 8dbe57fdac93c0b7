"""A throwaway PostgreSQL cluster and a real portal (gunicorn) in front of it, for fault drills.

The cluster lives in a temporary directory, listens on 127.0.0.1 only, trusts local connections
and is removed afterwards; nothing touches the system's own cluster. As root (CI containers) the
server runs as the ``postgres`` account, which PostgreSQL requires.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PG_ROOT = Path("/usr/lib/postgresql")


def pg_bin() -> Path | None:
    """The newest PostgreSQL server binaries installed, or None."""
    versions = sorted(
        (p for p in PG_ROOT.glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(re.sub(r"\D", "", p.parent.name) or 0),
    )
    return versions[-1] if versions else None


def skip_without_postgres() -> None:
    if pg_bin() is None:
        pytest.skip(f"no PostgreSQL server binaries under {PG_ROOT} (apt install postgresql)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL as postgres")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """initdb + pg_ctl on a free port, in a temporary directory."""

    def __init__(self) -> None:
        self.bin = pg_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="lgdata-fault-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=60)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
            "-c fsync=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                  str(self.dir / "log"), "-w", "-t", "30", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop", check=False)

    def url(self, name: str = "lgdata_fault") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def connect(self, name: str = "lgdata_fault"):
        import psycopg2

        connection = psycopg2.connect(self.url(name))
        connection.autocommit = True
        return connection

    def query(self, sql: str, params=()) -> list[tuple]:
        with contextlib.closing(self.connect()) as connection:
            cursor = connection.cursor()
            cursor.execute(sql, params)
            return cursor.fetchall()

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


def portal_env(cluster: Cluster, static_root: Path) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": cluster.url(),
        "DEBUG": "0",
        "SECURE": "0",
        "SECRET_KEY": "fault-drill-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "CONN_MAX_AGE": "60",  # persistent connections: the harder case for recovering
        "PYTHONPATH": str(BASE_DIR),
        "DJANGO_SETTINGS_MODULE": "lgdata.settings",
    }
    env.pop("DJANGO_TEST_PROCESSES", None)
    return env


def manage(env: dict, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env=env, cwd=BASE_DIR, check=True, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


class Portal:
    """gunicorn serving the portal on a free loopback port."""

    def __init__(self, env: dict, log: Path) -> None:
        self.port = free_port()
        # A file, not a pipe: a full pipe would block the worker's logging.
        self.log = log.open("wb")
        self.base = f"http://127.0.0.1:{self.port}"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), "lgdata.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
             "--threads", "4", "--timeout", "30", "--graceful-timeout", "2"],
            env=env, cwd=BASE_DIR, stdout=subprocess.DEVNULL, stderr=self.log,
        )  # fmt: skip
        self.log_path = log
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            if self.process.poll() is not None:
                raise RuntimeError(log.read_text(errors="replace"))
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> str:
        """Stops gunicorn; its log."""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        return self.log_path.read_text(errors="replace")
