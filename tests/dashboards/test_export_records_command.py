"""export_records: the same files as the web export, written by the command line."""

import csv
import io
import shutil
import tempfile
from pathlib import Path

import openpyxl
from django.core.management import CommandError, call_command

from tests.base import FilledTestCase
from tests.factories import fill_section

YEAR = 2568


class ExportRecordsCommandTestCase(FilledTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        fill_section(cls.lao_krabi, YEAR, "population", None, {"population_total": "700"})

    def setUp(self) -> None:
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)

    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command("export_records", *args, "--year", str(YEAR), stdout=out)
        return out.getvalue()

    def csv_rows(self, path: Path) -> tuple[list[str], dict[str, list[str]]]:
        text = path.read_text(encoding="utf-8")
        self.assertTrue(text.startswith("\ufeff"))
        lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        codes = next(i for i, line in enumerate(lines) if "population_total" in line)
        return lines[codes], {line[0]: line for line in lines[codes + 1 :]}

    def test_csv_of_the_whole_country(self):
        path = self.folder / "all.csv"
        output = self.run_command("--format", "csv", "-o", str(path))
        self.assertIn(str(path), output)
        keys, rows = self.csv_rows(path)
        self.assertEqual(len(rows), 4)
        column = keys.index("population_total")
        self.assertEqual(rows[self.lao_a.code][column], "2500")
        self.assertEqual(rows[self.lao_krabi.code][column], "700")
        self.assertEqual(rows[self.lao_krabi.code][1], "อบต.คลองท่อมเหนือ")

    def test_csv_rows_are_as_wide_as_its_one_header_row(self):
        path = self.folder / "all.csv"
        self.run_command("--format", "csv", "-o", str(path))
        lines = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8").lstrip("\ufeff"))))
        self.assertIn("population_total", lines[0])
        self.assertEqual({len(line) for line in lines}, {len(lines[0])})
        self.assertEqual(len(lines), 1 + 4)

    def test_a_year_without_records_writes_no_file_and_says_so(self):
        path = self.folder / "empty.csv"
        with self.assertRaisesMessage(CommandError, "2566"):
            call_command("export_records", "--format", "csv", "--year", "2566", "-o", str(path))
        self.assertFalse(path.exists())

    def test_csv_of_a_district(self):
        path = self.folder / "6701.csv"
        self.run_command("--format", "csv", "--district", "6701", "-o", str(path))
        _keys, rows = self.csv_rows(path)
        self.assertEqual(sorted(rows), sorted([self.lao_a.code, self.lao_b.code]))

    def test_xlsx_of_a_province(self):
        path = self.folder / "67.xlsx"
        self.run_command("--format", "xlsx", "--province", "๖๗", "-o", str(path))
        book = openpyxl.load_workbook(path, read_only=True)
        summary = [row for row in book.worksheets[0].iter_rows(values_only=True) if row]
        codes = [row[0] for row in summary]
        self.assertIn(self.lao_a.code, codes)
        self.assertNotIn(self.lao_krabi.code, codes)
        self.assertIn("ประชากร", book.sheetnames)
        population = [list(r) for r in book["ประชากร"].iter_rows(values_only=True)]
        keys = next(row for row in population if "population_total" in row)
        row = next(r for r in population if r and r[0] == self.lao_a.code)
        self.assertEqual(row[keys.index("population_total")], 2500)

    def test_an_unknown_place_or_year_is_refused(self):
        path = self.folder / "x.csv"
        for args in (("--province", "99"), ("--district", "9999"), ("--lao", "1234567")):
            with self.subTest(args=args), self.assertRaises(CommandError):
                self.run_command("--format", "csv", *args, "-o", str(path))
        with self.assertRaises(CommandError):
            call_command("export_records", "--format", "csv", "--year", "x", "-o", str(path))
