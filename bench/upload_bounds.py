"""Benchmark: how fast the portal refuses the uploads that used to hold a worker.

    DEBUG=1 .venv/bin/python -m bench.upload_bounds

Builds, in memory:
- a 2 MB workbook whose sheet unpacks to 390 MB (a zip bomb: 390 MB of repeated rows plus 1.6 MB
  of incompressible bytes, so the file is the size the probe sent);
- a registry CSV with a 200,000-character cell;
- a 2 MB workbook unpacking to 52 MB, just under the ratio bound, that the row bound must stop;
and times, for each, the readers of every importer (registry, record values, template) and the
real request to the registry import page (Django's test Client, department staff, a throwaway
SQLite database), with the peak memory the refusal took (tracemalloc). The bounds are in
records/uploads.py and docs/registry-import.md; the figures go in docs/benchmarks.md.
"""

import io
import os
import time
import tracemalloc
import zipfile
from pathlib import Path

from bench.throwaway import cleanup, emit, json_option, setup_django, use_json

MB = 1024 * 1024
HEADER = ["จังหวัด", "อำเภอ", "ตำบล", "รหัส อปท.", "ประเภท อปท.", "อปท.", "ที่ตั้งสำนักงานเลขที่"]
HEADER += ["หมู่ที่", "รหัสไปรษณีย์", "ขนาดพื้นที่", "LAT", "LONG", "เว็ปไซต์ของอปท"]


def zip_bomb(unpacked: int = 390 * MB, size: int = 2 * MB, *, sized: bool = True) -> bytes:
    """A valid workbook whose first sheet is ``unpacked`` bytes of one-cell rows, padded with
    incompressible bytes to ``size`` (built twice: the padding is what the first lacks)."""
    from tests.records.test_upload_bounds import workbook_with_sheet

    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    chunk = row * (MB // len(row))

    def write(sheet) -> None:
        sheet.write(
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + (b'<dimension ref="A1:M%d"/>' % (unpacked // len(row)) if sized else b"")
            + b"<sheetData>"
        )
        # The registry's header first, so that the reader goes on to the rows.
        sheet.write(
            b'<row r="1">'
            + b"".join(
                b'<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>'
                % (chr(ord("A") + i).encode(), name.encode())
                for i, name in enumerate(HEADER)
            )
            + b"</row>"
        )
        written = 0
        while written < unpacked:
            sheet.write(chunk)
            written += len(chunk)
        sheet.write(b"</sheetData></worksheet>")

    packed = len(workbook_with_sheet(write))
    padding = os.urandom(max(size - packed, 0))
    return workbook_with_sheet(write, extra={"xl/media/image1.png": padding})


def huge_cell_csv(cell: int = 200_000) -> bytes:
    header = ",".join(HEADER) + "\n"
    row = "กระบี่,คลองท่อม,คลองท่อมเหนือ,5810401,เทศบาลตำบล," + "ก" * cell + ",-,2,81120,2.7,7.9,99.1,\n"
    return (header + row).encode("utf-8")


def run(action) -> str:
    try:
        return str(action())
    except Exception as error:  # the refusal we expect: UploadError
        return f"{type(error).__name__}: {str(error)[:70]}"


def timed(label: str, action) -> None:
    """The best of three runs (the first request also loads templates), then the peak memory
    of one more run under tracemalloc, which slows it down."""
    seconds = []
    for _ in range(3):
        started = time.perf_counter()
        outcome = run(action)
        seconds.append(time.perf_counter() - started)
    tracemalloc.start()
    run(action)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    seconds = min(seconds)
    emit("upload_bounds", label, times_ms=[seconds * 1000], peak_mb=peak / MB, outcome=outcome)
    print(f"| {label} | {seconds * 1000:,.0f} ms | {peak / MB:,.1f} MB | {outcome} |")


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    json_option(parser)
    use_json(parser.parse_args().json)
    sqlite_file, postgres_url = setup_django(None, test_environment=True)
    try:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.core.management import call_command
        from django.test import Client, override_settings
        from django.urls import reverse

        from accounts.models import Role, User
        from records import record_import, registry, spreadsheet

        call_command("migrate", verbosity=0)
        staff = User.objects.create_user("bench-department", role=Role.DEPARTMENT)
        client = Client(SERVER_NAME="localhost")
        client.force_login(staff)
        bomb, cell = zip_bomb(), huge_cell_csv()
        with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
            unpacked = sum(m.file_size for m in archive.infolist())
        print(f"zip bomb: {len(bomb) / MB:.2f} MB, unpacks to {unpacked / MB:,.0f} MB")
        print(f"huge cell CSV: {len(cell) / MB:.2f} MB, one cell of 200,000 characters")
        # Just under the ratio bound: the row bound and the deadline have to stop this one.
        under = zip_bomb(unpacked=50 * MB)
        print(f"under-ratio workbook: {len(under) / MB:.2f} MB, unpacks to 52 MB")
        print("| input | time | peak Python memory | outcome |")
        print("|---|---|---|---|")
        unsized = zip_bomb(unpacked=50 * MB, sized=False)
        inputs = (
            ("zip bomb", bomb),
            ("200,000-char cell", cell),
            ("under-ratio workbook", under),
            ("under-ratio workbook without <dimension>", unsized),
        )
        for name, data in inputs:
            timed(f"{name}: registry reader", lambda d=data: registry.registry_read(d))
            timed(f"{name}: record values reader", lambda d=data: record_import.record_file_read(d))
            if name.startswith(("zip", "under")):
                timed(f"{name}: template reader", lambda d=data: spreadsheet.template_read(d))
            with override_settings(MEDIA_ROOT=Path(str(sqlite_file) + "-media")):
                timed(
                    f"{name}: POST /registry/import/",
                    lambda d=data: (
                        client.post(
                            reverse("records:registry-import"),
                            {"file": SimpleUploadedFile("registry.xlsx", d)},
                        ).status_code
                    ),
                )
    finally:
        cleanup(sqlite_file, postgres_url)


if __name__ == "__main__":
    main()
