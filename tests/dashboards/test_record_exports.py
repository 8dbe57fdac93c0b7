"""The records export from the web: real files opened with csv and openpyxl, and its scope."""

import csv
import io
from decimal import Decimal

import openpyxl
from django.urls import reverse

from dashboards.export_scope import export_scope
from dashboards.export_writers import export_rows
from records.models import Field, Section
from tests.base import FilledTestCase, PersonasTestCase
from tests.factories import POPULATION, fill_section

YEAR = 2568
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EVIL = '=HYPERLINK("http://evil.example","คลิก")'


def csv_lines(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))


class RecordExportTestCase(FilledTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        fill_section(cls.lao_a, YEAR, "general", cls.clerk_a, {"office_address": EVIL})
        fill_section(
            cls.lao_b, YEAR, "population", cls.clerk_b, {**POPULATION, "population_male": "NA"}
        )
        fill_section(cls.lao_c, YEAR, "population", None, {"population_total": "900"})
        fill_section(cls.lao_krabi, YEAR, "population", None, {"population_total": "700"})

    def export(self, user, **params):
        self.login(user)
        return self.client.get(reverse("exports:records"), {"year": YEAR, **params})

    def data_rows(self, lines: list[list[str]]) -> dict[str, list[str]]:
        return {line[0]: line for line in lines[1:]}

    # --- CSV --------------------------------------------------------------------------------
    # The CSV is read by programs too: one header row, one row per LAO, every row as wide.
    # (It used to start with a title and five header rows; those are in the XLSX only now.)

    def test_csv_is_one_header_row_and_one_row_per_lao_all_as_wide(self):
        response = self.export(self.province_officer, format="csv", province="67")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.streaming)
        self.assertIn('filename="records-67-2568.csv"', response["Content-Disposition"])
        lines = csv_lines(response)
        header = lines[0]
        self.assertEqual(
            header[:7], ["รหัส อปท.", "อปท.", "ประเภท", "อำเภอ", "จังหวัด", header[5], header[6]]
        )
        self.assertEqual({len(line) for line in lines}, {len(header)})
        self.assertEqual(len(lines), 1 + 3)  # the header and the province's three LAOs
        sections = list(Section.objects.filter(schema__version=1).order_by("order"))
        statuses = [f"{s.code}.status" for s in sections]
        self.assertEqual(header[7 : 7 + len(sections)], statuses)
        # Field columns in the schema's order, headed by their codes, after the statuses.
        expected = list(
            Field.objects.filter(section__schema__version=1)
            .order_by("section__order", "order")
            .values_list("code", flat=True)
        )
        self.assertEqual(header[7 + len(sections) :], expected)
        column = header.index("population_total")
        rows = self.data_rows(lines)
        self.assertEqual(sorted(rows), sorted([self.lao_a.code, self.lao_b.code, self.lao_c.code]))
        a = rows[self.lao_a.code]
        self.assertEqual(a[1], "อบต.นาป่า")
        self.assertEqual(a[column], "2500")
        self.assertEqual(a[header.index("population_as_of")], "30/9/2567")  # Buddhist Era
        self.assertEqual(a[header.index("office_address")], "'" + EVIL)  # formula escaped
        self.assertEqual(a[header.index("education.status")], "ยังไม่เริ่ม")
        b = rows[self.lao_b.code]
        self.assertEqual(b[column], "2500")
        self.assertEqual(b[header.index("population_male")], "ไม่เกี่ยวข้อง/ไม่มีในพื้นที่")

    def test_an_lao_without_a_record_has_an_empty_row(self):
        from tests.factories import make_lao

        empty = make_lao("6701", name="ว่างเปล่า")
        lines = csv_lines(self.export(self.district_officer, format="csv"))
        row = self.data_rows(lines)[empty.code]
        self.assertEqual(len(row), len(lines[0]))
        self.assertEqual(row[1], "อบต.ว่างเปล่า")
        self.assertEqual(row[5], "0.0")
        fields = lines[0].index("area_km2")
        self.assertTrue(all(cell == "" for cell in row[fields:]))
        self.assertTrue(all(cell == "ยังไม่เริ่ม" for cell in row[7:fields]))

    def test_a_year_without_records_says_so_and_gives_no_file(self):
        for fmt in ("csv", "xlsx"):
            with self.subTest(fmt=fmt):
                response = self.export(self.province_officer, format=fmt, year="2566")
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("Content-Disposition", response)
                self.assertContains(response, "ยังไม่มี อปท. ในพื้นที่นี้ที่มีข้อมูลของปีงบประมาณ 2566")

    def test_the_year_list_offers_only_years_with_records_or_a_round(self):
        self.login(self.province_officer)
        response = self.client.get(reverse("exports:records"))
        self.assertEqual(response.context["years"], [YEAR])
        self.assertContains(response, f'<option value="{YEAR}"')
        self.assertNotContains(response, f'<option value="{YEAR - 1}"')

    # --- XLSX -------------------------------------------------------------------------------

    def test_xlsx_has_a_summary_and_a_sheet_per_section_with_the_database_values(self):
        response = self.export(self.province_officer, format="xlsx", province="67")
        self.assertEqual(response.status_code, 200)
        content = b"".join(response.streaming_content)
        book = openpyxl.load_workbook(io.BytesIO(content))
        sections = list(Section.objects.filter(schema__version=1).order_by("order"))
        self.assertEqual(len(book.sheetnames), 1 + len(sections))
        summary = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        self.assertEqual(summary[1][0], "ปีงบประมาณ: 2568")
        codes = {self.lao_a.code, self.lao_b.code, self.lao_c.code}
        body = {row[0]: row for row in summary if row[0] in codes}
        self.assertEqual(len(body), 3)
        self.assertEqual(summary[-1][0], max(codes))  # in code order, nothing after them
        a = body[self.lao_a.code]
        self.assertEqual(a[:5], [self.lao_a.code, "อบต.นาป่า", a[2], "เมืองเพชรบูรณ์", "เพชรบูรณ์"])
        record = self.lao_a.records.get(fiscal_year=YEAR)
        # One decimal, rounded down (records.completeness): 9 of 153 is 5.88…, shown as 5.8.
        self.assertEqual((record.filled_count, record.required_count), (9, 153))
        self.assertEqual(a[5], 5.8)
        self.assertRegex(a[6], r"^\d{1,2}/\d{1,2}/25\d\d \d\d:\d\d$")  # Buddhist Era

        population = book[sections[2].label_th[:31]]
        rows = [list(r) for r in population.iter_rows(values_only=True)]
        codes = next(i for i, row in enumerate(rows) if "population_total" in row)
        self.assertEqual(rows[codes - 4][2], sections[2].label_th)
        self.assertIn("ประชากรทั้งหมด", rows[codes - 3])
        self.assertIn("คน", rows[codes - 1])
        column = rows[codes].index("population_total")
        data = {row[0]: row for row in rows[codes + 1 :]}
        self.assertEqual(data[self.lao_a.code][column], 2500)  # a number, not text
        self.assertEqual(data[self.lao_c.code][column], 900)
        general = book[sections[0].label_th[:31]]
        cells = [c for row in general.iter_rows(values_only=True) for c in row if c]
        self.assertIn("'" + EVIL, cells)
        self.assertNotIn(EVIL, cells)

    def test_the_xlsx_opens_as_a_user_sees_it(self):
        """The real file read back: bold frozen headers, Thai text, numbers that add up, dates
        in the Buddhist Era, and a web address or a formula left as plain text."""
        fill_section(
            self.lao_b,
            YEAR,
            "general",
            self.clerk_b,
            {"area_km2": "12.5", "website": "http://www.napa.go.th", "climate": "ร้อนชื้น"},
        )
        response = self.export(self.province_officer, format="xlsx", province="67")
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        summary = book.worksheets[0]
        self.assertEqual(summary.title, "สรุป")
        header = next(r for r in summary.iter_rows() if r[0].value == "รหัส อปท.")
        self.assertTrue(all(c.font.b for c in header if c.value))
        self.assertEqual(summary.freeze_panes, f"C{header[0].row + 1}")
        first = summary.cell(header[0].row + 1, 1)
        self.assertFalse(first.font.b)

        general = book[Section.objects.get(schema__version=1, code="general").label_th[:31]]
        rows = list(general.iter_rows())
        codes = next(r for r in rows if any(c.value == "website" for c in r))
        self.assertEqual(general.freeze_panes, f"C{codes[0].row + 1}")
        self.assertTrue(all(c.font.b for c in codes if c.value))
        column = {c.value: c.column - 1 for c in codes}
        lao_b = next(r for r in rows if r[0].value == self.lao_b.code)
        self.assertEqual(lao_b[1].value, "ทต.วังชมภู")
        self.assertEqual(lao_b[column["area_km2"]].value, 12.5)
        self.assertEqual(lao_b[column["area_km2"]].data_type, "n")
        website = lao_b[column["website"]]
        self.assertEqual((website.value, website.data_type), ("http://www.napa.go.th", "s"))
        self.assertIsNone(website.hyperlink)
        self.assertEqual(lao_b[column["climate"]].value, "ร้อนชื้น")
        lao_a = next(r for r in rows if r[0].value == self.lao_a.code)
        evil = lao_a[column["office_address"]]
        self.assertEqual((evil.value, evil.data_type), ("'" + EVIL, "s"))

        population = book[Section.objects.get(schema__version=1, code="population").label_th[:31]]
        rows = [list(r) for r in population.iter_rows(values_only=True)]
        codes = next(r for r in rows if "population_as_of" in r)
        lao_a = next(r for r in rows if r[0] == self.lao_a.code)
        self.assertEqual(lao_a[codes.index("population_as_of")], "30/9/2567")  # Buddhist Era
        self.assertEqual(lao_a[codes.index("population_total")], 2500)

    def test_english_users_get_english_headers(self):
        self.client.cookies.load({"django_language": "en"})
        lines = csv_lines(self.export(self.province_officer, format="csv", province="67"))
        self.assertEqual(lines[0][:2], ["LAO code", "LAO"])
        row = self.data_rows(lines)[self.lao_a.code]
        self.assertEqual(row[lines[0].index("education.status")], "not started")

    def test_every_sheet_name_is_whole_words_within_31_characters(self):
        from pythainlp.tokenize import word_tokenize

        for language in ("th", "en"):
            with self.subTest(language=language):
                self.client.cookies.load({"django_language": language})
                response = self.export(self.province_officer, format="xlsx", province="67")
                book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
                labels = Section.objects.filter(schema__version=1).order_by("order")
                labels = [getattr(s, f"label_{language}") for s in labels]
                self.assertEqual(len(book.sheetnames), 1 + len(labels))
                self.assertEqual(len(set(book.sheetnames)), len(book.sheetnames))
                for name, label in zip(book.sheetnames[1:], labels, strict=True):
                    self.assertLessEqual(len(name), 31)
                    self.assertTrue(label.startswith(name), (name, label))
                    # It ends where a word of the label ends.
                    ends, at = set(), 0
                    for word in word_tokenize(label, keep_whitespace=True):
                        at += len(word)
                        ends.add(at)
                    self.assertIn(len(name), ends, (name, label))
                    if len(label) > 31:
                        self.assertNotIn(name.split()[-1], ("and", "และ"))

    # --- Scope ------------------------------------------------------------------------------

    def test_a_district_officer_exports_their_district_only(self):
        rows = self.data_rows(csv_lines(self.export(self.district_officer, format="csv")))
        self.assertEqual(sorted(rows), sorted([self.lao_a.code, self.lao_b.code]))
        rows = self.data_rows(
            csv_lines(self.export(self.district_officer, format="csv", district="6701"))
        )
        self.assertEqual(sorted(rows), sorted([self.lao_a.code, self.lao_b.code]))

    def test_a_district_officer_cannot_export_another_district_or_the_province(self):
        for params in ({"district": "6702"}, {"province": "67"}, {"lao": self.lao_c.code}):
            for fmt in ("csv", "xlsx"):
                with self.subTest(params=params, fmt=fmt):
                    response = self.export(self.district_officer, format=fmt, **params)
                    self.assertEqual(response.status_code, 404)

    def test_a_clerk_exports_their_own_lao_only(self):
        rows = self.data_rows(csv_lines(self.export(self.clerk_a, format="csv")))
        self.assertEqual(list(rows), [self.lao_a.code])
        rows = self.data_rows(
            csv_lines(self.export(self.clerk_a, format="csv", lao=self.lao_a.code))
        )
        self.assertEqual(list(rows), [self.lao_a.code])
        for params in ({"lao": self.lao_b.code}, {"district": "6701"}, {"province": "67"}):
            with self.subTest(params=params):
                self.assertEqual(self.export(self.clerk_a, format="csv", **params).status_code, 404)

    def test_province_officers_are_held_to_their_province(self):
        response = self.export(self.other_province_officer, format="csv", province="67")
        self.assertEqual(response.status_code, 404)
        rows = self.data_rows(csv_lines(self.export(self.other_province_officer, format="csv")))
        self.assertEqual(list(rows), [self.lao_krabi.code])

    def test_national_users_export_the_country(self):
        for user in (self.department, self.executive):
            with self.subTest(user=user.username):
                rows = self.data_rows(csv_lines(self.export(user, format="csv")))
                self.assertEqual(len(rows), 4)

    def test_anonymous_users_are_sent_to_log_in(self):
        response = self.client.get(reverse("exports:records"), {"format": "csv"})
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_a_bad_year_is_not_found(self):
        self.assertEqual(self.export(self.department, format="csv", year="abc").status_code, 404)
        self.assertEqual(self.export(self.department, format="csv", year="1999").status_code, 404)

    def test_without_a_format_the_export_page_offers_the_choices(self):
        self.login(self.province_officer)
        response = self.client.get(reverse("exports:records"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="67"')
        self.assertContains(response, 'value="6701"')


class ExportRowsTestCase(PersonasTestCase):
    def test_rows_stream_in_code_order_with_their_values(self):
        fill_section(self.lao_b, YEAR, "population", self.clerk_b, POPULATION)
        scope = export_scope(user=None, province="67", year=YEAR)
        rows = list(export_rows(scope))
        self.assertEqual(
            [r.code for r in rows], sorted([self.lao_a.code, self.lao_b.code, self.lao_c.code])
        )
        b = next(r for r in rows if r.code == self.lao_b.code)
        self.assertEqual(b.values["population"]["population_total"], "2500")
        self.assertEqual(Decimal(b.values["population"]["population_male"]), 1200)


class SpreadsheetNumberTestCase(PersonasTestCase):
    """A numeric field's cell in the XLSX: the stored number as a number, anything else as the
    CSV and the pages show it (dashboards.export_writers._float_first)."""

    def test_a_stored_number_is_the_number_and_the_rest_reads_as_before(self):
        from dashboards.export_writers import _float_first, _Layout
        from records.schema import current_schema

        layout = _Layout(current_schema(), "th")
        column = next(c for c in layout.columns if c.field.code == "population_total")
        xlsx = layout.xlsx_converters([column])[0]
        for stored, cell in {
            "1144612": 1144612.0,
            "12.50": 12.5,
            "-0": 0.0,
            None: "",
            "": "",
        }.items():
            with self.subTest(stored=stored):
                self.assertEqual(xlsx(stored), cell)
                self.assertEqual(xlsx(stored), column.convert(stored) if stored else "")
        # Not a finite number: as the CSV shows it ("not applicable" in words, the text kept).
        for stored in ("NA", "inf", "abc"):
            with self.subTest(stored=stored):
                self.assertEqual(xlsx(stored), column.convert(stored))
        self.assertEqual(xlsx("NA"), "ไม่เกี่ยวข้อง/ไม่มีในพื้นที่")
        self.assertIs(_float_first(column.convert)("7").__class__, float)
