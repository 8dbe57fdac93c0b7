"""Benchmark: the national LAO registry through records.registry (parse, dry run, commit, re-run).

    DEBUG=1 .venv/bin/python -m bench.import_registry [--rows N] [--keep]

Builds a registry file of the department's real shape for the whole country from the real
geography (every district; ~7,850 LAOs; each LAO repeated on the subdistricts of its district,
as the published file does, ~85,000 rows; --rows trims or pads with repeated village-group
rows), writes it as CSV (UTF-8 with BOM) and times each step. The floor, measured in the same
run, is what no import can beat: csv.reader over the same file and a bare LAO bulk_create of
the same LAOs with no validation, no history and no coverage.

It runs on a throwaway SQLite file under /tmp (or the DATABASE_URL it is given) and refuses
the development database var/db.sqlite3.
"""

import argparse
import csv
import io
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.throwaway import cleanup, emit, json_option, python_peak_mb, use_json
from bench.throwaway import setup_django as bench_setup

FLOOR = "floor (csv.reader + bulk_create)"
MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.")


def setup_django(database_url: str | None):
    """Points Django at a throwaway database (bench.throwaway: never var/db.sqlite3; a
    PostgreSQL one is created empty) and migrates it; returns what `cleanup` needs."""
    throwaway = bench_setup(database_url)
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate (with the geography): {time.perf_counter() - started:.1f} s")
    return throwaway


# --- The national file -------------------------------------------------------------------------


def national_rows(target_rows: int | None, seed: int = 2567) -> list[list[str]]:
    """Registry rows for every district of the country, in the department's shape."""
    from records.models import District, Province, Subdistrict

    rng = random.Random(seed)
    provinces = {p.code: p for p in Province.objects.all()}
    subdistricts: dict[str, list] = {}
    for s in Subdistrict.objects.order_by("code"):
        subdistricts.setdefault(s.district_id, []).append(s)
    districts = list(District.objects.order_by("code"))
    cities = set(rng.sample(sorted(c for c in provinces if c != "10"), 30))
    groups: list[list[list[str]]] = []
    for district in districts:
        if district.province_id == "10":
            continue
        province = provinces[district.province_id]
        for lao in district_laos(district, province, subdistricts[district.pk], cities, rng):
            groups.append(lao)
    groups.append(bangkok(provinces["10"], districts, subdistricts))
    groups.append(pattaya(provinces["20"], subdistricts["2004"], rng))
    return fit_rows(groups, target_rows, rng)


def district_laos(district, province, subs, cities, rng) -> list[list[list[str]]]:
    """The LAOs of one district; each lists every subdistrict of the district, as the real
    file does (it repeats the district's subdistrict list for every LAO in it)."""
    seq = iter(range(1, 100))
    laos = []
    capital = district.code.endswith("01")
    if capital:
        town = "3" if district.province_id in cities else "4"
        word = "เทศบาลนคร" if town == "3" else "เทศบาลเมือง"
        laos.append((town, word, province.name_th))
    for s in subs:
        if rng.random() < 0.29:
            laos.append(("5", "เทศบาลตำบล", s.name_th))
        else:
            laos.append(("6", "อบต.", s.name_th))
    if rng.random() < 0.5:
        laos.append(("5", "เทศบาลตำบล", f"{district.name_th}พัฒนา"))
    groups = []
    for type_digit, word, name in laos:
        code = f"{type_digit}{district.code}{next(seq):02d}"
        office = office_fields(code, subs, rng)
        groups.append(
            [
                [province.name_th, district.name_th, s.name_th, code, word, name, *office]
                for s in subs
            ]
        )
    if capital:  # the PAO, listed on the capital district's subdistricts
        code = f"2{district.code}{next(seq):02d}"
        office = office_fields(code, subs, rng)
        groups.append(
            [
                [province.name_th, district.name_th, s.name_th, code, "อบจ.", province.name_th]
                + office
                for s in subs
            ]
        )
    return groups


def bangkok(province, districts, subdistricts) -> list[list[str]]:
    rows = []
    for district in districts:
        if district.province_id == "10":
            for s in subdistricts[district.pk]:
                rows.append(
                    [province.name_th, district.name_th, s.name_th, "1100101"]
                    + ["ท้องถิ่นรูปแบบพิเศษ", "กรุงเทพมหานคร", "173", "", "10200", "1568.74"]
                    + ["13.7563", "100.5018", "www.bangkok.go.th"]
                )
    return rows


def pattaya(province, subs, rng) -> list[list[str]]:
    office = office_fields("1200401", subs, rng)
    return [
        [province.name_th, "บางละมุง", s.name_th, "1200401", "ท้องถิ่นรูปแบบพิเศษ", "พัทยา", *office]
        for s in subs
        if s.name_th in ("หนองปรือ", "นาเกลือ")
    ]


def office_fields(code: str, subs, rng) -> list[str]:
    """House number, หมู่ที่, postcode, area, LAT, LONG, website, with the real file's dirt."""
    roll = rng.random()
    if roll < 0.02:
        house = f"{rng.randint(1, 28)}-{rng.choice(MONTHS)}"  # Excel made a date of "d/m"
    elif roll < 0.15:
        house = rng.choice(["-", ""])
    else:
        house = f"{rng.randint(1, 400)}" + (f"/{rng.randint(1, 20)}" if roll < 0.4 else "")
    moo = str(rng.randint(1, 15)) if rng.random() < 0.85 else ""
    postcode = (subs[0].postal_codes or "")[:5]
    area = f"{rng.uniform(0.05, 300):.2f}" if rng.random() < 0.9 else ""
    if rng.random() < 0.7:
        lat, long = f"{rng.uniform(6, 20):.9f}", f"{rng.uniform(98, 105):.8f}"
    else:
        lat = long = ""
    roll = rng.random()
    slug = f"lao{code}"
    if roll < 0.6:
        website = f"http://www.{slug}.go.th/"
    elif roll < 0.8:
        website = f"www.{slug}.go.th"
    elif roll < 0.83:
        website = f"www,{slug}.go.th"
    elif roll < 0.85:
        website = f"WWW..{slug.upper()}.go.th"
    else:
        website = ""
    return [house, moo, postcode, area, lat, long, website]


def fit_rows(groups: list[list[list[str]]], target: int | None, rng) -> list[list[str]]:
    """All rows, trimmed to whole LAOs under ``target`` or padded with village-group rows
    (an LAO listed again on one of its subdistricts, as the real file does per village group)."""
    rows: list[list[str]] = []
    for group in groups:
        if target and len(rows) + len(group) > target:
            break
        rows.extend(group)
    while target and len(rows) < target:
        rows.append(list(rng.choice(rows)))
    return rows


def write_csv(rows: list[list[str]], path: Path) -> bytes:
    from records.registry_cells import COLUMNS  # the department's header, as the import reads it

    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream).writerows([COLUMNS, *rows])
    return path.read_bytes()


# --- Measuring ---------------------------------------------------------------------------------


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, func: Callable, *, rows: int):
    """Runs func once, printing seconds, rows/s, queries and the process's peak RSS so far."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # DEBUG keeps at most 9,000 queries; start each step with an empty log
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        value = func()
        seconds = time.perf_counter() - started
    emit(
        "import_registry",
        label,
        times_ms=[seconds * 1000],
        queries=len(queries),
        peak_mb=maxrss_mb(),
        floor=None if label.startswith("floor") else FLOOR,
        target="commit < 30 s" if label.startswith("commit") else None,
        rows_per_s=rows / seconds,
    )
    print(
        f"{label:<34} {seconds:7.2f} s  {rows / seconds:9,.0f} rows/s  "
        f"{len(queries):5d} queries  maxrss {maxrss_mb():6.0f} MB"
    )
    return value, seconds


def floor(data: bytes) -> int:
    """csv.reader over the same bytes and a bare bulk_create of the same LAOs: no checks."""
    from records.models import LAO

    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    next(reader)
    first: dict[str, list[str]] = {}
    for row in reader:
        first.setdefault(row[3], row)
    laos = [
        LAO(code=code, type=LAO.REGISTRY_WORDS[row[4]], name_th=row[5], district_id=code[1:5])
        for code, row in first.items()
    ]
    LAO.objects.bulk_create(laos, batch_size=500)
    return len(laos)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, help="Trim or pad the national file to N rows.")
    parser.add_argument("--keep", action="store_true", help="Keep the database and CSV files.")
    json_option(parser)
    args = parser.parse_args()
    use_json(args.json)

    throwaway = setup_django(os.environ.get("DATABASE_URL"))
    from django.db import connection

    from accounts.models import Role, User
    from records import registry
    from records.models import LAO

    workdir = Path(tempfile.mkdtemp(prefix="lgdata-bench-"))
    started = time.perf_counter()
    rows = national_rows(args.rows)
    data = write_csv(rows, workdir / "registry-national.csv")
    codes = len({row[3] for row in rows})
    print(
        f"file: {len(rows):,} rows, {codes:,} LAOs, {len(data) / 1e6:.1f} MB "
        f"(built in {time.perf_counter() - started:.1f} s) at {workdir}"
    )
    print(f"database: {connection.vendor}; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    print()
    n = len(rows)
    by = User.objects.create_user("bench", role=Role.DEPARTMENT)

    _count, floor_seconds = timed(FLOOR, lambda: floor(data), rows=n)
    LAO.objects.all().delete()
    LAO.history.all().delete()  # the floor's deletions left history rows; start clean

    dataset, _s = timed("parse (registry_read)", lambda: registry.registry_read(data), rows=n)

    def dry_run():
        return registry.registry_import(data=dataset, filename="national.csv", commit=False)

    result, _s = timed("dry run (parsed dataset)", dry_run, rows=n)
    assert result.ok, result.errors[:5]

    def commit():
        return registry.registry_import(data=data, filename="national.csv", commit=True, by=by)

    result, commit_seconds = timed("commit (bytes -> database)", commit, rows=n)
    print(
        f"{'':<34} created {result.created:,}, warnings {len(result.warnings):,}, "
        f"history rows {LAO.history.count():,}, coverage links "
        f"{LAO.subdistricts.through.objects.count():,}"
    )
    history_before = LAO.history.count()
    result, _s = timed("re-run commit (idempotent)", commit, rows=n)
    assert (result.created, result.updated) == (0, 0), (result.created, result.updated)
    assert LAO.history.count() == history_before
    print(f"{'':<34} unchanged {result.unchanged:,}, new history rows 0")

    changed = [list(row) for row in rows]
    for row in changed:
        if row[3].endswith("1"):  # about a tenth of the LAOs get a new website
            row[12] = f"https://new-{row[3]}.go.th"
    changed_data = write_csv(changed, workdir / "registry-changed.csv")

    def update():
        return registry.registry_import(
            data=changed_data, filename="changed.csv", commit=True, by=by
        )

    result, _s = timed("update commit (1 in 10 LAOs)", update, rows=n)
    print(f"{'':<34} updated {result.updated:,}, unchanged {result.unchanged:,}")

    print()
    try:
        peak = f"{python_peak_mb(dry_run_bytes(data)):.0f} MB"
    except registry.UploadError as refused:  # tracemalloc's slowdown can pass the reading bound
        peak = f"not measured ({refused})"
    print(f"python heap peak, dry run from bytes: {peak}")
    print(f"commit / floor: {commit_seconds / floor_seconds:.1f}x  (target: commit under 30 s)")
    if not args.keep:
        for path in workdir.iterdir():
            path.unlink()
        workdir.rmdir()
        cleanup(*throwaway)


def dry_run_bytes(data: bytes) -> Callable:
    from records import registry

    return lambda: registry.registry_import(data=data, filename="national.csv", commit=False)


if __name__ == "__main__":
    main()
