"""The upload corpus: files that are not what they claim, fed to every importer. Each is
refused with a message and nothing is written. Built by the test (no binary files in the
repository): a PNG named .csv, truncated workbooks, a zip bomb, CP874 bytes behind a UTF-8
byte-order mark, formula cells without values, control characters, right-to-left marks. A
Hypothesis test then mutates real files (cut short, bytes changed) for the readers."""

import io
import unittest

import openpyxl
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from records import record_import, registry, spreadsheet, template_workbook
from records.models import LAO, SectionEntry, ValueChange
from records.uploads import UploadError
from tests.base import PersonasTestCase
from tests.records.test_import_laos import HEADER, registry_row
from tests.records.test_upload_bounds import registry_csv, zip_bomb

YEAR = 2568
VALUES_HEADER = "lao_code,fiscal_year,field_code,value\n"


def workbook(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def corpus(template: bytes, lao_code: str) -> dict[str, bytes]:
    good_registry = registry_csv([registry_row("5810501", "อบต.", "แหลมสัก", "แหลมสัก")])
    with_formula = openpyxl.load_workbook(io.BytesIO(template))
    sheet = with_formula.worksheets[0]
    sheet.cell(row=6, column=6).value = "=1+1"  # no computed value: openpyxl saves none
    formula_template = io.BytesIO()
    with_formula.save(formula_template)
    return {
        "a PNG named .csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "a truncated template": template[: len(template) // 2],
        "a truncated registry workbook": workbook(
            [HEADER, *[registry_row("5810501", "อบต.", "ก", "ข")] * 50]
        )[:900],
        "a zip bomb": zip_bomb(4 * 1024 * 1024),
        "CP874 bytes behind a UTF-8 byte-order mark": b"\xef\xbb\xbf"
        + good_registry.decode("utf-8").encode("cp874")[:-1]
        + b"\xff",
        "a registry workbook with formula cells": workbook(
            [HEADER, ["=A1", "=B1", "=C1", "=1+1", "=E1", "=F1", "", "", "", "", "", "", ""]]
        ),
        "a template with a formula cell": formula_template.getvalue(),
        "control characters": VALUES_HEADER.encode()
        + f"{lao_code},{YEAR},population_total,1\x01\n".encode(),
        "right-to-left marks": good_registry.replace(b"5810501", "\u200f5810501\u200e".encode())
        + f"\u202e{lao_code},{YEAR},population_total,\u200f5\n".encode(),
    }


class UploadCorpusTestCase(PersonasTestCase):
    def written(self) -> tuple:
        return (
            LAO.objects.count(),
            LAO.history.count(),
            ValueChange.objects.count(),
            sorted(SectionEntry.objects.values_list("pk", "version")),
        )

    def importers(self):
        return {
            "registry": lambda data: registry.registry_import(
                data=data, filename="f", commit=True, by=self.department
            ),
            "record values": lambda data: record_import.record_values_import(
                rows=record_import.record_file_read(data), by=self.clerk_a, commit=True
            ),
            "template": lambda data: spreadsheet.template_import(
                data=data, by=self.clerk_a, commit=True
            ),
        }

    def test_every_importer_refuses_every_file_of_the_corpus_with_a_message(self):
        template = template_workbook.template_build(
            laos=[self.lao_a], fiscal_year=YEAR, section_codes=["population"], language="th"
        )
        before = self.written()
        for name, data in corpus(template, self.lao_a.code).items():
            for importer, run in self.importers().items():
                with self.subTest(file=name, importer=importer):
                    try:
                        result = run(data)
                    except UploadError as refused:
                        self.assertTrue(str(refused).strip())
                    else:
                        self.assertFalse(result.committed)
                        messages = [str(m) for m in getattr(result, "refusals", [])]
                        messages += [str(issue) for issue in result.errors]
                        self.assertTrue(messages and all(m.strip() for m in messages))
                    self.assertEqual(self.written(), before)


MUTATIONS = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
REAL_FILES = [
    registry_csv([registry_row("5810501", "อบต.", "แหลมสัก", "แหลมสัก")] * 3),
    workbook([HEADER, *[registry_row("5810501", "อบต.", "แหลมสัก", "แหลมสัก")] * 3]),
    (VALUES_HEADER + '6670101,2569,population_total,"5,432"\n').encode(),
]
READERS = (registry.registry_read, record_import.record_file_read, spreadsheet.template_read)


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(REAL_FILES)))
    for _ in range(draw(st.integers(0, 4))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data[: draw(st.integers(1, len(data)))])


class ReaderFuzzTestCase(unittest.TestCase):
    @MUTATIONS
    @given(data=st.one_of(mutated(), st.binary(max_size=2000)))
    @example(data=b"\r\n")  # once a TypeError: a CSV whose first line is blank
    def test_the_readers_read_or_refuse_with_a_message(self, data):
        for read in READERS:
            try:
                read(data)
            except UploadError as refused:
                self.assertTrue(str(refused).strip())
