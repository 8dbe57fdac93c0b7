"""`make bench`: every benchmark on SQLite and on PostgreSQL, on one national dataset built once
per database, and one table of the figures.

    .venv/bin/python -m bench.run_all [--quick] [--only dashboards,export] [--databases sqlite]
                                      [--doc docs/PERFORMANCE.md]

The dataset (`seed_demo` for the whole country: ~7,850 LAOs, two fiscal years of records with
every section, the demo users) is built once in a SQLite file under /tmp and once in the
PostgreSQL database lgdata_perf_bench (BENCH_POSTGRES_URL; its name must contain "bench"). Each
script then gets a copy of it (a file copy; CREATE DATABASE ... TEMPLATE on PostgreSQL), so
what one script writes (a round, saves, tokens) never reaches another's figures, and nothing is
seeded twice. import_registry makes its own empty database (it imports the registry into it);
parsing and upload_bounds use no dataset and run once.

Every script writes its items as JSON lines (--json, bench/throwaway.emit); the table has, per
item and database, p50 and p95 (ms), the query count, the peak memory (MB: Python's peak under
tracemalloc for one more request, or the process's maxrss for exports and imports) and the
ratio of the item's p95 to the p95 of its floor, measured in the same run by the same script.
`--quick` seeds four provinces and takes fewer requests (a smoke run; its figures are not the
national ones). `--doc FILE` puts the table, the machine and the time between the markers
<!-- bench:start --> and <!-- bench:end --> of FILE. The raw lines stay in var/bench/.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.throwaway import BASE_DIR, PREBUILT, _postgres, _postgres_name

POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/lgdata_perf_bench"
)
QUICK_PROVINCES = "67,81,10,50"
EXPORT_CASES = "csv,xlsx,floor-csv,floor-xlsx,floor-xlsxwriter"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def script_args(name: str, quick: bool) -> list[str]:
    """Each script's options for a full run and for --quick."""
    requests, warmup = ("10", "1") if quick else ("30", "3")
    return {
        "dashboards": ["--requests", requests, "--warmup", warmup],
        "key_figures": ["--requests", requests, "--warmup", warmup],
        "api": ["--requests", requests],
        "section_save": ["--requests", "30" if quick else "200", "--warmup", "3"],
        "export": ["--cases", EXPORT_CASES, "--no-trace"],
        "import_registry": ["--rows", "10000"] if quick else [],
        "parsing": [],
        "upload_bounds": [],
    }[name]


# Scripts on the national dataset (a copy each); on their own empty database; on none.
ON_DATASET = ("dashboards", "key_figures", "api", "section_save", "export")
OWN_DATABASE = ("import_registry",)
NO_DATASET = ("parsing", "upload_bounds")


def run(command: list[str], env: dict[str, str], log, *, must: bool = False) -> bool:
    """Runs a command, its output to the log file. A failed build stops everything (`must`); a
    failed script is reported and the others still run."""
    log.write(f"\n$ {' '.join(command)}\n")
    log.flush()
    done = subprocess.run(
        command, env=env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT, check=False
    )
    if done.returncode and must:
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}; see {log.name}")
    if done.returncode:
        print(f"FAILED ({done.returncode}): {' '.join(command[1:3])}; see {log.name}")
    return done.returncode == 0


def with_name(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def build(database_url: str, provinces: str | None, env: dict[str, str], log) -> None:
    """Migrates and seeds one database (bench.throwaway), ANALYZEd and checkpointed."""
    code = (
        "import sys;"
        "from bench.throwaway import setup_django, seed_national;"
        "setup_django(sys.argv[1]); seed_national(sys.argv[2] or None);"
        "from django.db import connection;"
        "c = connection.cursor();"
        "c.execute('ANALYZE' if connection.vendor == 'postgresql' "
        "else 'PRAGMA wal_checkpoint(TRUNCATE)');"
        "connection.close()"
    )
    run([sys.executable, "-c", code, database_url, provinces or ""], env, log, must=True)


class Dataset:
    """The built dataset of one database and its copies, one per script."""

    def __init__(self, vendor: str, workdir: Path):
        self.vendor = vendor
        if vendor == "sqlite":
            self.base = workdir / "lgdata-perf-bench-base.sqlite3"
            self.url = f"sqlite:///{self.base}"
        else:
            _postgres_name(POSTGRES_URL)
            self.url = POSTGRES_URL
        self.workdir = workdir

    def copy(self, script: str) -> str:
        if self.vendor == "sqlite":
            target = self.workdir / f"lgdata-perf-bench-{script}.sqlite3"
            shutil.copyfile(self.base, target)
            return f"sqlite:///{target}"
        url = with_name(POSTGRES_URL, f"{_postgres_name(POSTGRES_URL)}_{script}")
        name, base = _postgres_name(url), _postgres_name(POSTGRES_URL)
        _postgres(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _postgres(url, f'CREATE DATABASE "{name}" TEMPLATE "{base}"')
        return url

    def remove(self, url: str) -> None:
        if self.vendor == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{urlsplit(url).path}{suffix}").unlink(missing_ok=True)
        else:
            _postgres(url, f'DROP DATABASE IF EXISTS "{_postgres_name(url)}" WITH (FORCE)')

    def drop_base(self) -> None:
        self.remove(self.url)


# --- The table -----------------------------------------------------------------------------------


def _ms(value) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 1000 else f"{value:.1f}"


def _cell(line: dict | None, floors: dict) -> list[str]:
    if line is None:
        return ["", "", "", "", ""]
    floor = floors.get((line["script"], line["database"], line.get("floor")))
    ratio = ""
    if floor and floor is not line and floor.get("p95_ms") and line.get("p95_ms"):
        ratio = f"{line['p95_ms'] / floor['p95_ms']:.2f}×"
    peak = "–" if line.get("peak_mb") is None else f"{line['peak_mb']:,.0f}"
    queries = "–" if line.get("queries") is None else str(line["queries"])
    return [_ms(line.get("p50_ms")), _ms(line.get("p95_ms")), queries, peak, ratio]


def table(lines: list[dict]) -> str:
    """One Markdown table: an item per row, SQLite's and PostgreSQL's figures side by side."""
    floors = {(x["script"], x["database"], x["item"]): x for x in lines}
    items: dict[tuple[str, str], dict[str, dict]] = {}
    for line in lines:
        items.setdefault((line["script"], line["item"]), {})[line["database"]] = line
    header = (
        "| script | item | SQLite p50 ms | p95 ms | queries | peak MB | ÷ floor "
        "| PostgreSQL p50 ms | p95 ms | queries | peak MB | ÷ floor | target |"
    )
    rows = [header, "|" + "---|" * 13]
    for (script, item), by_database in items.items():
        sqlite = by_database.get("sqlite") or by_database.get("-")
        postgres = by_database.get("postgresql")
        target = next((x["target"] for x in by_database.values() if x.get("target")), "")
        rows.append(
            "| "
            + " | ".join(
                [script, item, *_cell(sqlite, floors), *_cell(postgres, floors), target or ""]
            )
            + " |"
        )
    return "\n".join(rows)


def machine() -> str:
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({model}){memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def write_doc(path: Path, text: str) -> None:
    doc = path.read_text(encoding="utf-8")
    if START not in doc or END not in doc:
        sys.exit(f"{path} has no {START} ... {END} block")
    before, rest = doc.split(START, 1)
    _old, after = rest.split(END, 1)
    path.write_text(f"{before}{START}\n{text}\n{END}{after}", encoding="utf-8")


# --- Main ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="four provinces, fewer requests")
    parser.add_argument("--only", help="comma-separated scripts (default: all)")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite,postgresql")
    parser.add_argument("--doc", type=Path, help="put the table into this file's bench block")
    parser.add_argument(
        "--table", type=Path, help="only print the table of an earlier run's figures (JSON lines)"
    )
    args = parser.parse_args()
    if args.table:
        lines = [json.loads(x) for x in args.table.read_text(encoding="utf-8").splitlines() if x]
        print(table(lines))
        return
    scripts = args.only.split(",") if args.only else [*ON_DATASET, *OWN_DATABASE, *NO_DATASET]
    if args.quick and not args.only:
        scripts = [s for s in scripts if s not in NO_DATASET]  # fixed-size; not for a smoke run
    vendors = args.databases.split(",")
    provinces = QUICK_PROVINCES if args.quick else None

    out = BASE_DIR / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    results, log_path = out / f"results-{stamp}.jsonl", out / f"log-{stamp}.txt"
    env = {
        **os.environ,
        "DEBUG": "1",
        "SECURE": "0",
        "PYTHONUNBUFFERED": "1",
        "BENCH_JSON": str(results),
    }
    env.pop("DATABASE_URL", None)
    workdir = Path(tempfile.mkdtemp(prefix="lgdata-perf-bench-"))
    started = time.perf_counter()
    load_before = os.getloadavg()
    failed: list[str] = []
    print(f"log: {log_path}\nfigures: {results}")
    with log_path.open("w", encoding="utf-8") as log:
        try:
            for vendor in vendors:
                dataset = Dataset(vendor, workdir)
                on_dataset = [s for s in scripts if s in ON_DATASET]
                if on_dataset:
                    began = time.perf_counter()
                    build(dataset.url, provinces, env, log)
                    print(f"{vendor}: dataset built in {time.perf_counter() - began:.0f} s")
                for script in scripts:
                    if script in NO_DATASET and vendor != vendors[0]:
                        continue
                    ok, began = True, time.perf_counter()
                    command = [sys.executable, "-m", f"bench.{script}"]
                    command += [*script_args(script, args.quick), "--json", str(results)]
                    if script in ON_DATASET:
                        url = dataset.copy(script)
                        try:
                            ok = run(command, {**env, "DATABASE_URL": url, PREBUILT: "1"}, log)
                        finally:
                            dataset.remove(url)
                    elif script in OWN_DATABASE:
                        own = {**env}
                        if vendor == "postgresql":
                            own["DATABASE_URL"] = with_name(
                                POSTGRES_URL, f"{_postgres_name(POSTGRES_URL)}_{script}"
                            )
                        ok = run(command, own, log)
                    else:
                        ok = run(command, env, log)
                    if not ok:
                        failed.append(f"{script} ({vendor})")
                    print(f"{vendor}: {script} in {time.perf_counter() - began:.0f} s")
                if on_dataset:
                    dataset.drop_base()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    lines = [json.loads(x) for x in results.read_text(encoding="utf-8").splitlines() if x]
    load_after = os.getloadavg()
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = (
        f"Measured {when} by `make bench{' BENCH_ARGS=--quick' if args.quick else ''}` "
        f"({'four provinces, a smoke run' if args.quick else 'the whole country'}) in "
        f"{(time.perf_counter() - started) / 60:.0f} min on {machine()}; load average "
        f"{load_before[0]:.1f} at the start, {load_after[0]:.1f} at the end."
        + (f" Failed (see the log): {', '.join(failed)}." if failed else "")
        + f"\n\n{table(lines)}"
    )
    print()
    print(text)
    if args.doc and args.quick:
        print(f"\n(--quick: {args.doc} left as it is; it keeps the national figures)")
    elif args.doc:
        write_doc(args.doc, text)
        print(f"\nwritten to {args.doc}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
