"""Benchmark: the national records export (CSV streamed through the web view, XLSX written in
write-only mode) against a floor and against django-import-export.

    DEBUG=1 .venv/bin/python -m bench.export [--keep] [--no-trace]

Seeds the whole country with ``seed_demo`` (every LAO, sample records of this and last fiscal
year) on a throwaway SQLite file under /tmp (or the DATABASE_URL it is given; it refuses the
development database var/db.sqlite3), then runs every measurement in a fresh child process so
that each peak resident size (maxrss) is the export's own, not the seeding's:

- ``csv``: the portal's CSV download of the whole country through Django's test Client
  (``/exports/records/?format=csv``, a StreamingHttpResponse): time to the first byte, to the
  first LAO row, and in total.
- ``xlsx``: the portal's national XLSX (``records_xlsx_write``, what the background job runs).
- ``floor-csv`` / ``floor-xlsx`` / ``floor-xlsxwriter``: the same rows (one per LAO, one column
  per field) from a plain ``values_list`` query written with the bare csv writer, openpyxl's
  write-only writer or XlsxWriter in constant-memory mode: no headers, no conversion, no
  escaping. No export of these rows can be much faster; the XLSX floor is the faster of the two
  bare XLSX writers.
- ``iex-csv`` / ``iex-xlsx``: the naive peer, a django-import-export ``ModelResource`` over
  Record with one dehydrated field per schema field (entries prefetched), exported to a tablib
  Dataset and then to CSV / XLSX.

Each case runs once for time and maxrss, and once more under tracemalloc for the peak of Python
allocations (tracemalloc slows it down, so that run's time is not reported).
"""

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.throwaway import BASE_DIR, emit, json_option, prebuilt, use_json

CASES = ("csv", "xlsx", "floor-csv", "floor-xlsx", "floor-xlsxwriter", "iex-csv", "iex-xlsx")
TARGETS = {"xlsx_seconds": 60, "xlsx_maxrss_mb": 300, "csv_first_byte_s": 1}
XLSX_FLOORS = ("floor-xlsx", "floor-xlsxwriter")


def setup_django(database_url: str) -> None:
    if str(BASE_DIR / "var" / "db.sqlite3") in database_url:
        sys.exit("Refusing to benchmark on the development database var/db.sqlite3.")
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("SECURE", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lgdata.settings")
    import django

    django.setup()


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- The cases (each runs in a child process) ----------------------------------------------------


def national_scope():
    from dashboards.export_scope import export_scope

    return export_scope(user=None)


def case_csv(out: Path) -> dict:
    """The web view, streamed through the test Client, written to a file as it arrives."""
    from django.test import Client

    from accounts.models import Role, User

    user, _created = User.objects.get_or_create(
        username="bench-department", defaults={"role": Role.DEPARTMENT}
    )
    client = Client()
    client.force_login(user)
    started = time.perf_counter()
    response = client.get("/exports/records/", {"format": "csv"}, HTTP_HOST="localhost")
    assert response.status_code == 200, response.status_code
    first_byte = first_row = None
    size = lines = 0
    with out.open("wb") as stream:
        for chunk in response.streaming_content:
            if first_byte is None:
                first_byte = time.perf_counter() - started
            if first_row is None and chunk[:1].isdigit():
                first_row = time.perf_counter() - started
            stream.write(chunk)
            size += len(chunk)
            lines += 1
    response.close()
    return {
        "seconds": time.perf_counter() - started,
        "first_byte_s": first_byte,
        "first_row_s": first_row,
        "bytes": size,
        "chunks": lines,
    }


def case_xlsx(out: Path) -> dict:
    from dashboards.export_writers import records_xlsx_write

    started = time.perf_counter()
    count = records_xlsx_write(national_scope(), out)
    return {"seconds": time.perf_counter() - started, "laos": count, "bytes": out.stat().st_size}


def _floor_rows():
    """One list per LAO (code, then every field's stored value) from two plain queries."""
    from django.db.models import Q

    from dashboards.export_scope import export_scope
    from records.models import Field, SectionEntry
    from records.schema import current_schema

    scope = export_scope(user=None)
    fields = list(
        Field.objects.filter(section__schema=current_schema())
        .order_by("section__order", "order")
        .values_list("section__code", "code")
    )
    entries = (
        SectionEntry.objects.filter(Q(record__fiscal_year=scope.fiscal_year))
        .order_by("record__lao__code")
        .values_list("record__lao__code", "section__code", "values")
        .iterator(chunk_size=2000)
    )
    code, values = None, {}
    for lao_code, section_code, section_values in entries:
        if lao_code != code:
            if code is not None:
                yield [code, *(values.get(s, {}).get(f) for s, f in fields)]
            code, values = lao_code, {}
        values[section_code] = section_values
    if code is not None:
        yield [code, *(values.get(s, {}).get(f) for s, f in fields)]


def case_floor_csv(out: Path) -> dict:
    started = time.perf_counter()
    rows = 0
    with out.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        for row in _floor_rows():
            writer.writerow(row)
            rows += 1
    return {"seconds": time.perf_counter() - started, "laos": rows, "bytes": out.stat().st_size}


def case_floor_xlsx(out: Path) -> dict:
    from openpyxl import Workbook

    started = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("records")
    rows = 0
    for row in _floor_rows():
        sheet.append(row)
        rows += 1
    book.save(out)
    return {"seconds": time.perf_counter() - started, "laos": rows, "bytes": out.stat().st_size}


def case_floor_xlsxwriter(out: Path) -> dict:
    import xlsxwriter

    started = time.perf_counter()
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    sheet = book.add_worksheet("records")
    rows = 0
    for row in _floor_rows():
        sheet.write_row(rows, 0, row)
        rows += 1
    book.close()
    return {"seconds": time.perf_counter() - started, "laos": rows, "bytes": out.stat().st_size}


def _iex_dataset():
    """django-import-export, used plainly: a ModelResource over Record, one dehydrated field per
    schema field, the record's entries prefetched."""
    from import_export import fields, resources

    from dashboards.export_scope import export_scope
    from records.models import Field, Record
    from records.schema import current_schema

    scope = export_scope(user=None)
    schema_fields = list(
        Field.objects.filter(section__schema=current_schema())
        .order_by("section__order", "order")
        .values_list("section__code", "code")
    )

    def values_of(record) -> dict:
        cached = getattr(record, "_bench_values", None)
        if cached is None:
            cached = {e.section.code: e.values for e in record.entries.all()}
            record._bench_values = cached
        return cached

    attrs = {
        "lao_code": fields.Field(attribute="lao__code", column_name="lao_code"),
        "lao_name": fields.Field(attribute="lao__name_th", column_name="lao_name"),
    }
    for section_code, code in schema_fields:
        attrs[code] = fields.Field(column_name=code)
        attrs[f"dehydrate_{code}"] = lambda self, record, s=section_code, c=code: (
            values_of(record).get(s, {}).get(c)
        )
    names = ("lao_code", "lao_name", *(code for _section, code in schema_fields))
    attrs["Meta"] = type("Meta", (), {"model": Record, "fields": names})
    resource_class = type("RecordResource", (resources.ModelResource,), attrs)
    queryset = (
        Record.objects.filter(fiscal_year=scope.fiscal_year)
        .select_related("lao")
        .prefetch_related("entries__section")
        .order_by("lao__code")
    )
    return resource_class().export(queryset=queryset)


def case_iex_csv(out: Path) -> dict:
    started = time.perf_counter()
    dataset = _iex_dataset()
    out.write_text(dataset.export("csv"), encoding="utf-8")
    return {"seconds": time.perf_counter() - started, "laos": dataset.height}


def case_iex_xlsx(out: Path) -> dict:
    started = time.perf_counter()
    dataset = _iex_dataset()
    out.write_bytes(dataset.export("xlsx"))
    return {"seconds": time.perf_counter() - started, "laos": dataset.height}


RUNNERS = {
    "csv": case_csv,
    "xlsx": case_xlsx,
    "floor-csv": case_floor_csv,
    "floor-xlsx": case_floor_xlsx,
    "floor-xlsxwriter": case_floor_xlsxwriter,
    "iex-csv": case_iex_csv,
    "iex-xlsx": case_iex_xlsx,
}


def child(case: str, out: Path, trace: bool) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.ensure_connection()
    before = maxrss_mb()
    if trace:
        tracemalloc.start()
    with CaptureQueriesContext(connection) as queries:
        figures = RUNNERS[case](out)
    figures["queries"] = len(queries)
    if trace:
        figures["python_peak_mb"] = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
        tracemalloc.stop()
    figures["maxrss_mb"] = maxrss_mb()
    figures["maxrss_at_start_mb"] = before
    print(json.dumps(figures))


def run_child(case: str, database_url: str, workdir: Path, *, trace: bool) -> dict:
    suffix = "csv" if case.endswith("csv") else "xlsx"
    out = workdir / f"{case}.{suffix}"
    command = [sys.executable, "-m", "bench.export", "--child", case, "--out", str(out)]
    if trace:
        command.append("--trace")
    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run(
        command, env=env, cwd=BASE_DIR, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"{case} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- The run -------------------------------------------------------------------------------------


def record(results: dict[str, dict], database_url: str) -> None:
    """The cases as JSON lines (--json): one run each, so p50 = p95; peak memory is the child
    process's maxrss; the XLSX floor is the fastest bare XLSX writer of this run."""
    if not os.environ.get("BENCH_JSON"):
        return
    setup_django(database_url)
    xlsx_floors = [k for k in XLSX_FLOORS if k in results]
    fastest = min(xlsx_floors, key=lambda k: results[k]["seconds"]) if xlsx_floors else None
    floors = {"csv": "floor-csv", "xlsx": fastest, "iex-csv": "floor-csv", "iex-xlsx": fastest}
    targets = {"xlsx": "≤ 2× the fastest bare writer", "csv": "first byte < 1 s"}
    for case, figures in results.items():
        extra = {"first_byte_s": figures["first_byte_s"]} if "first_byte_s" in figures else {}
        emit(
            "export",
            case,
            times_ms=[figures["seconds"] * 1000],
            queries=figures.get("queries"),
            peak_mb=figures["maxrss_mb"],
            floor=floors.get(case),
            target=targets.get(case),
            **extra,
        )


def seed(database_url: str) -> None:
    setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    from records.models import LAO, Record

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    call_command("seed_demo", stdout=io.StringIO())
    print(
        f"seed_demo (whole country): {time.perf_counter() - started:.1f} s, "
        f"{LAO.objects.count():,} LAOs, {Record.objects.count():,} records"
    )
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="Keep the database and files.")
    parser.add_argument("--no-trace", action="store_true", help="Skip the tracemalloc runs.")
    parser.add_argument(
        "--no-seed",
        action="store_true",
        help="Use the DATABASE_URL given as it is (already migrated and seeded).",
    )
    parser.add_argument("--cases", default=",".join(CASES), help="Comma-separated cases.")
    json_option(parser)
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    use_json(args.json)

    if args.child:
        setup_django(os.environ["DATABASE_URL"])
        child(args.child, args.out, args.trace)
        return

    throwaway = None
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        handle, name = tempfile.mkstemp(prefix="lgdata-bench-", suffix=".sqlite3", dir="/tmp")
        os.close(handle)
        throwaway = Path(name)
        database_url = f"sqlite:///{throwaway}"
    print(f"database: {database_url}; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    if not (args.no_seed or prebuilt()) or throwaway:
        seed(database_url)
    workdir = Path(tempfile.mkdtemp(prefix="lgdata-bench-export-"))
    results: dict[str, dict] = {}
    for case in args.cases.split(","):
        figures = run_child(case, database_url, workdir, trace=False)
        if not args.no_trace:
            traced = run_child(case, database_url, workdir, trace=True)
            figures["python_peak_mb"] = traced["python_peak_mb"]
        results[case] = figures
        extra = ""
        if "first_byte_s" in figures:
            extra = (
                f"  first byte {figures['first_byte_s']:.3f} s, "
                f"first LAO row {figures['first_row_s']:.2f} s"
            )
        peak = figures.get("python_peak_mb")
        print(
            f"{case:<11} {figures['seconds']:7.1f} s  maxrss {figures['maxrss_mb']:6.0f} MB "
            f"(at start {figures['maxrss_at_start_mb']:.0f})"
            + (f"  python peak {peak:6.0f} MB" if peak is not None else "")
            + extra
        )

    print()
    record(results, database_url)
    floors = [k for k in XLSX_FLOORS if k in results]
    if floors:
        results["floor-xlsx"] = min((results[k] for k in floors), key=lambda r: r["seconds"])
    for fmt in ("csv", "xlsx"):
        mine, floor, peer = (results.get(k) for k in (fmt, f"floor-{fmt}", f"iex-{fmt}"))
        if mine and floor:
            print(f"{fmt}: portal / floor = {mine['seconds'] / floor['seconds']:.2f}x", end="")
            if peer:
                print(
                    f"; django-import-export / portal = {peer['seconds'] / mine['seconds']:.2f}x "
                    f"(maxrss {peer['maxrss_mb']:.0f} MB vs {mine['maxrss_mb']:.0f} MB)",
                    end="",
                )
            print()
    if "xlsx" in results and "csv" in results:
        x, c = results["xlsx"], results["csv"]
        print(
            f"targets: national XLSX {x['seconds']:.1f} s (< {TARGETS['xlsx_seconds']} s), "
            f"maxrss {x['maxrss_mb']:.0f} MB (< {TARGETS['xlsx_maxrss_mb']} MB); "
            f"CSV first byte {c['first_byte_s']:.3f} s (< {TARGETS['csv_first_byte_s']} s)"
        )
    if args.keep:
        print(f"kept: {workdir} and {database_url}")
        return
    for path in workdir.iterdir():
        path.unlink()
    workdir.rmdir()
    if throwaway:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{throwaway}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
