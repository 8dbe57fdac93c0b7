"""The Excel round trip: the fill-in template, its upload, the preview and the all-or-nothing
import, with the scope of every endpoint."""

import io
import zipfile
from unittest import mock

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from records import hooks, spreadsheet, template_workbook
from records.models import Field, SectionEntry, ValueChange
from tests.base import FilledTestCase, temporary_media
from tests.factories import fill_section

YEAR = 2568
POPULATION_SHEET = "ประชากร"


def rows_of(sheet) -> dict[str, int]:
    """Field code -> row number of a section sheet."""
    return {
        sheet.cell(row=row, column=1).value: row
        for row in range(template_workbook.FIRST_DATA_ROW, sheet.max_row + 1)
    }


def columns_of(sheet) -> dict[str, str]:
    """LAO code -> column letter of a section sheet."""
    return {
        sheet.cell(row=template_workbook.HEADER_ROW, column=c).value: sheet.cell(
            row=1, column=c
        ).column_letter
        for c in range(template_workbook.FIRST_LAO_COLUMN, sheet.max_column + 1)
    }


class SpreadsheetTestCase(FilledTestCase):
    def setUp(self) -> None:
        temporary_media(self)

    def download(self, user, **params) -> openpyxl.Workbook:
        self.login(user)
        response = self.client.get(reverse("records:spreadsheet-template", args=[YEAR]), params)
        self.assertEqual(response.status_code, 200, response.content[:200])
        self.assertEqual(response["Content-Type"], template_workbook.CONTENT_TYPE)
        return openpyxl.load_workbook(io.BytesIO(response.content))

    def upload(self, data: bytes, name: str = "template.xlsx"):
        return self.client.post(
            reverse("records:spreadsheet"), {"file": SimpleUploadedFile(name, data)}
        )

    def confirm(self, response):
        token = response.context["token"]
        self.assertTrue(token)
        return self.client.post(reverse("records:spreadsheet-confirm"), {"token": token})

    @staticmethod
    def saved(book: openpyxl.Workbook) -> bytes:
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def filled(self, user, changes: dict[str, object], **params) -> bytes:
        """A downloaded population template with the given fields changed for LAO A."""
        book = self.download(user, section="population", **params)
        sheet = book[POPULATION_SHEET]
        rows, columns = rows_of(sheet), columns_of(sheet)
        for code, value in changes.items():
            sheet[f"{columns[self.lao_a.code]}{rows[code]}"] = value
        return self.saved(book)

    def entry(self, lao, section_code: str = "population") -> SectionEntry:
        return SectionEntry.objects.get(
            record__lao=lao, record__fiscal_year=YEAR, section__code=section_code
        )


class TemplateDownloadTestCase(SpreadsheetTestCase):
    def test_the_template_holds_the_current_values_locked_headers_and_validation(self):
        book = self.download(self.clerk_a, lao=self.lao_a.code)
        sheet = book[POPULATION_SHEET]
        rows, columns = rows_of(sheet), columns_of(sheet)
        self.assertEqual(list(columns), [self.lao_a.code])
        col = columns[self.lao_a.code]
        self.assertEqual(sheet[f"{col}{template_workbook.NAME_ROW}"].value, "อบต.นาป่า")
        self.assertEqual(sheet[f"{col}{rows['population_total']}"].value, 2500)
        self.assertEqual(sheet[f"{col}{rows['population_as_of']}"].value, "30/9/2567")
        self.assertEqual(sheet[f"B{rows['population_total']}"].value, "ประชากรทั้งหมด")
        self.assertEqual(sheet[f"D{rows['population_total']}"].value, "คน")
        # Protection: the sheet is protected, value cells are open, header cells are not.
        self.assertTrue(sheet.protection.sheet)
        self.assertFalse(sheet[f"{col}{rows['population_total']}"].protection.locked)
        self.assertTrue(sheet[f"B{rows['population_total']}"].protection.locked)
        self.assertTrue(sheet[f"{col}{template_workbook.HEADER_ROW}"].protection.locked)
        # Bounds from the schema, and drop-down lists for choices.
        total = Field.objects.get(code="population_total", section__schema__version=1)
        validations = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
        bound = validations[f"{col}{rows['population_total']}"]
        self.assertEqual((bound.type, bound.operator), ("whole", "between"))
        self.assertEqual(bound.formula1, f"{total.min_value.normalize():f}")
        self.assertEqual(bound.formula2, f"{total.max_value.normalize():f}")
        general = book["ข้อมูลทั่วไปและสภาพทางกายภาพ"]
        terrain = rows_of(general)["terrain"]
        choice = next(
            dv
            for dv in general.data_validations.dataValidation
            if str(dv.sqref) == f"{col}{terrain}"
        )
        self.assertEqual(choice.type, "list")
        # The versions at download time, in a very hidden sheet.
        meta = book[template_workbook.META_SHEET]
        self.assertEqual(meta.sheet_state, "veryHidden")
        versions = {
            (row[2], row[1]): row[3]
            for row in meta.iter_rows(min_row=spreadsheet.META_FIRST_ROW, values_only=True)
        }
        self.assertEqual(versions[self.lao_a.code, "population"], self.entry(self.lao_a).version)
        self.assertEqual(versions[self.lao_a.code, "general"], 0)

    def test_a_section_template_has_that_section_only(self):
        book = self.download(self.clerk_a, section="population")
        self.assertEqual(book.sheetnames[0], POPULATION_SHEET)
        self.assertEqual(
            [name for name in book.sheetnames if not name.startswith("_")], [POPULATION_SHEET]
        )

    def test_a_district_officer_gets_a_column_per_lao_of_the_district(self):
        book = self.download(self.district_officer, section="population")
        self.assertEqual(
            sorted(columns_of(book[POPULATION_SHEET])), sorted([self.lao_a.code, self.lao_b.code])
        )

    def test_who_may_download(self):
        self.login(self.clerk_b)
        url = reverse("records:spreadsheet-template", args=[YEAR])
        self.assertEqual(self.client.get(url, {"lao": self.lao_a.code}).status_code, 404)
        self.login(self.other_district_officer)
        self.assertEqual(self.client.get(url, {"lao": self.lao_a.code}).status_code, 404)
        for user in (self.province_officer, self.department, self.executive):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.get(reverse("records:spreadsheet")).status_code, 404)
        self.login(self.clerk_a)
        self.assertEqual(self.client.get(url, {"section": "nonsense"}).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("records:spreadsheet-template", args=[1999])).status_code, 404
        )


class TemplateImportTestCase(SpreadsheetTestCase):
    def test_the_round_trip_previews_then_imports_with_history(self):
        data = self.filled(
            self.clerk_a,
            {"population_male": 1250, "population_female": "1,250", "households_total": None},
        )
        preview = self.upload(data)
        self.assertEqual(preview.status_code, 200)
        result = preview.context["result"]
        self.assertTrue(result.ok)
        self.assertEqual(result.values_changed, 3)
        changes = {c.field: (c.old, c.new) for c in result.laos[0].changes}
        self.assertEqual(changes["ประชากรชาย"], ("1,200 คน", "1,250 คน"))
        self.assertEqual(changes["ประชากรหญิง"], ("1,300 คน", "1,250 คน"))
        self.assertContains(preview, "1,250 คน")
        self.assertEqual(self.entry(self.lao_a).values["population_male"], "1200")  # dry run

        response = self.confirm(preview)
        self.assertEqual(response.status_code, 302)
        values = self.entry(self.lao_a).values
        self.assertEqual(values["population_male"], "1250")
        self.assertEqual(values["population_female"], "1250")
        self.assertNotIn("households_total", values)
        history = ValueChange.objects.filter(record__lao=self.lao_a, source="import")
        self.assertEqual(history.count(), 3)
        self.assertEqual({c.changed_by for c in history}, {self.clerk_a})
        male = history.get(field_code="population_male")
        self.assertEqual((male.old_value, male.new_value), ("1200", "1250"))

    def test_a_district_officer_imports_for_an_lao_of_the_district(self):
        data = self.filled(self.district_officer, {"population_male": 1210})
        preview = self.upload(data)
        self.assertTrue(preview.context["result"].ok)
        self.confirm(preview)
        self.assertEqual(self.entry(self.lao_a).values["population_male"], "1210")
        change = ValueChange.objects.get(record__lao=self.lao_a, source="import")
        self.assertEqual(change.changed_by, self.district_officer)

    def test_a_new_record_is_made_for_an_lao_without_one(self):
        book = self.download(self.clerk_b, section="population")
        sheet = book[POPULATION_SHEET]
        sheet[f"{columns_of(sheet)[self.lao_b.code]}{rows_of(sheet)['population_total']}"] = "๙๐๐"
        preview = self.upload(self.saved(book))
        self.assertTrue(preview.context["result"].ok)
        self.confirm(preview)
        self.assertEqual(self.entry(self.lao_b).values["population_total"], "900")

    def test_a_stale_template_is_refused_and_nothing_is_written(self):
        data = self.filled(self.clerk_a, {"population_male": 1250})
        fill_section(self.lao_a, YEAR, "population", self.clerk_a, {"households_total": "810"})
        version = self.entry(self.lao_a).version
        response = self.upload(data)
        self.assertEqual(response.status_code, 422)
        result = response.context["result"]
        self.assertFalse(result.ok)
        self.assertEqual(len(result.refusals), 1)
        self.assertIn("ประชากร", result.refusals[0])
        self.assertIn("อบต.นาป่า", result.refusals[0])
        self.assertNotContains(response, 'name="token"', status_code=422)
        entry = self.entry(self.lao_a)
        self.assertEqual((entry.version, entry.values["population_male"]), (version, "1200"))
        self.assertFalse(ValueChange.objects.filter(source="import").exists())

    def test_a_change_between_preview_and_confirm_is_refused(self):
        preview = self.upload(self.filled(self.clerk_a, {"population_male": 1250}))
        fill_section(self.lao_a, YEAR, "population", self.clerk_a, {"households_total": "810"})
        response = self.confirm(preview)
        self.assertEqual(response.status_code, 409)
        self.assertFalse(response.context["result"].committed)
        self.assertEqual(self.entry(self.lao_a).values["population_male"], "1200")
        self.assertFalse(ValueChange.objects.filter(source="import").exists())

    def test_one_bad_cell_changes_nothing_and_names_the_cell(self):
        book = self.download(self.clerk_a, section="population")
        sheet = book[POPULATION_SHEET]
        rows, column = rows_of(sheet), columns_of(sheet)[self.lao_a.code]
        sheet[f"{column}{rows['population_male']}"] = 1250  # a good change
        sheet[f"{column}{rows['population_female']}"] = "หนึ่งพัน"  # and a bad one
        response = self.upload(self.saved(book))
        self.assertEqual(response.status_code, 422)
        errors = response.context["result"].errors
        self.assertEqual(len(errors), 1)
        self.assertEqual(
            (errors[0].sheet, errors[0].row, errors[0].column),
            (POPULATION_SHEET, rows["population_female"], column),
        )
        self.assertContains(response, f"<td>{rows['population_female']}</td>", status_code=422)
        self.assertNotContains(response, 'name="token"', status_code=422)
        self.assertEqual(self.entry(self.lao_a).values["population_male"], "1200")

    def test_out_of_bounds_numbers_and_formulas_without_values_are_errors(self):
        book = self.download(self.clerk_a, section="population")
        sheet = book[POPULATION_SHEET]
        rows, column = rows_of(sheet), columns_of(sheet)[self.lao_a.code]
        sheet[f"{column}{rows['population_male']}"] = -5
        sheet[f"{column}{rows['population_female']}"] = "=1+1"  # openpyxl stores no result
        result = self.upload(self.saved(book)).context["result"]
        self.assertEqual(
            sorted(e.row for e in result.errors),
            sorted([rows["population_male"], rows["population_female"]]),
        )

    def test_the_same_values_change_nothing(self):
        response = self.upload(self.saved(self.download(self.clerk_a)))
        result = response.context["result"]
        self.assertTrue(result.ok)
        self.assertEqual(result.values_changed, 0)
        self.assertContains(response, 'data-testid="template-nothing"')

    def test_others_cannot_import_a_template_of_lao_a(self):
        data = self.filled(self.clerk_a, {"population_male": 1250})
        for user in (self.clerk_b, self.other_district_officer):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.upload(data)
                self.assertEqual(response.status_code, 422)
                self.assertTrue(response.context["result"].refusals)
        for user in (self.executive, self.province_officer, self.department):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.upload(data).status_code, 404)
                self.assertEqual(
                    self.client.post(
                        reverse("records:spreadsheet-confirm"), {"token": "x" * 32}
                    ).status_code,
                    404,
                )
        self.assertEqual(self.entry(self.lao_a).values["population_male"], "1200")
        self.assertFalse(ValueChange.objects.filter(source="import").exists())

    def test_a_submitted_or_locked_record_is_refused(self):
        data = self.filled(self.clerk_a, {"population_male": 1250})
        guard = [lambda lao, year, today: "ส่งข้อมูลแล้ว รอการตรวจสอบ"]
        with mock.patch.object(hooks, "edit_guards", guard):
            response = self.upload(data)
        self.assertEqual(response.status_code, 422)
        self.assertIn("ส่งข้อมูลแล้ว รอการตรวจสอบ", response.context["result"].refusals[0])
        self.assertEqual(self.entry(self.lao_a).values["population_male"], "1200")

    def test_the_page_offers_the_templates_of_the_users_laos(self):
        self.login(self.district_officer)
        response = self.client.get(reverse("records:spreadsheet"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f'value="{self.lao_a.code}"')
        self.assertContains(response, f'value="{self.lao_b.code}"')
        self.assertNotContains(response, f'value="{self.lao_c.code}"')

    def test_a_token_from_another_session_is_refused(self):
        preview = self.upload(self.filled(self.clerk_a, {"population_male": 1250}))
        token = preview.context["token"]
        self.login(self.district_officer)
        response = self.client.post(reverse("records:spreadsheet-confirm"), {"token": token})
        self.assertRedirects(response, reverse("records:spreadsheet"))
        self.assertEqual(self.entry(self.lao_a).values["population_male"], "1200")


class SafeUploadTestCase(SpreadsheetTestCase):
    def refused(self, data: bytes, name: str = "template.xlsx") -> str:
        self.login(self.clerk_a)
        response = self.upload(data, name)
        self.assertEqual(response.status_code, 422)
        errors = response.context["form"].errors["file"]
        self.assertEqual(len(errors), 1)
        return errors[0]

    def test_a_text_file_named_xlsx_is_refused(self):
        self.assertIn(
            "ไม่ใช่ Excel (.xlsx)", self.refused(b"lao_code,value\n6670101,12\n", "values.xlsx")
        )

    def test_a_damaged_workbook_is_refused(self):
        data = self.saved(self.download(self.clerk_a, section="population"))
        self.assertIn("เสียหาย", self.refused(data[: len(data) // 2]))
        self.assertIn("เสียหาย", self.refused(b"PK\x03\x04" + b"\x00" * 200))

    def test_an_old_xls_file_is_refused(self):
        message = self.refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "old.xls")
        self.assertIn("Excel รุ่นเก่า (.xls)", message)

    def test_a_workbook_that_is_not_a_template_is_refused(self):
        book = openpyxl.Workbook()
        book.active["A1"] = "lao_code"
        self.assertIn("ไม่ใช่แบบฟอร์มจากระบบ", self.refused(self.saved(book)))

    def test_an_empty_file_is_refused(self):
        self.login(self.clerk_a)
        response = self.upload(b"")
        self.assertEqual(response.status_code, 422)

    @override_settings(IMPORT_MAX_UPLOAD_BYTES=20_000)
    def test_an_oversized_file_is_refused(self):
        self.assertIn("ขนาดสูงสุดที่ระบบรับได้", self.refused(b"PK\x03\x04" + b"x" * 30_000))

    @override_settings(IMPORT_MAX_UPLOAD_BYTES=100_000)
    def test_a_zip_bomb_is_refused_before_it_is_unpacked(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
            archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * 5_000_000)
        data = buffer.getvalue()
        self.assertLess(len(data), 100_000)
        self.assertIn("ใหญ่เกินกว่าที่ระบบอ่านได้", self.refused(data))
