"""`make cluster-test`: the portal on several machines, shown working on loopback.

It starts, in a temporary directory and on 127.0.0.1 only:

- a PostgreSQL primary (initdb, port 5440) and a streaming replica made from it with
  ``pg_basebackup -R`` (port 5441);
- PgBouncer in transaction mode in front of the primary (port 6440);
- two gunicorn app servers (8101, 8102) behind nginx (8100), all with PGBOUNCER=1, the replica as
  REPLICA_URL and Redis (CACHE_URL, db 1) for the cache and sessions;
- two task workers (``manage.py db_worker``).

Then, through nginx with a real HTTP client, clerks log in, open and save their sections,
officers read the dashboards, the API is asked, a province is exported (a worker's task, then
downloaded) and the registry is imported (a worker's task), while app server 1 is stopped and
started again. It checks that no request failed, that the sessions survived, that every save the
portal accepted is in the database with its value, that dashboards, exports and the API read the
replica (counted on the replica) and that they read the primary when the replica is stopped or
lags more than REPLICA_MAX_LAG_SECONDS. Every process it started is stopped at the end, whatever
happened. See docs/DEPLOYMENT.md.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import requests

HERE = Path(__file__).resolve().parent
BASE_DIR = HERE.parents[1]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))

PRIMARY_PORT, REPLICA_PORT, BOUNCER_PORT = 5440, 5441, 6440
NGINX_PORT, APP_PORTS = 8100, (8101, 8102)
DATABASE = "lgdata_cluster"
PROVINCE = "67"  # one province: the demo users' (seed_demo adds it in any case)
PASSWORD = "demo-2555"  # seed_demo's public demo password
CLERKS = 4
LAG_BOUND = 2  # REPLICA_MAX_LAG_SECONDS for this run
CHECK_SECONDS = 1  # REPLICA_CHECK_SECONDS
BASE = f"http://127.0.0.1:{NGINX_PORT}"
CACHE_URL = os.environ.get("CLUSTER_CACHE_URL", "redis://127.0.0.1:6379/1")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def log(message: str) -> None:
    print(f"[cluster {time.strftime('%H:%M:%S')}] {message}", flush=True)


def pg_bin() -> Path:
    versions = sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(re.sub(r"\D", "", p.parent.name) or 0),
    )
    if not versions:
        sys.exit("cluster-test: no PostgreSQL server binaries (apt-get install postgresql)")
    return versions[-1]


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_port(port: int, process: subprocess.Popen | None = None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not port_free(port):
            return
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the process for port {port} exited with {process.returncode}")
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def fill(template: Path, target: Path, **values: str) -> None:
    text = template.read_text()
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    target.write_text(text)


class Stack:
    """The processes of the cluster; ``close()`` stops every one of them."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="lgdata-cluster-"))
        self.dir.chmod(0o755)
        self.bin = pg_bin()
        self.as_postgres = os.geteuid() == 0  # PostgreSQL and PgBouncer refuse to run as root
        if self.as_postgres:  # their sockets, logs and pid files go here
            shutil.chown(self.dir, "postgres", "postgres")
        self.processes: dict[str, subprocess.Popen] = {}
        self.clusters: list[Path] = []
        self.env: dict[str, str] = {}

    def as_pg(self, command: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *command] if self.as_postgres else command

    def pg(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = self.as_pg([str(self.bin / args[0]), *args[1:]])
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if check and done.returncode:
            raise RuntimeError(f"{args[0]} failed: {done.stderr or done.stdout}")
        return done

    def spawn(self, name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
        with (self.dir / f"{name}.log").open("ab") as out:
            process = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped with all its children
            )
        self.processes[name] = process
        return process

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    # PostgreSQL -----------------------------------------------------------------------------

    def pg_start(self, data: Path, port: int, *extra: str) -> None:
        options = " ".join(
            (f"-p {port} -c listen_addresses=127.0.0.1 -k {self.dir}", "-c fsync=off", *extra)
        )
        self.pg(
            "pg_ctl",
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(self.dir / f"pg-{port}.log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def pg_stop(self, data: Path, mode: str = "fast") -> None:
        self.pg("pg_ctl", "-D", str(data), "-m", mode, "-w", "-t", "60", "stop", check=False)

    def primary_start(self) -> None:
        self.primary = self.dir / "primary"
        self.pg("initdb", "-D", str(self.primary), "-A", "trust", "-U", "postgres", "--no-sync")
        self.clusters.append(self.primary)
        self.pg_start(
            self.primary,
            PRIMARY_PORT,
            "-c wal_level=replica",
            "-c max_wal_senders=4",
            "-c max_connections=100",
        )
        with contextlib.closing(connect(PRIMARY_PORT, "postgres")) as connection:
            connection.cursor().execute(f"CREATE DATABASE {DATABASE}")

    def replica_start(self) -> None:
        """A real streaming replica: a base backup of the primary with its standby settings."""
        self.replica = self.dir / "replica"
        self.pg(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(PRIMARY_PORT),
            "-U",
            "postgres",
            "-D",
            str(self.replica),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "--no-sync",
        )
        self.clusters.append(self.replica)
        self.pg_start(self.replica, REPLICA_PORT, "-c hot_standby=on")
        deadline = time.monotonic() + 30
        while (
            primary_query("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")[0][
                0
            ]
            < 1
        ):
            if time.monotonic() > deadline:
                raise RuntimeError("the replica does not stream")
            time.sleep(0.2)

    # PgBouncer, app servers, workers, nginx ------------------------------------------------

    def pgbouncer_start(self) -> None:
        (self.dir / "pgbouncer-users.txt").write_text('"postgres" ""\n')
        fill(
            HERE / "pgbouncer.ini",
            self.dir / "pgbouncer.ini",
            dir=str(self.dir),
            port=str(BOUNCER_PORT),
            primary_port=str(PRIMARY_PORT),
            database=DATABASE,
        )
        process = self.spawn(
            "pgbouncer",
            self.as_pg(
                [
                    shutil.which("pgbouncer") or "/usr/sbin/pgbouncer",
                    str(self.dir / "pgbouncer.ini"),
                ]
            ),
        )
        wait_port(BOUNCER_PORT, process)

    def app_start(self, number: int) -> None:
        port = APP_PORTS[number - 1]
        process = self.spawn(
            f"app{number}",
            [
                GUNICORN,
                "lgdata.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "60",
                "--graceful-timeout",
                "20",
                "--access-logfile",
                "-",
                "--control-socket",
                str(self.dir / f"app{number}.ctl"),
                "--access-logformat",
                '%(h)s "%(r)s" %(s)s %(L)ss',
            ],
            self.env,
        )
        wait_port(port, process, timeout=60)

    def worker_start(self, number: int) -> None:
        self.spawn(
            f"worker{number}",
            [
                PYTHON,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--interval",
                "0.5",
                "--worker-id",
                f"cluster-{number}",
            ],
            self.env,
        )

    def nginx_config(self, drained: tuple[int, ...] = ()) -> None:
        servers = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=3s"
            + (" down;" if port in drained else ";")
            for port in APP_PORTS
        )
        fill(
            HERE / "nginx.conf",
            self.dir / "nginx.conf",
            dir=str(self.dir),
            listen=f"127.0.0.1:{NGINX_PORT}",
            servers=servers,
        )

    def nginx_reload(self, drained: tuple[int, ...] = ()) -> None:
        """New configuration: new requests follow it, and the old worker processes finish the
        requests they have passed on (to a drained server too) and exit. Returns when they have,
        so a drained server has nothing left in flight."""
        master = self.processes["nginx"].pid
        before = set(nginx_workers(master))
        self.nginx_config(drained)
        self.processes["nginx"].send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            workers = set(nginx_workers(master))
            if workers and not workers & before:
                return
            time.sleep(0.1)
        raise RuntimeError("nginx's old worker processes did not finish within 60 s")

    def nginx_start(self) -> None:
        (self.dir / "nginx-tmp").mkdir()
        self.nginx_config()
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        process = self.spawn(
            "nginx",
            [nginx, "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"), "-g", "daemon off;"],
        )
        wait_port(NGINX_PORT, process)

    def close(self, keep: bool) -> None:
        """Stops everything: SIGTERM to every process group at once, SIGKILL to what is left
        after 10 s; the PostgreSQL clusters at once (immediate)."""
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for name in list(self.processes):
            self.stop(name, timeout=10)
        for data in reversed(self.clusters):
            self.pg_stop(data, "immediate")
        self.processes, self.clusters = {}, []
        if keep:
            log(f"kept {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


def nginx_workers(master: int) -> list[int]:
    """The worker processes of an nginx master (old ones included while they shut down)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def connect(port: int, database: str = DATABASE):
    connection = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname=database)
    connection.autocommit = True
    return connection


def query(port: int, sql: str, params: tuple = ()) -> list[tuple]:
    with contextlib.closing(connect(port)) as connection:
        cursor = connection.cursor()
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def primary_query(sql: str, params: tuple = ()) -> list[tuple]:
    with contextlib.closing(connect(PRIMARY_PORT, "postgres")) as connection:
        cursor = connection.cursor()
        cursor.execute(sql, params)
        return cursor.fetchall()


def replica_table_reads() -> int:
    """Scans of the portal's tables counted by the replica itself (its own statistics)."""
    time.sleep(0.7)  # a backend's counts reach the shared statistics when it ends
    rows = query(
        REPLICA_PORT,
        "SELECT coalesce(sum(seq_scan + coalesce(idx_scan, 0)), 0) FROM pg_stat_user_tables "
        "WHERE relname LIKE 'records\\_%%' OR relname LIKE 'dashboards\\_%%'",
    )
    return int(rows[0][0])


def pgbouncer_stats() -> tuple[int, int]:
    """Transactions and queries PgBouncer passed to the primary for the portal's database (its
    admin console, SHOW STATS)."""
    connection = psycopg2.connect(
        host="127.0.0.1", port=BOUNCER_PORT, user="postgres", dbname="pgbouncer"
    )
    connection.autocommit = True
    with contextlib.closing(connection):
        cursor = connection.cursor()
        cursor.execute("SHOW STATS")
        names = [column[0] for column in cursor.description]
        for row in cursor.fetchall():
            stats = dict(zip(names, row, strict=True))
            if stats["database"] == DATABASE:
                return int(stats["total_xact_count"]), int(stats["total_query_count"])
    return 0, 0


# The HTTP side ---------------------------------------------------------------------------------


@dataclass
class Tally:
    """Every request made through nginx, and what came back."""

    requests: int = 0
    failures: list[str] = field(default_factory=list)
    by_upstream: Counter = field(default_factory=Counter)
    by_kind: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, what: str, response: requests.Response | None, error: str = "") -> None:
        method, path = what.split()[-2:]
        with self.lock:
            self.requests += 1
            self.by_kind[kind_of(method, path)] += 1
            if response is None:
                self.failures.append(f"{what}: {error}")
                return
            upstream = response.headers.get("X-Upstream", "")
            self.by_upstream[upstream.rsplit(":", 1)[-1] if upstream else "-"] += 1
            if response.status_code >= 500:
                self.failures.append(f"{what}: HTTP {response.status_code} via {upstream}")


TALLY = Tally()
KINDS = (
    ("/api/", "API"),
    ("/national/", "dashboard"),
    ("/province/", "dashboard"),
    ("/district/", "dashboard"),
    ("/figures/", "dashboard"),
    ("/exports/", "export"),
    ("/registry/", "import"),
    ("/accounts/", "login"),
)


def kind_of(method: str, path: str) -> str:
    if method == "POST" and path.startswith("/lao/"):
        return "save"
    return next((kind for prefix, kind in KINDS if path.startswith(prefix)), "record page")


class Browser:
    """One person's session (cookies) through nginx; every request is tallied."""

    def __init__(self, username: str) -> None:
        self.username = username
        self.session = requests.Session()
        # A connection per request: nginx closes idle keep-alive connections when it reloads
        # (the rolling restart reloads it twice), and a browser sends a request again when its
        # reused connection was closed under it; requests does not.
        self.session.headers["Connection"] = "close"

    def request(self, method: str, path: str, **kwargs) -> requests.Response | None:
        kwargs.setdefault("timeout", 60)
        kwargs.setdefault("allow_redirects", False)
        if method == "POST":  # as a browser sends them: Django checks the Origin
            kwargs.setdefault("headers", {}).update(Origin=BASE, Referer=BASE + path)
        try:
            response = self.session.request(method, BASE + path, **kwargs)
        except requests.RequestException as exc:
            TALLY.record(f"{self.username} {method} {path}", None, repr(exc))
            return None
        TALLY.record(f"{self.username} {method} {path}", response)
        return response

    def get(self, path: str, **kwargs) -> requests.Response | None:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> requests.Response | None:
        return self.request("POST", path, data=data, **kwargs)

    def page(self, path: str, what: str = "") -> str:
        """A page that must answer 200 to this logged-in user (a redirect to the login page is a
        lost session)."""
        response = self.get(path)
        if response is None:
            return ""
        if response.status_code != 200:
            with TALLY.lock:
                TALLY.failures.append(
                    f"{self.username} GET {path}: {response.status_code} "
                    f"{response.headers.get('Location', '')} {what}"
                )
            return ""
        return response.text

    def login(self) -> None:
        form = self.page("/accounts/login/")
        response = self.post(
            "/accounts/login/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": CSRF.search(form).group(1),
            },
        )
        if response is None or response.status_code != 302:
            raise RuntimeError(
                f"{self.username} could not log in: {response and response.text[:300]}"
            )

    def csrf(self, html: str) -> str:
        match = CSRF.search(html)
        return match.group(1) if match else ""


@dataclass
class Clerk:
    browser: Browser
    lao: str
    section_url: str
    accepted: list[int] = field(default_factory=list)  # households_total of each accepted save


def population(households: int) -> dict[str, str]:
    """A population section whose parts add up, with this number of households."""
    parts = {"population_male": households, "population_female": households + 1,
             "population_age_0_14": households, "population_age_15_59": households,
             "population_age_60_plus": 1}  # fmt: skip
    total = parts["population_male"] + parts["population_female"]
    parts.update(population_total=total, households_total=households)
    return {"population_as_of": "30/9/2567", **{k: str(v) for k, v in parts.items()}}


VERSION = re.compile(r'name="version" value="(\d+)"')


def clerk_work(clerk: Clerk, until: threading.Event, number: int) -> None:
    """Opens the LAO's pages and saves the population section again and again, each time with a
    new number of households."""
    browser = clerk.browser
    value = 1000 + number * 100000
    while not until.is_set():
        browser.page(f"/lao/{clerk.lao}/")
        form = browser.page(clerk.section_url)
        version = VERSION.search(form)
        if not version:
            continue
        value += 1
        data = {
            **population(value),
            "version": version.group(1),
            "csrfmiddlewaretoken": browser.csrf(form),
        }
        response = browser.post(clerk.section_url, data)
        if response is not None and response.status_code == 302:
            if "/accounts/login/" in response.headers.get("Location", ""):
                with TALLY.lock:
                    TALLY.failures.append(f"{browser.username}: session lost on save")
            else:
                clerk.accepted.append(value)
        elif response is not None:
            with TALLY.lock:
                TALLY.failures.append(
                    f"{browser.username} save refused: {response.status_code} "
                    f"{' '.join(response.text.split())[:200]}"
                )


def officer_pages(ctx: dict) -> list[str]:
    return [
        "/national/",
        f"/province/{ctx['province']}/",
        f"/district/{ctx['district']}/",
        "/figures/",
    ]


def api_calls(ctx: dict) -> list[str]:
    return [
        f"/api/v1/laos/?province={ctx['province']}",
        f"/api/v1/completeness/?level=district&parent={ctx['province']}",
    ]


def officer_work(browser: Browser, ctx: dict, until: threading.Event) -> None:
    while not until.is_set():
        for path in officer_pages(ctx):
            browser.page(path)
        for path in api_calls(ctx):
            api_get(browser, ctx, path)
        time.sleep(0.2)


def api_get(browser: Browser, ctx: dict, path: str) -> requests.Response | None:
    response = browser.request("GET", path, headers={"Authorization": f"Bearer {ctx['token']}"})
    if response is not None and response.status_code != 200:
        with TALLY.lock:
            TALLY.failures.append(f"API GET {path}: {response.status_code}")
    return response


def follow_job(browser: Browser, path: str, done_marker: str, timeout: float = 90) -> str:
    """Reloads a job's page (as its meta refresh does) until the worker has finished it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        html = browser.page(path)
        if done_marker in html or 'data-testid="job-failed"' in html:
            return html
        time.sleep(0.5)
    raise RuntimeError(f"the job at {path} did not finish in {timeout} s")


def export_once(browser: Browser, ctx: dict) -> int:
    """A province's XLSX export: started on the web, written by a worker, downloaded. Returns
    the number of rows of the workbook."""
    import openpyxl

    response = browser.get(f"/exports/records/?format=xlsx&province={ctx['province']}")
    if (
        response is None
        or response.status_code != 302
        or "/exports/jobs/" not in (response.headers.get("Location", ""))
    ):
        raise RuntimeError(f"the export did not start a job: {response and response.status_code}")
    job = response.headers["Location"].replace(BASE, "")
    follow_job(browser, job, "/download/")
    download = browser.get(job.rstrip("/") + "/download/")
    if download is None or download.status_code != 200:
        raise RuntimeError(f"the export download failed: {download and download.status_code}")
    workbook = openpyxl.load_workbook(io.BytesIO(download.content), read_only=True)
    return sum(1 for sheet in workbook.worksheets for _ in sheet.iter_rows())


def import_once(browser: Browser, ctx: dict, path: Path) -> str:
    """The registry import page: upload, preview, confirm; a worker imports; its page says so."""
    form = browser.page("/registry/import/")
    with path.open("rb") as file:
        preview = browser.post(
            "/registry/import/",
            {"csrfmiddlewaretoken": browser.csrf(form)},
            files={"file": (path.name, file, "text/csv")},
        )
    if preview is None or preview.status_code != 200:
        raise RuntimeError(f"registry preview failed: {preview and preview.status_code}")
    token = re.search(r'name="token" value="([^"]+)"', preview.text)
    if not token:
        raise RuntimeError(f"registry preview refused the file: {preview.text[:2000]}")
    confirm = browser.post(
        "/registry/import/confirm/",
        {"token": token.group(1), "csrfmiddlewaretoken": browser.csrf(preview.text)},
    )
    if confirm is None or confirm.status_code != 302 or "/jobs/" not in confirm.headers["Location"]:
        raise RuntimeError(
            f"registry confirm did not start a job: {confirm and confirm.status_code}"
        )
    return follow_job(browser, confirm.headers["Location"].replace(BASE, ""), "job-done")


# The run ---------------------------------------------------------------------------------------


def portal_env(stack: Stack) -> dict[str, str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_TEST", "PYTEST"))},
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{BOUNCER_PORT}/{DATABASE}",
        "PGBOUNCER": "1",
        "REPLICA_URL": f"postgres://postgres@127.0.0.1:{REPLICA_PORT}/{DATABASE}",
        "REPLICA_MAX_LAG_SECONDS": str(LAG_BOUND),
        "REPLICA_CHECK_SECONDS": str(CHECK_SECONDS),
        "CACHE_URL": CACHE_URL,
        "CACHE_KEY_PREFIX": f"lgdata-cluster-{secrets.token_hex(4)}",  # nothing from a past run
        "DEBUG": "0",
        "SECURE": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PROXY_COUNT": "1",
        "MEDIA_ROOT": str(stack.dir / "media"),  # the shared volume of every app server and worker
        "STATIC_ROOT": str(stack.dir / "static"),
        "EXPORT_BACKGROUND_LAOS": "1",  # the small dataset's exports and imports go to workers
        "REGISTRY_IMPORT_BACKGROUND_ROWS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    return env


def manage(env: dict, *args: str, direct: bool = False) -> str:
    """manage.py; ``direct`` goes to the primary itself (migrations, seeding), not PgBouncer."""
    if direct:
        env = {
            **env,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PRIMARY_PORT}/{DATABASE}",
            "PGBOUNCER": "0",
            "REPLICA_URL": "",
        }
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def check(condition: bool, message: str, problems: list[str]) -> None:
    log(("ok    " if condition else "FAIL  ") + message)
    if not condition:
        problems.append(message)


def run(stack: Stack) -> list[str]:
    started = time.monotonic()
    problems: list[str] = []
    figures: dict[str, object] = {}

    busy = [
        p
        for p in (PRIMARY_PORT, REPLICA_PORT, BOUNCER_PORT, NGINX_PORT, *APP_PORTS)
        if not port_free(p)
    ]
    if busy:
        raise RuntimeError(f"ports already in use: {busy} (another cluster test running?)")
    import redis

    redis.Redis.from_url(CACHE_URL).ping()  # the shared cache must be there (make cluster-test)

    log(f"PostgreSQL primary on {PRIMARY_PORT} ({stack.dir})")
    stack.primary_start()
    env = stack.env = portal_env(stack)
    manage(env, "migrate", "--noinput", "--verbosity", "0", direct=True)
    seed_env = {**env, "DEBUG": "1"}  # demo users (public password) need DEBUG on
    manage(seed_env, "seed_demo", "--provinces", PROVINCE, direct=True)
    registry_file = stack.dir / "registry.csv"
    ctx = json.loads(
        manage(
            {
                **seed_env,
                "CLUSTER_CLERKS": str(CLERKS),
                "CLUSTER_REGISTRY_FILE": str(registry_file),
            },
            "shell",
            "-c",
            (HERE / "prepare.py").read_text(),
            direct=True,
        ).splitlines()[-1]
    )
    manage(env, "collectstatic", "--noinput", "--verbosity", "0", direct=True)
    log(f"seeded province {PROVINCE}; streaming replica on {REPLICA_PORT} (pg_basebackup -R)")
    stack.replica_start()
    log(f"PgBouncer (transaction pooling) on {BOUNCER_PORT}")
    stack.pgbouncer_start()
    for number in (1, 2):
        stack.app_start(number)
        stack.worker_start(number)
    stack.nginx_start()
    log(
        f"app servers on {APP_PORTS}, 2 workers, nginx on {NGINX_PORT}: "
        f"up in {time.monotonic() - started:.0f} s"
    )
    setup_seconds = time.monotonic() - started

    # People log in through nginx.
    clerks = [
        Clerk(Browser(c["username"]), c["lao"], f"/lao/{c['lao']}/{ctx['year']}/population/")
        for c in ctx["clerks"]
    ]
    # A national officer on the dashboards and the API, a province officer's export, the
    # department's registry import: each their own session.
    officer, exporter, department = (
        Browser("department"),
        Browser("province"),
        Browser("department"),
    )
    for browser in [c.browser for c in clerks] + [officer, exporter, department]:
        browser.login()

    # 1. Everyone works while app server 1 is stopped and started again.
    log(
        "load: clerks save, officers read dashboards and the API, an export and an import run; "
        "app server 1 is stopped and started in the middle"
    )
    until = threading.Event()
    threads = [
        threading.Thread(target=clerk_work, args=(clerk, until, number))
        for number, clerk in enumerate(clerks)
    ] + [threading.Thread(target=officer_work, args=(officer, ctx, until))]
    for thread in threads:
        thread.start()
    jobs: dict[str, object] = {}

    def jobs_work() -> None:
        try:
            jobs["export_rows"] = export_once(exporter, ctx)
            import_once(department, ctx, registry_file)
        except Exception as exc:  # reported as a failure below
            jobs["error"] = repr(exc)

    jobs_thread = threading.Thread(target=jobs_work)
    jobs_thread.start()
    try:
        time.sleep(3)
        served_before = TALLY.by_upstream[str(APP_PORTS[0])]
        stopped_at = time.monotonic()
        # A rolling restart as docs/DEPLOYMENT.md says: drain the server at nginx (requests
        # under way finish), stop it (SIGTERM: gunicorn finishes what it has), and put it back in
        # nginx's list while it is still stopped: nginx finds it refusing connections and passes
        # every request on to app server 2 (proxy_next_upstream) until it is up again.
        stack.nginx_reload(drained=(APP_PORTS[0],))
        stack.stop("app1")
        stack.nginx_reload()
        log(
            f"app server 1 drained and stopped ({time.monotonic() - stopped_at:.1f} s); "
            "back in nginx's list while stopped"
        )
        time.sleep(4)
        served_while_down = TALLY.by_upstream[str(APP_PORTS[0])]
        stack.app_start(1)
        down_seconds = time.monotonic() - stopped_at
        log(f"app server 1 started again after {down_seconds:.1f} s down")
        # Until app server 1 has served again (nginx tries it after fail_timeout) and the
        # export and the import are done.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (
            TALLY.by_upstream[str(APP_PORTS[0])] < served_while_down + 5
        ):
            time.sleep(0.5)
        jobs_thread.join(120)
    finally:
        until.set()
        for thread in threads:
            thread.join(120)
    served_after = TALLY.by_upstream[str(APP_PORTS[0])]
    check("error" not in jobs, f"export and import ran through ({jobs.get('error', '')})", problems)
    check(
        served_before > 0 and served_after > served_while_down,
        f"app server 1 served before ({served_before}) and after its restart "
        f"({served_after - served_while_down} requests)",
        problems,
    )
    check(
        TALLY.by_upstream[str(APP_PORTS[1])] > 0,
        f"app server 2 served {TALLY.by_upstream[str(APP_PORTS[1])]} requests",
        problems,
    )

    # Sessions survived the restart: every clerk still reaches their section.
    for clerk in clerks:
        check(
            VERSION.search(clerk.browser.page(clerk.section_url)) is not None,
            f"{clerk.browser.username}'s session survived the restart",
            problems,
        )

    # Nothing lost: every accepted save is in the primary with its value.
    accepted = sum(len(c.accepted) for c in clerks)
    found = 0
    for clerk in clerks:
        rows = query(
            PRIMARY_PORT,
            "SELECT v.new_value::text FROM records_valuechange v "
            "JOIN records_record r ON r.id = v.record_id JOIN records_lao l ON l.id = r.lao_id "
            "WHERE l.code = %s "
            "AND r.fiscal_year = %s AND v.field_code = 'households_total'",
            (clerk.lao, ctx["year"]),
        )
        stored = {json.loads(row[0]) for row in rows}
        found += sum(1 for value in clerk.accepted if str(value) in stored or value in stored)
        last = query(
            PRIMARY_PORT,
            "SELECT e.values->>'households_total' FROM records_sectionentry e "
            "JOIN records_record r ON r.id = e.record_id JOIN records_section s "
            "ON s.id = e.section_id JOIN records_lao l ON l.id = r.lao_id "
            "WHERE l.code = %s AND r.fiscal_year = %s "
            "AND s.code = 'population'",
            (clerk.lao, ctx["year"]),
        )
        if clerk.accepted:
            check(
                last and str(last[0][0]) == str(clerk.accepted[-1]),
                f"{clerk.browser.username}'s last save ({clerk.accepted[-1]}) is the stored value",
                problems,
            )
    check(
        accepted > 0 and found == accepted,
        f"saves accepted {accepted}, found in the database {found}",
        problems,
    )
    figures["saves accepted / found"] = f"{accepted} / {found} (under load)"
    export_rows = jobs.get("export_rows", 0)
    check(
        bool(export_rows), f"the export (a worker's task) downloaded: {export_rows} rows", problems
    )
    websites = dict(
        query(
            PRIMARY_PORT,
            "SELECT code, website FROM records_lao WHERE code = ANY(%s)",
            (list(ctx["websites"]),),
        )
    )
    check(
        websites == ctx["websites"] and bool(websites),
        f"the registry import (a worker's task) changed {len(websites)} LAOs' web addresses",
        problems,
    )
    load_requests = TALLY.requests

    # 2. Dashboards, exports and the API read the replica; a clerk's pages read the primary.
    before = replica_table_reads()
    for clerk in clerks:
        clerk.browser.page(clerk.section_url)
        clerk.browser.page(f"/lao/{clerk.lao}/")
    after_clerks = replica_table_reads()
    check(
        after_clerks == before,
        f"clerks' pages read the primary only (replica scans {before} -> {after_clerks})",
        problems,
    )
    for path in officer_pages(ctx):
        officer.page(path)
    after_dashboards = replica_table_reads()
    for path in api_calls(ctx):
        api_get(department, ctx, path)
    after_api = replica_table_reads()
    export_once(exporter, ctx)
    after_export = replica_table_reads()
    check(
        after_dashboards > after_clerks,
        f"dashboards read the replica ({after_dashboards - after_clerks} scans there)",
        problems,
    )
    check(
        after_api > after_dashboards,
        f"the API reads the replica ({after_api - after_dashboards} scans there)",
        problems,
    )
    check(
        after_export > after_api,
        f"the export reads the replica ({after_export - after_api} scans there)",
        problems,
    )
    figures["replica scans: dashboards / API / export"] = (
        f"{after_dashboards - after_clerks} / {after_api - after_dashboards} / "
        f"{after_export - after_api}"
    )

    # 3. The replica stopped: the same pages read the primary and still answer.
    stack.pg_stop(stack.replica, "fast")
    time.sleep(CHECK_SECONDS + 0.5)
    failures_before = len(TALLY.failures)
    for path in officer_pages(ctx):
        officer.page(path)
    for path in api_calls(ctx):
        api_get(department, ctx, path)
    rows = export_once(exporter, ctx)
    check(
        len(TALLY.failures) == failures_before and rows > 0,
        "replica stopped: dashboards, API and export answer from the primary",
        problems,
    )
    stack.pg_start(stack.replica, REPLICA_PORT, "-c hot_standby=on")

    # 4. Replay paused until the replica lags past the bound: the primary again.
    query(REPLICA_PORT, "SELECT pg_wal_replay_pause()")
    clerk = clerks[0]
    lag_value = 999999
    form = clerk.browser.page(clerk.section_url)
    saved = clerk.browser.post(
        clerk.section_url,
        {
            **population(lag_value),
            "version": VERSION.search(form).group(1),
            "csrfmiddlewaretoken": clerk.browser.csrf(form),
        },
    )
    check(saved is not None and saved.status_code == 302, "a save while replay is paused", problems)
    time.sleep(LAG_BOUND + CHECK_SECONDS + 1)
    lag = query(REPLICA_PORT, "SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())")
    before = replica_table_reads()
    failures_before = len(TALLY.failures)
    for path in officer_pages(ctx):
        officer.page(path)
    for path in api_calls(ctx):
        api_get(department, ctx, path)
    after = replica_table_reads()
    check(
        after == before and len(TALLY.failures) == failures_before,
        f"replica {float(lag[0][0]):.1f} s behind (bound {LAG_BOUND} s): dashboards and API "
        f"answer from the primary (replica scans {before} -> {after})",
        problems,
    )
    query(REPLICA_PORT, "SELECT pg_wal_replay_resume()")
    deadline = time.monotonic() + 20
    replayed: list = []
    while time.monotonic() < deadline and not replayed:
        replayed = query(
            REPLICA_PORT,
            "SELECT 1 FROM records_sectionentry WHERE values->>'households_total' = %s",
            (str(lag_value),),
        )
        time.sleep(0.2)
    check(
        bool(replayed),
        "replay resumed: the replica has the save made while it was paused",
        problems,
    )
    time.sleep(CHECK_SECONDS + 0.5)
    before = replica_table_reads()
    for path in officer_pages(ctx):
        officer.page(path)
    after = replica_table_reads()
    check(
        after > before,
        f"caught up: dashboards read the replica again ({after - before} scans)",
        problems,
    )

    check(not TALLY.failures, f"no request failed ({len(TALLY.failures)} failures)", problems)
    for failure in TALLY.failures[:20]:
        log(f"      {failure}")
    if TALLY.failures:
        errors = (stack.dir / "nginx-error.log").read_text(errors="replace").splitlines()
        print("--- nginx-error.log (errors)\n" + "\n".join(e for e in errors if "[error]" in e))
    error_log = (stack.dir / "nginx-error.log").read_text(errors="replace")
    skipped = error_log.count("connect() failed (111")
    check(skipped > 0, f"nginx skipped the stopped app server {skipped} times", problems)
    transactions, queries = pgbouncer_stats()
    check(transactions > 0, f"PgBouncer carried {transactions} transactions", problems)
    figures["PgBouncer"] = f"{transactions} transactions, {queries} queries"
    total = time.monotonic() - started
    upstream = ", ".join(f"{port}: {TALLY.by_upstream[str(port)]}" for port in APP_PORTS)
    print()
    print("cluster-test summary")
    print(
        f"  requests through nginx     {TALLY.requests} ({load_requests} under load), "
        f"failures {len(TALLY.failures)}"
    )
    kinds = ", ".join(f"{kind} {count}" for kind, count in TALLY.by_kind.most_common())
    print(f"  requests by kind           {kinds}")
    print(f"  served by app server       {upstream}")
    print(
        f"  app server 1 down          {down_seconds:.1f} s under load; nginx passed on "
        f"{skipped} requests it refused"
    )
    for name, value in figures.items():
        print(f"  {name:<26} {value}")
    print(f"  export rows                {export_rows}")
    print(f"  time taken                 {total:.0f} s (setup {setup_seconds:.0f} s)")
    print(f"  result                     {'PASS' if not problems else 'FAIL'}")
    return problems


def main() -> int:
    stack = Stack()
    keep = os.environ.get("KEEP") == "1"

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        problems = run(stack)
    except BaseException as exc:
        log(f"FAIL  {exc!r}; logs in {stack.dir}")
        for name in ("app1", "app2", "worker1", "worker2", "pgbouncer", "nginx", "nginx-error"):
            path = stack.dir / f"{name}.log"
            if path.exists():
                tail = path.read_text(errors="replace").splitlines()[-15:]
                print(f"--- {name}.log\n" + "\n".join(tail))
        stack.close(keep)
        return 1
    finally:
        if stack.processes or stack.clusters:
            stack.close(keep)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
