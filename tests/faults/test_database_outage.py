"""Fault drills on a throwaway PostgreSQL cluster behind a real gunicorn (docs/security.md):

- the database stops while people use the portal: they get a Thai 503 page with no traceback,
  and the portal recovers by itself when the database returns;
- a section save cut off by the outage in the middle of its transaction leaves nothing half-saved;
- an import worker killed with SIGKILL mid-import leaves the registry as it was.
"""

import concurrent.futures
import contextlib
import csv
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

from tests.factories import POPULATION
from tests.faults.cluster import (
    BASE_DIR,
    Cluster,
    Portal,
    manage,
    portal_env,
    skip_without_postgres,
)

pytestmark = pytest.mark.postgres

SEED = """
from accounts.models import Role
from lgdata.thai import fiscal_year_of
from django.utils import timezone
from records.services import record_get_or_create
from tests.factories import make_lao, make_user
lao = make_lao("6701", name="นาป่า")
make_user("clerk", Role.CLERK, lao=lao)
year = fiscal_year_of(timezone.localdate())
record = record_get_or_create(lao=lao, fiscal_year=year)
print(lao.code, year, record.pk)
"""
THAI_503 = "ไม่สามารถเชื่อมต่อฐานข้อมูลได้"


@pytest.fixture(scope="module")
def drill():
    skip_without_postgres()
    cluster = Cluster()
    static_root = Path(tempfile.mkdtemp(prefix="lgdata-fault-static-"))
    portal = None
    try:
        cluster.init()
        cluster.connect("postgres").cursor().execute("CREATE DATABASE lgdata_fault")
        env = portal_env(cluster, static_root)
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        code, year, record_id = manage(env, "shell", "-c", SEED).stdout.splitlines()[-1].split()
        portal = Portal(env, cluster.dir / "gunicorn.log")
        yield {"cluster": cluster, "portal": portal, "env": env, "lao": code, "year": year,
               "record": int(record_id)}  # fmt: skip
    finally:
        if portal is not None:
            portal.stop()
        cluster.destroy()
        import shutil

        shutil.rmtree(static_root, ignore_errors=True)


@pytest.fixture
def running(drill):
    """Each drill starts with the database up, whatever the last one left."""
    if drill["cluster"]._run("pg_ctl", "-D", str(drill["cluster"].data), "status",
                             check=False).returncode != 0:  # fmt: skip
        drill["cluster"].start()
    return drill


def logged_in(base: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=20)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/accounts/login/",
        {"username": "clerk", "password": "correct-horse-2567", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=20,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def assert_thai_503(response: requests.Response) -> None:
    assert response.status_code == 503, (response.status_code, response.text[:300])
    assert THAI_503 in response.text
    assert "Traceback" not in response.text
    assert "OperationalError" not in response.text
    assert "psycopg" not in response.text


def test_an_outage_is_a_thai_503_and_the_portal_recovers_by_itself(running):
    drill = running
    cluster, base = drill["cluster"], drill["portal"].base
    session = logged_in(base)
    page = f"{base}/lao/{drill['lao']}/"
    assert session.get(page, timeout=20).status_code == 200

    # Requests keep coming while the database stops: each is a page or the 503, never a 500.
    def keep_asking(until: float) -> list[int]:
        codes = []
        while time.monotonic() < until:
            response = session.get(page, timeout=20)
            if response.status_code == 503:
                assert_thai_503(response)
            codes.append(response.status_code)
        return codes

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        until = time.monotonic() + 2.0
        futures = [pool.submit(keep_asking, until) for _ in range(3)]
        time.sleep(0.3)
        cluster.stop("immediate")
        codes = [code for future in futures for code in future.result()]
    assert set(codes) <= {200, 503}, codes
    assert 503 in codes

    assert_thai_503(session.get(page, timeout=20))
    assert requests.get(f"{base}/healthz", timeout=20).status_code == 503

    cluster.start()
    response = session.get(page, timeout=20)  # the very next request, same worker, same session
    assert response.status_code == 200, response.text[:300]
    assert "นาป่า" in response.text


def _entry(cluster: Cluster, record_id: int) -> tuple:
    return cluster.query(
        "SELECT e.version, e.values::text, e.filled_count, r.filled_count,"
        " (SELECT count(*) FROM records_valuechange v WHERE v.record_id = r.id)"
        " FROM records_sectionentry e JOIN records_record r ON r.id = e.record_id"
        " JOIN records_section s ON s.id = e.section_id"
        " WHERE r.id = %s AND s.code = 'population'",
        (record_id,),
    )[0]


def test_a_save_cut_off_by_the_outage_is_all_or_nothing(running):
    drill = running
    cluster, base, record = drill["cluster"], drill["portal"].base, drill["record"]
    session = logged_in(base)
    url = f"{base}/lao/{drill['lao']}/{drill['year']}/population/"
    form = session.get(url, timeout=20)
    assert form.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    data = {**POPULATION, "population_as_of": "30/9/2567", "version": "0",
            "csrfmiddlewaretoken": token}  # fmt: skip
    before = _entry(cluster, record)
    assert before[0] == 0 and before[4] == 0

    # Another transaction holds the record's row: the save, inside its transaction, waits for
    # the record's lock (section_save takes it first). The database stops right there.
    blocker = cluster.connect()
    blocker.autocommit = False
    blocker.cursor().execute("SELECT 1 FROM records_record WHERE id = %s FOR UPDATE", (record,))
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        saving = pool.submit(session.post, url, data, headers={"Referer": url}, timeout=30)
        deadline = time.monotonic() + 20
        waiting = []
        while time.monotonic() < deadline and not waiting:
            waiting = cluster.query(
                "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND query LIKE '%%\"records_record\"%%'"
            )
            time.sleep(0.05)
        assert waiting, "the save never reached the record's lock"
        cluster.stop("immediate")
        response = saving.result()
    with contextlib.suppress(Exception):
        blocker.close()
    assert_thai_503(response)

    cluster.start()
    assert _entry(cluster, record) == before  # nothing of the save is there

    response = session.post(url, data, headers={"Referer": url}, timeout=30, allow_redirects=False)
    assert response.status_code == 302, response.text[:500]
    version, values, filled, record_filled, history = _entry(cluster, record)
    assert version == 1
    assert '"population_total": "2500"' in values
    assert filled == record_filled > 0  # the record's totals came with the section
    assert history == len(POPULATION)  # and the history, one change per field


def test_an_import_killed_mid_transaction_leaves_the_registry_as_it_was(running):
    drill = running
    cluster, env = drill["cluster"], drill["env"]
    before = cluster.query("SELECT count(*) FROM records_lao")[0][0]
    registry = Path(tempfile.mkdtemp(prefix="lgdata-fault-registry-")) / "registry.csv"
    script = (
        "import django; django.setup()\n"
        "import sys; sys.path.insert(0, 'bench')\n"
        "from pathlib import Path\n"
        "from import_registry import national_rows, write_csv\n"
        f"write_csv(national_rows(6000), Path({str(registry)!r}))\n"
    )
    subprocess.run([sys.executable, "-c", script], env=env, cwd=BASE_DIR, check=True,
                   capture_output=True, timeout=120)  # fmt: skip
    with registry.open(encoding="utf-8-sig") as stream:
        assert sum(1 for _ in csv.reader(stream)) > 6000
    worker = subprocess.Popen(
        [sys.executable, str(BASE_DIR / "manage.py"), "import_laos", str(registry), "--commit"],
        env=env, cwd=BASE_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    # Killed once it has written LAOs inside its transaction (it holds a row lock on the table).
    deadline = time.monotonic() + 60
    writing = []
    while time.monotonic() < deadline and not writing and worker.poll() is None:
        writing = cluster.query(
            "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
            " JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE c.relname = 'records_lao' AND l.mode = 'RowExclusiveLock'"
            " AND a.pid <> pg_backend_pid()"
        )
        time.sleep(0.02)
    assert writing, (worker.poll(), worker.stderr.read().decode()[-2000:] if worker.poll() else "")
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    assert worker.returncode == -signal.SIGKILL
    # The server notices the dead client and rolls its transaction back.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and cluster.query(
        "SELECT 1 FROM pg_stat_activity WHERE datname = 'lgdata_fault' AND pid <> pg_backend_pid()"
        " AND state <> 'idle' AND backend_type = 'client backend'"
    ):
        time.sleep(0.1)
    assert cluster.query("SELECT count(*) FROM records_lao")[0][0] == before
