"""`make surge`: the week before a deadline, simulated with locust against gunicorn and PostgreSQL.

    .venv/bin/python -m bench.surge            # 200 users, a ramp of 1 user/s, 5 minutes steady
    SURGE_USERS=30 SURGE_STEADY=60 .venv/bin/python -m bench.surge      # a smoke run

1. Builds the national dataset (`seed_demo` for the whole country, a round of the current
   fiscal year with a realistic mix of submissions: bench/dashboards.open_round) in the
   throwaway PostgreSQL database SURGE_DATABASE_URL (its name must contain "bench"; default
   lgdata_perf_bench_surge), dropped at the end unless SURGE_KEEP=1; SURGE_REUSE=1 runs on
   the database an earlier run kept (and keeps it).
2. Makes an account for every simulated user, none shared: clerks of LAOs whose round is
   still open, district officers, province officers and department staff.
3. Starts gunicorn (DEBUG off, as in production) on 127.0.0.1:SURGE_PORT (8200) with
   SURGE_WORKERS workers of SURGE_THREADS threads and CONN_MAX_AGE=SURGE_CONN_MAX_AGE, the
   cache and the sessions in Redis at SURGE_CACHE_URL (redis://127.0.0.1:6379/0; each
   worker's own memory when it is empty or no Redis answers).
4. Runs locust headless (bench/surge_locustfile.py): SURGE_USERS users (70 % clerks opening and
   saving sections, 20 % officers on dashboards, 10 % table downloads), SURGE_RATE new users a
   second, then SURGE_STEADY seconds with all of them; each waits SURGE_WAIT (min,max) seconds
   between actions.
5. Prints the throughput, p50/p95/p99 per request type in the steady state (login: during the
   ramp, when everyone logs in), the errors, and the load average; then counts the saves the
   portal accepted against the values that changed in the database (ValueChange rows of the
   field the clerks set, and each clerk's last value as stored). They must be equal: the run
   exits 1 otherwise, and 1 too when a request failed.

Raw figures: var/surge/. docs/PERFORMANCE.md ("The surge") has the figures and the settings.
"""

import datetime
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.throwaway import (
    BASE_DIR,
    PREBUILT,
    cleanup,
    percentile,
    seed_national,
    setup_django,
    step,
)

ENV = os.environ.get
DATABASE_URL = ENV(
    "SURGE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lgdata_perf_bench_surge"
)
USERS = int(ENV("SURGE_USERS", "200"))
RATE = float(ENV("SURGE_RATE", "1"))
STEADY = int(ENV("SURGE_STEADY", "300"))
PORT = int(ENV("SURGE_PORT", "8200"))
WORKERS = int(ENV("SURGE_WORKERS", "2"))
THREADS = int(ENV("SURGE_THREADS", "4"))
CONN_MAX_AGE = ENV("SURGE_CONN_MAX_AGE", "60")
KEEP_ALIVE = ENV("SURGE_KEEP_ALIVE", "20")
CACHE_URL = ENV("SURGE_CACHE_URL", "redis://127.0.0.1:6379/0")  # "" for each worker's memory
PROVINCES = ENV("SURGE_PROVINCES") or None
REUSE = ENV("SURGE_REUSE") == "1"
KEEP = REUSE or ENV("SURGE_KEEP") == "1"  # else the database is dropped at the end
PASSWORD = "surge-Passw0rd-2569"
FIELD = ("general", "climate")  # the value each save changes: free text, in every LAO type
TYPES = ("login", "section GET", "save", "dashboard", "download")
TARGETS = {"section GET": 300, "save": 300, "dashboard": 500, "download": None, "login": 2000}
SEED = 2569


# --- Data and accounts ----------------------------------------------------------------------------


def build() -> None:
    from django.db import connection

    from bench.dashboards import open_round

    if REUSE and _seeded():
        print("dataset: kept from an earlier run (SURGE_REUSE=1)")
        return
    seed_national(PROVINCES)
    from django.utils import timezone

    step("open a round with a mix of statuses", lambda: open_round(timezone.localdate()))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _seeded() -> bool:
    from django.db import connection

    from deadlines.models import Round

    try:
        return Round.objects.exists()
    except Exception:  # not migrated yet
        connection.close()
        return False


def accounts(n_clerks: int, n_officers: int, n_downloaders: int) -> dict:
    """One account per simulated user (a few spare), made in bulk with one password hash:
    clerks of LAOs whose round is open, officers (district, province, department) for the
    dashboards, district and province officers for the downloads."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import Role, User
    from deadlines.models import Round, RoundLAO
    from records import hooks
    from records.models import LAO, Section
    from records.schema import current_schema
    from records.services import applicable_fields

    rng = random.Random(SEED)
    round_ = Round.objects.order_by("-pk").first()
    year = round_.fiscal_year
    section = Section.objects.get(schema=current_schema(), code=FIELD[0])
    open_laos = list(
        LAO.objects.filter(
            rounds__round=round_,
            rounds__state__in=[RoundLAO.State.OPEN, RoundLAO.State.RETURNED],
        )
        .select_related("district")
        .order_by("code")
    )
    rng.shuffle(open_laos)
    # Open: nothing stops its clerk saving (no submission in any round, no lock).
    today = timezone.localdate()
    chosen = []
    for lao in open_laos:
        if len(chosen) == n_clerks:
            break
        fields = {f.code for f in applicable_fields(section, lao.type)}
        if FIELD[1] in fields and hooks.edit_blocked_reason(lao, year, today) is None:
            chosen.append(lao)
    if len(chosen) < n_clerks:
        sys.exit(f"only {len(chosen)} LAOs open for saving, for {n_clerks} clerks")
    open_laos = chosen
    User.objects.filter(username__startswith="surge-").update(is_active=False)
    hashed = make_password(PASSWORD)
    made: dict[str, dict] = {}

    def account(username: str, **fields) -> None:
        made[username] = {"lao_id": None, "district_id": None, "province_id": None, **fields}

    clerks = []
    for i, lao in enumerate(open_laos[:n_clerks]):
        name = f"surge-clerk-{i:04d}"
        account(name, role=Role.CLERK, lao_id=lao.pk)
        base = f"/lao/{lao.code}/{year}"
        clerks.append(
            {
                "username": name,
                "save": f"{base}/{FIELD[0]}/",
                "field": FIELD[1],
                "open": [f"{base}/population/", f"{base}/economy/", f"/lao/{lao.code}/"],
            }
        )
    districts = sorted({lao.district_id for lao in open_laos})
    rng.shuffle(districts)
    provinces = sorted({d[:2] for d in districts})
    r = f"?round={round_.pk}"

    def officer(i: int, kind: str, downloads: bool) -> dict:
        name = f"surge-{kind}-{i:04d}"
        if i % 10 == 9:  # one in ten: department staff, on the nation
            account(name, role=Role.DEPARTMENT)
            pages = [f"/national/{r}", "/national/fields/"]
            files = [f"/national/{r}&download=csv", f"/national/{r}&download=xlsx"]
        elif i % 10 >= 7:  # two in ten: province officers
            province = provinces[i % len(provinces)]
            account(name, role=Role.PROVINCE, province_id=province)
            pages = [f"/province/{province}/{r}"]
            files = [f"/province/{province}/{r}&download=csv"]
        else:  # district officers, each of another district
            district = districts[i % len(districts)]
            account(name, role=Role.DISTRICT, district_id=district)
            pages = [f"/district/{district}/{r}", f"/district/{district}/{r}&sort=-completeness"]
            files = [
                f"/district/{district}/{r}&download=csv",
                f"/district/{district}/{r}&download=xlsx",
            ]
        return {
            "username": name,
            "dashboards" if not downloads else "downloads": files if downloads else pages,
        }

    officers = [officer(i, "officer", False) for i in range(n_officers)]
    downloaders = [officer(i + n_officers, "download", True) for i in range(n_downloaders)]
    existing = set(User.objects.filter(username__in=made).values_list("username", flat=True))
    User.objects.bulk_create(
        [
            User(username=name, password=hashed, **fields)
            for name, fields in made.items()
            if name not in existing
        ],
        batch_size=500,
    )
    for name in existing:
        User.objects.filter(username=name).update(password=hashed, is_active=True, **made[name])
    return {
        "password": PASSWORD,
        "year": year,
        "clerks": clerks,
        "officers": officers,
        "downloaders": downloaders,
    }


# --- The portal and the load ----------------------------------------------------------------------


def _redis_answers(url: str) -> bool:
    """Whether a Redis server answers PING at ``url`` (redis://host:port/db)."""
    from urllib.parse import urlsplit

    where = urlsplit(url)
    try:
        with socket.create_connection((where.hostname, where.port or 6379), timeout=2) as link:
            link.sendall(b"PING\r\n")
            return link.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def portal_env() -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DEBUG": "0",
        "SECURE": "0",
        "SECRET_KEY": "surge-" + "s" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CONN_MAX_AGE": CONN_MAX_AGE,
        "PYTHONPATH": str(BASE_DIR),
        "DJANGO_SETTINGS_MODULE": "lgdata.settings",
    }
    for name in ("BENCH_PREBUILT", "BENCH_JSON"):
        env.pop(name, None)
    # As production runs (docs/DEPLOYMENT.md): the cache, and the sessions read through it, in
    # Redis shared by both workers; keys of this run only, so nothing of another run is read.
    if CACHE_URL and _redis_answers(CACHE_URL):
        env["CACHE_URL"] = CACHE_URL
        env["CACHE_KEY_PREFIX"] = f"surge-{int(time.time())}"
        print(f"cache: {CACHE_URL} (key prefix {env['CACHE_KEY_PREFIX']})")
    else:
        env.pop("CACHE_URL", None)
        print("cache: each worker's own memory (no Redis answered at SURGE_CACHE_URL)")
    return env


def start_gunicorn(env: dict[str, str], workdir: Path) -> subprocess.Popen:
    log = (workdir / "gunicorn.log").open("wb")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn), "lgdata.wsgi", "--bind", f"127.0.0.1:{PORT}",
        "--workers", str(WORKERS), "--threads", str(THREADS),
        "--timeout", "60", "--graceful-timeout", "10",
        # Longer than a user's pause: with gunicorn's 2 s a connection idle between two actions
        # was closed just as the next request went out ("connection reset by peer").
        "--keep-alive", KEEP_ALIVE,
    ]  # fmt: skip
    print(f"gunicorn: {WORKERS} workers x {THREADS} threads, CONN_MAX_AGE={CONN_MAX_AGE}")
    process = subprocess.Popen(
        command, env=env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            pass
        if process.poll() is not None:
            sys.exit(f"gunicorn stopped: {(workdir / 'gunicorn.log').read_text()[-2000:]}")
        time.sleep(0.5)
    process.terminate()
    sys.exit("gunicorn did not answer /healthz within 60 s")


def floors() -> str:
    """The machine's speed at the start of the run, measured before the load so that runs of
    different days can be compared (the speed of this machine varies through the day): the
    p50 of 200 requests to /healthz one after another (gunicorn, Django's middleware and one
    query: what every request pays), and the best of five runs of a million-step Python loop
    (one core's speed)."""
    times = []
    for _ in range(200):
        started = time.perf_counter()
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=5) as answer:
            answer.read()
        times.append((time.perf_counter() - started) * 1000)
    loops = []
    for _ in range(5):
        started = time.process_time()
        sum(i * i for i in range(1_000_000))
        loops.append((time.process_time() - started) * 1000)
    return (
        f"floors before the load: /healthz p50 {percentile(times, 0.5):.1f} ms, "
        f"a million-step Python loop {min(loops):.0f} ms"
    )


def port_free() -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", PORT)) != 0


def run_locust(accounts_file: Path, out: Path) -> float:
    """Runs locust; returns the length of the ramp in seconds."""
    ramp = math.ceil(USERS / RATE)
    locust = Path(sys.executable).with_name("locust")
    command = [
        str(locust), "-f", str(BASE_DIR / "bench" / "surge_locustfile.py"), "--headless",
        "--users", str(USERS), "--spawn-rate", str(RATE), "--run-time", f"{ramp + STEADY}s",
        "--host", f"http://127.0.0.1:{PORT}", "--only-summary", "--stop-timeout", "15",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {
        **os.environ,
        "SURGE_ACCOUNTS": str(accounts_file),
        "SURGE_OUT": str(out),
        "SURGE_RUN": out.stem.removeprefix("requests-"),
    }
    print(f"locust: {USERS} users, {RATE:g} a second ({ramp} s), then {STEADY} s steady")
    done = subprocess.run(
        command, env=env, cwd=BASE_DIR, capture_output=True, text=True, check=False
    )
    if done.returncode not in (0, 1):  # 1: some requests failed, reported below
        sys.exit(f"locust failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return float(ramp)


# --- The report -----------------------------------------------------------------------------------


def report(out: Path, ramp: float) -> tuple[list[dict], list[dict], str]:
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines() if x]
    requests = [x for x in lines if "name" in x]
    accepted = [x for x in lines if "accepted" in x]
    steady = [x for x in requests if x["t"] >= ramp]
    seconds = max((x["t"] for x in steady), default=ramp) - ramp
    rows = [
        "| request | phase | count | p50 ms | p95 ms | p99 ms | max ms | errors | target p95 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in (*TYPES, "login page"):
        phase = "ramp" if name.startswith("login") else "steady"
        chosen = [x for x in requests if x["name"] == name and (phase == "ramp" or x["t"] >= ramp)]
        if not chosen:
            continue
        times = [x["ms"] for x in chosen]
        errors = sum(x["failed"] for x in chosen)
        target = TARGETS.get(name)
        verdict = ""
        if target:
            verdict = f"< {target:,} ms: {'PASS' if percentile(times, 0.95) < target else 'FAIL'}"
        rows.append(
            f"| {name} | {phase} | {len(times):,} | {percentile(times, 0.5):,.0f} | "
            f"{percentile(times, 0.95):,.0f} | {percentile(times, 0.99):,.0f} | "
            f"{max(times):,.0f} | {errors} | {verdict} |"
        )
    rows += [
        "",
        "The dashboards and downloads by page (steady state):",
        "",
        "| request | page | count | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|",
    ]
    for name in ("dashboard", "download"):
        pages = sorted({x.get("page", "") for x in requests if x["name"] == name})
        for page in pages:
            times = [
                x["ms"]
                for x in requests
                if x["name"] == name and x.get("page", "") == page and x["t"] >= ramp
            ]
            if times:
                rows.append(
                    f"| {name} | {page} | {len(times):,} | {percentile(times, 0.5):,.0f} | "
                    f"{percentile(times, 0.95):,.0f} | {percentile(times, 0.99):,.0f} |"
                )
    errors = [x for x in requests if x["failed"]]
    summary = (
        f"{len(requests):,} requests, {len(errors)} errors; steady state: "
        f"{len(steady) / seconds if seconds else 0:.1f} requests/s over {seconds:.0f} s"
    )
    return errors, accepted, summary + "\n\n" + "\n".join(rows)


def count_changes(accepted: list[dict], since: datetime.datetime) -> tuple[int, int, list[str]]:
    """(values of the field changed in the database by the clerks since the start, other
    values they changed, clerks whose stored value is not the last one the portal accepted)."""
    from accounts.models import User
    from records.models import SectionEntry, ValueChange

    clerks = User.objects.filter(username__startswith="surge-clerk-")
    changes = ValueChange.objects.filter(changed_by__in=clerks, changed_at__gte=since)
    field_changes = changes.filter(field_code=FIELD[1]).count()
    other = changes.exclude(field_code=FIELD[1]).count()
    last = {x["accepted"]: x["value"] for x in accepted}
    stored = dict(
        SectionEntry.objects.filter(
            section__code=FIELD[0],
            record__fiscal_year=ACCOUNT_YEAR[0],
            record__lao__users__username__in=list(last),
        ).values_list("record__lao__users__username", f"values__{FIELD[1]}")
    )
    wrong = [name for name, value in last.items() if stored.get(name) != value]
    return field_changes, other, wrong


ACCOUNT_YEAR: list[int] = []


def main() -> None:
    if not port_free():
        sys.exit(f"port {PORT} is taken")
    if REUSE:
        os.environ[PREBUILT] = "1"
    setup_django(DATABASE_URL)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    build()
    if REUSE:
        call_command("migrate", verbosity=0)
    clerks = round(USERS * 0.7)
    officers = round(USERS * 0.2)
    made = step(
        "accounts", lambda: accounts(clerks + 5, officers + 5, USERS - clerks - officers + 5)
    )
    ACCOUNT_YEAR.append(made["year"])
    workdir = BASE_DIR / "var" / "surge"
    workdir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    accounts_file, out = workdir / f"accounts-{stamp}.json", workdir / f"requests-{stamp}.jsonl"
    accounts_file.write_text(json.dumps(made), encoding="utf-8")
    static = Path(tempfile.mkdtemp(prefix="lgdata-perf-surge-static-"))
    env = {**portal_env(), "STATIC_ROOT": str(static)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        env=env, cwd=BASE_DIR, check=True,
    )  # fmt: skip
    connection.close()
    since = timezone.now()
    gunicorn = start_gunicorn(env, workdir)
    try:
        speed = floors()
        print(speed)
        load_before = os.getloadavg()
        ramp = run_locust(accounts_file, out)
        load_after = os.getloadavg()
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)
        shutil.rmtree(static, ignore_errors=True)
    errors, accepted, table = report(out, ramp)
    field_changes, other, wrong = count_changes(accepted, since)
    print()
    print(
        f"{USERS} users ({clerks} clerks, {officers} officers, {USERS - clerks - officers} "
        f"downloading), ramp {ramp:.0f} s, steady {STEADY} s; gunicorn {WORKERS} workers x "
        f"{THREADS} threads, CONN_MAX_AGE={CONN_MAX_AGE}; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} at the end "
        f"({load_after[1]:.1f} over 5 min) on {os.cpu_count()} CPUs"
    )
    print(speed)
    print(table)
    print()
    print(
        f"saves accepted by the portal: {len(accepted):,}; values of {FIELD[0]}.{FIELD[1]} "
        f"changed in the database: {field_changes:,}; other values changed by the clerks: {other}"
    )
    for error in errors[:10]:
        print(f"  error: {error['name']} at {error['t']:.0f} s: {error['error']}")
    failed = False
    if field_changes != len(accepted) or wrong:
        print(
            f"MISMATCH: {len(accepted)} saves accepted, {field_changes} values changed; "
            f"{len(wrong)} clerks' stored value is not their last accepted save: {wrong[:5]}"
        )
        failed = True
    else:
        print("saves accepted = values changed: PASS")
    if errors:
        failed = True
    print(f"raw: {out}")
    if KEEP:
        print(f"kept: {DATABASE_URL} (SURGE_REUSE=1 runs on it again)")
    else:
        cleanup(None, DATABASE_URL)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
