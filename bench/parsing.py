"""Benchmark: the readers are linear in their input, up to the largest input they accept.

    DEBUG=1 .venv/bin/python -m bench.parsing

For each reader and each kind of input, times the reader at doubling sizes and prints the time
and the ratio time(2n) / time(n) (about 2 for a linear reader; about 4 for a quadratic one):

- the circular reader (deadlines/parsing.py) on a real letter followed by a long line of dates
  and deadline words (the shape that took 25 s at 188,000 characters), the letter repeated, one
  line without spaces, many short date lines; up to MAX_TEXT_CHARS (100,000);
- the registry reader (records/registry.py, CSV) up to its row bound (150,000 rows);
- the number and date parsers (records/values.py) on typed values up to a cell's bound
  (2,000 characters).

Best of three runs per size. Figures go in docs/benchmarks.md.
"""

import contextlib
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lgdata.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from bench.throwaway import BASE_DIR, emit, json_option, use_json  # noqa: E402
from deadlines.parsing import MAX_TEXT_CHARS, CircularError, parse_circular  # noqa: E402
from records import registry, uploads, values  # noqa: E402

LETTER = (BASE_DIR / "tests/deadlines/letters/1_department_circular.txt").read_text("utf-8")
REGISTRY_ROW = (
    "กระบี่,คลองท่อม,คลองท่อมเหนือ,{code},เทศบาลตำบล,คลองท่อมใต้,-,2,81120,2.7,7.95,99.15,"
    "http://www.khlongthomcity.go.th/\n"
)
REGISTRY_HEADER = (
    "จังหวัด,อำเภอ,ตำบล,รหัส อปท.,ประเภท อปท.,อปท.,ที่ตั้งสำนักงานเลขที่,หมู่ที่,รหัสไปรษณีย์,"
    "ขนาดพื้นที่,LAT,LONG,เว็ปไซต์ของอปท\n"
)


def repeat(unit: str, size: int, head: str = "") -> str:
    return (head + unit * (size // len(unit) + 1))[:size]


CIRCULAR_INPUTS = {
    "letter + one long line of dates": lambda n: repeat(
        "ตามที่ ๑๒ มกราคม ๒๕๖๘ กรม ภายใน ", n, LETTER
    ),
    "the letter repeated": lambda n: repeat(LETTER, n),
    "one line without spaces": lambda n: repeat("ก", n),
    "short date lines": lambda n: repeat("วันที่ ๑๕ ม.ค. ๖๘\n", n, LETTER),
    "digits and slashes": lambda n: repeat("ที่ มท ๐๘๐๖/ว ", n),
}


def best_of_three(action) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def circular(text: str) -> None:
    # "Not a letter" is a refusal with a message, read all the same.
    with contextlib.suppress(CircularError):
        parse_circular(text)


def registry_csv(rows: int) -> bytes:
    lines = [REGISTRY_ROW.format(code=5810401 + i // 11) for i in range(rows)]
    return (REGISTRY_HEADER + "".join(lines)).encode("utf-8")


def values_parse(size: int) -> None:
    for text in ("๑," * (size // 2), "1" * size, " " * size + "30/9/2568", "3" * size):
        for parse in (values.parse_number, values.parse_date):
            with contextlib.suppress(values.InvalidValue):
                parse(text)


def series(label: str, sizes: list[int], action) -> None:
    print(f"\n{label}")
    print("| size | time | ratio to the previous size |")
    print("|---|---|---|")
    previous = largest = None
    for size in sizes:
        try:
            seconds = best_of_three(lambda s=size: action(s))
        except uploads.UploadError as refused:  # a loaded machine may reach the deadline
            print(f"| {size:,} | refused: {refused} | |")
            continue
        ratio = f"{seconds / previous:.2f}" if previous else ""
        print(f"| {size:,} | {seconds * 1000:,.1f} ms | {ratio} |")
        largest, previous = (size, seconds, ratio), seconds
    if largest:  # the largest size read, and its ratio to the half size (about 2: linear)
        size, seconds, ratio = largest
        emit("parsing", f"{label}: {size:,}", times_ms=[seconds * 1000], database="-", ratio=ratio)


def doubling(largest: int, count: int) -> list[int]:
    return [largest // 2**i for i in reversed(range(count))]


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    json_option(parser)
    use_json(parser.parse_args().json)
    for name, make in CIRCULAR_INPUTS.items():
        series(
            f"circular reader: {name} (characters)",
            doubling(MAX_TEXT_CHARS, 5),
            lambda n, make=make: circular(make(n)),
        )
    series(
        "registry reader: CSV rows",
        doubling(uploads.REGISTRY_BOUNDS.max_rows, 5),
        lambda n: registry.registry_read(registry_csv(n)),
    )
    series(
        "number and date parsers: characters of a typed value",
        doubling(uploads.MAX_CELL_CHARS * 64, 7),
        values_parse,
    )


if __name__ == "__main__":
    main()
