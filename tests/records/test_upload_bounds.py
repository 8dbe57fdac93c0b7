"""Every upload is read within bounds: a zip bomb, a huge cell, too many rows or columns, or a
slow read is refused with a message naming the bound, and nothing is written or kept."""

import csv
import io
import random
import zipfile
from dataclasses import replace
from unittest import mock

import openpyxl
from django.test import SimpleTestCase
from django.utils import translation

from records import record_import, registry, spreadsheet, uploads
from records.uploads import FileIssue, IssueList, UploadError
from tests.records.test_import_laos import HEADER, registry_row
from tests.records.test_registry_import_view import RegistryImportViewTestCase


def registry_csv(rows: list[list]) -> bytes:
    stream = io.StringIO()
    csv.writer(stream).writerows([HEADER, *rows])
    return stream.getvalue().encode("utf-8")


def zip_bomb(unpacked: int) -> bytes:
    """A small 'workbook' whose sheet unpacks to ``unpacked`` bytes of repeated rows."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = row * (1024 * 1024 // len(row))
            for _ in range(unpacked // len(chunk)):
                sheet.write(chunk)
    return buffer.getvalue()


def readers():
    """Every importer's reader, each given the bytes of an upload."""
    return {
        "registry": registry.registry_read,
        "record values": record_import.record_file_read,
        "template": spreadsheet.template_read,
    }


class EnglishTestCase(SimpleTestCase):
    def setUp(self) -> None:
        # Messages are asserted in English, whatever language an earlier test left active.
        self.enterContext(translation.override("en"))


class ZipBombTestCase(EnglishTestCase):
    def test_every_reader_refuses_a_workbook_that_unpacks_far_beyond_its_size(self):
        bomb = zip_bomb(8 * 1024 * 1024)
        self.assertLess(len(bomb), 100_000)
        for name, read in readers().items():
            with self.subTest(reader=name), self.assertRaises(UploadError) as refused:
                read(bomb)
            self.assertIn("unpacks to more than", str(refused.exception))

    def test_a_workbook_over_the_unpacked_size_is_refused_whatever_its_ratio(self):
        small = replace(uploads.REGISTRY_BOUNDS, max_unpacked=1024 * 1024)
        with self.assertRaises(UploadError):
            uploads.check_zip(zip_bomb(2 * 1024 * 1024), small)

    def test_a_large_sheet_that_does_not_declare_its_size_is_refused(self):
        # openpyxl would read all of it before the first row, out of reach of the deadline.
        lenient = replace(uploads.REGISTRY_BOUNDS, max_ratio=10_000)
        with self.assertRaises(UploadError) as refused:
            uploads.check_zip(zip_bomb(2 * 1024 * 1024), lenient)
        self.assertIn("does not say how large it is", str(refused.exception))

    def test_a_real_workbook_is_within_the_bounds(self):
        book = openpyxl.Workbook()
        for i in range(2000):
            book.active.append(registry_row(f"{5810401 + i}", "อบต.", "ก", "ข"))
        data = io.BytesIO()
        book.save(data)
        uploads.check_zip(data.getvalue(), uploads.REGISTRY_BOUNDS)  # no error


class CellRowColumnTestCase(EnglishTestCase):
    def test_a_registry_cell_of_200000_characters_is_refused_naming_its_line(self):
        rows = [
            registry_row("5810401", "อบต.", "ก", "ข"),
            registry_row("5810402", "อบต.", "ค", "ง"),
        ]
        rows[1][5] = "ก" * 200_000
        with self.assertRaises(UploadError) as refused:
            registry.registry_read(registry_csv(rows))
        self.assertIn("Line 3 has a cell longer than 2,000 characters", str(refused.exception))

    def test_a_record_values_cell_too_long_is_refused(self):
        data = ("lao_code,fiscal_year,field_code,value\n6670101,2569,fax," + "9" * 3000).encode()
        with self.assertRaises(UploadError) as refused:
            record_import.record_file_read(data)
        self.assertIn("Line 2 has a cell longer than", str(refused.exception))

    def test_a_long_cell_in_a_workbook_is_refused(self):
        book = openpyxl.Workbook()
        book.active.append(HEADER)
        book.active.append(["x" * 5000])
        data = io.BytesIO()
        book.save(data)
        with self.assertRaises(UploadError) as refused:
            registry.registry_read(data.getvalue())
        self.assertIn("Line 2 has a cell longer than", str(refused.exception))

    def test_too_many_rows_stop_the_reading(self):
        bounds = replace(uploads.REGISTRY_BOUNDS, max_rows=10)
        with mock.patch.object(uploads, "REGISTRY_BOUNDS", bounds):
            rows = [registry_row(f"{5810401 + i}", "อบต.", "ก", "ข") for i in range(11)]
            with self.assertRaises(UploadError) as refused:
                registry.registry_read(registry_csv(rows))
        self.assertIn("more than 10 rows", str(refused.exception))

    def test_too_many_columns_are_refused(self):
        data = ("a," * 100 + "\n" + "x," * 100 + "\n").encode()
        with self.assertRaises(UploadError) as refused:
            record_import.record_file_read(data)
        self.assertIn("more than 40 columns", str(refused.exception))

    def test_a_read_past_its_time_stops_with_a_message(self):
        bounds = replace(uploads.REGISTRY_BOUNDS, seconds=-1)
        one_row = registry_csv([registry_row("5810401", "อบต.", "ก", "ข")])
        with (
            mock.patch.object(uploads, "REGISTRY_BOUNDS", bounds),
            self.assertRaises(UploadError) as refused,
        ):
            registry.registry_read(one_row)
        self.assertIn("took longer than", str(refused.exception))


class IssueListTestCase(SimpleTestCase):
    def test_it_keeps_the_first_problems_and_counts_the_rest(self):
        issues = IssueList(FileIssue(i, "x", "bad") for i in range(1000))
        self.assertEqual((len(issues), issues.total, issues.more), (200, 1000, 800))
        self.assertEqual(IssueList(issues).total, 1000)
        self.assertFalse(IssueList())


class RegistryPageBoundsTestCase(RegistryImportViewTestCase):
    def test_a_zip_bomb_is_refused_on_the_form_in_thai_by_default(self):
        self.login(self.department)
        del self.client.cookies["django_language"]
        response = self.post_file("registry.xlsx", zip_bomb(8 * 1024 * 1024))
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "records/registry_import.html")
        self.assertContains(response, "แตกไฟล์")
        self.assertEqual(self.stored_uploads(), [])
        self.assertNothingImported()

    def test_a_huge_cell_is_refused_on_the_form(self):
        self.login(self.department)
        row = registry_row("5810501", "อบต.", "ก", "ข")
        row[5] = "ก" * 200_000
        response = self.post_file("registry.csv", registry_csv([row]))
        self.assertRefusedOnForm(response, "Line 2 has a cell longer than 2,000 characters")

    def test_thousands_of_errors_show_the_first_200_and_count_the_rest(self):
        self.login(self.department)
        rows = [registry_row(f"58{i:05d}", "อบต.", "ก", "ข", province="ไม่มี") for i in range(600)]
        response = self.post_file("registry.csv", registry_csv(rows))
        self.assertContains(response, "The file has 600 errors")
        self.assertContains(response, "Only the first 200 are shown; 400 more are not.")
        self.assertContains(response, "unknown province", count=200)
        self.assertNothingImported()


class CommandCapTestCase(RegistryImportViewTestCase):
    def test_import_records_lists_the_first_200_errors_and_counts_the_rest(self):
        from django.core.management import CommandError, call_command

        path = self.tmp / "values.csv"
        lines = [f"9999{i:03d},2568,population_total,1" for i in range(300)]
        path.write_text("lao_code,fiscal_year,field_code,value\n" + "\n".join(lines) + "\n")
        out = io.StringIO()
        with self.assertRaises(CommandError):
            call_command("import_records", str(path), "--language", "en", stdout=out)
        self.assertIn("Errors (300):", out.getvalue())
        self.assertIn("Only the first 200 are shown; 100 more are not.", out.getvalue())
        self.assertEqual(out.getvalue().count("Line "), 200)


def workbook_with_sheet(sheet, extra: dict[str, bytes] | None = None) -> bytes:
    """A valid workbook (openpyxl's own parts) whose first sheet is ``sheet``: its XML, or a
    function that writes it to a stream (for sheets too large to hold in memory); ``extra``
    adds members stored as they are (incompressible padding)."""
    empty = io.BytesIO()
    openpyxl.Workbook().save(empty)
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(empty) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for member in source.infolist():
            if member.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(member.filename, source.read(member))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            if isinstance(sheet, bytes):
                stream.write(sheet)
            else:
                sheet(stream)
        for name, data in (extra or {}).items():
            archive.writestr(name, data, zipfile.ZIP_STORED)
    return buffer.getvalue()


def sheet_xml(rows: list[bytes], dimension: str = "") -> bytes:
    return (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + (f'<dimension ref="{dimension}"/>'.encode() if dimension else b"")
        + b"<sheetData>"
        + b"".join(rows)
        + b"</sheetData></worksheet>"
    )


NUMBERS = random.Random(7)


def values(count: int) -> bytes:
    """``count`` cells of random numbers: a sheet that compresses like a real one (a ratio
    under the bound), so that only the pre-check can refuse it."""
    return b"".join(b"<c><v>%d</v></c>" % NUMBERS.randrange(10**9) for _ in range(count))


def wide_row(cells: int) -> bytes:
    return b'<row r="1">' + values(cells) + b"</row>"


class SheetPrecheckTestCase(EnglishTestCase):
    """A sheet too large is refused from its XML, before openpyxl reads a cell of it (the
    template's first load reads every cell): the refusal is the pre-check's, not the one made
    after loading ("The sheet … has … rows")."""

    def assertRefusedEarly(self, data: bytes, read=spreadsheet.template_read):
        with self.assertRaises(UploadError) as refused:
            read(data)
        self.assertIn("or a row with more than", str(refused.exception))
        return refused.exception

    def test_a_declared_size_past_the_bounds_is_refused(self):
        data = workbook_with_sheet(sheet_xml([wide_row(3)], dimension="A1:C900000"))
        self.assertLess(len(data), 20_000)
        self.assertRefusedEarly(data)
        self.assertRefusedEarly(workbook_with_sheet(sheet_xml([wide_row(3)], "A1:ZZZ1")))

    def test_one_row_with_a_hundred_thousand_cells_is_counted_and_refused(self):
        # Its <dimension> lies (three cells) and it is under the unpacked-size bound, so only
        # counting the cells stops it; openpyxl would read every one of them first.
        data = workbook_with_sheet(sheet_xml([wide_row(100_000)], dimension="A1:C1"))
        self.assertLess(len(data), 1024 * 1024)
        for read in (spreadsheet.template_read, registry.registry_read):
            with self.subTest(reader=read.__module__):
                self.assertRefusedEarly(data, read)

    def test_more_rows_than_a_template_has_are_counted_and_refused(self):
        rows = [b'<row r="%d">' % i + values(2) + b"</row>" for i in range(1, 5_010)]
        error = self.assertRefusedEarly(workbook_with_sheet(sheet_xml(rows)))
        self.assertIn("5,000 rows", str(error))

    def test_the_refusal_is_in_thai_by_default(self):
        with translation.override("th"), self.assertRaises(UploadError) as refused:
            spreadsheet.template_read(workbook_with_sheet(sheet_xml([wide_row(1_000)])))
        self.assertIn("แผ่นงาน", str(refused.exception))

    def test_a_real_template_sized_sheet_passes_the_precheck(self):
        rows = [b'<row r="%d">' % i + values(105) + b"</row>" for i in range(1, 400)]
        uploads.check_zip(
            workbook_with_sheet(sheet_xml(rows, "A1:DA399")), uploads.TEMPLATE_BOUNDS
        )  # no refusal
