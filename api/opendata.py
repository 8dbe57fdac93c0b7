"""The daily open-data files: national completeness per LAO, as CSV and as JSON.

Built by `manage.py build_open_data` (cron, once a day) into MEDIA_ROOT/opendata/, and served
without login at /opendata/lao-completeness.csv and .json only when OPEN_DATA_FEED is on. A
file, not an answer worked out per download: the set is a daily snapshot with its date, like
the department's other open-data sets, and a download costs nothing.

Columns are in Thai as in the department's files ("รหัส อปท.", "ประเภท อปท.", "อปท."), with the
DOPA and DLA codes; the CSV is UTF-8 with a BOM so that Excel reads the Thai.
"""

import csv
import datetime
import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from dashboards.figures import lao_progress_rows
from lgdata.thai import fiscal_year_of
from records.models import LAO

BASENAME = "lao-completeness"
FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
TITLE = "ความครบถ้วนของข้อมูลกลางองค์กรปกครองส่วนท้องถิ่น รายองค์กร"
PUBLISHER = "กรมส่งเสริมการปกครองท้องถิ่น"
LICENCE = "Open Data Common"
COLUMNS = (
    "ปีงบประมาณ",
    "รหัสจังหวัด",
    "จังหวัด",
    "รหัสอำเภอ",
    "อำเภอ",
    "รหัส อปท.",
    "ประเภท อปท.",
    "อปท.",
    "จำนวนรายการที่ต้องกรอก",
    "จำนวนรายการที่กรอกแล้ว",
    "ร้อยละความครบถ้วน",
    "ปรับปรุงข้อมูลล่าสุด",
    "ข้อมูล ณ วันที่",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def directory() -> Path:
    return Path(settings.MEDIA_ROOT) / "opendata"


def path_of(fmt: str) -> Path:
    return directory() / f"{BASENAME}.{fmt}"


@dataclass
class BuildResult:
    fiscal_year: int
    rows: int
    paths: list[Path]


def rows(*, fiscal_year: int, today: datetime.date) -> list[list]:
    """One row per LAO that exists today, in code order (dashboards.figures.lao_progress_rows)."""
    result = []
    for row in lao_progress_rows(
        laos=LAO.objects.active_on(today),
        round=None,
        fiscal_year=fiscal_year,
        today=today,
        sections=[],
    ):
        lao = row.lao
        updated = timezone.localdate(row.updated_at) if row.updated_at else None
        result.append(
            [
                fiscal_year,
                lao.district.province_id,
                lao.district.province.name_th,
                lao.district_id,
                lao.district.name_th,
                lao.code,
                LAO.TYPE_WORDS[lao.type],
                lao.name_th,
                row.required,
                row.filled,
                row.percent,
                updated.isoformat() if updated else None,
                today.isoformat(),
            ]
        )
    return result


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # a spreadsheet must not run it as a formula
    return value


def _write_atomically(path: Path, data: bytes) -> None:
    """Readers see the old file or the new one, never half of one."""
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def open_data_build(
    *, fiscal_year: int | None = None, today: datetime.date | None = None
) -> BuildResult:
    """Writes both files for a fiscal year (default: the current one)."""
    today = today or timezone.localdate()
    fiscal_year = fiscal_year or fiscal_year_of(today)
    table = rows(fiscal_year=fiscal_year, today=today)
    directory().mkdir(parents=True, exist_ok=True)

    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([_csv_cell(v) for v in row] for row in table)
    _write_atomically(path_of("csv"), ("\ufeff" + text.getvalue()).encode("utf-8"))

    document = {
        "title": TITLE,
        "publisher": PUBLISHER,
        "licence": LICENCE,
        "fiscal_year": fiscal_year,
        "as_of": today.isoformat(),
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "columns": list(COLUMNS),
        "records": [dict(zip(COLUMNS, row, strict=True)) for row in table],
    }
    _write_atomically(
        path_of("json"), json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    )
    return BuildResult(fiscal_year, len(table), [path_of("csv"), path_of("json")])
