"""The registry import page: upload, preview, confirm; only department staff and administrators."""

import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from accounts.models import Role
from records.models import LAO
from tests.base import PersonasTestCase
from tests.factories import make_user
from tests.records.test_import_laos import registry_row, write_registry

UPLOAD_URL = reverse("records:registry-import")
CONFIRM_URL = reverse("records:registry-import-confirm")


def ao_luek_rows(website: str = "www.laemsak.go.th") -> list[list[str]]:
    """Two LAOs of Krabi's อ่าวลึก district, where the personas have none."""
    return [
        registry_row("5810501", "เทศบาลตำบล", "แหลมสัก", "แหลมสัก", district="อ่าวลึก",
                     house_no="209", moo="3", website=website),
        registry_row("5810501", "เทศบาลตำบล", "แหลมสัก", "อ่าวลึกใต้", district="อ่าวลึก",
                     house_no="209", moo="3", website=website),
        registry_row("6810503", "อบต.", "นาเหนือ", "นาเหนือ", district="อ่าวลึก"),
    ]  # fmt: skip


class RegistryImportViewTestCase(PersonasTestCase):
    def setUp(self) -> None:
        self.tmp = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.media = self.tmp / "media"
        self.enterContext(override_settings(MEDIA_ROOT=self.media))
        # Messages are asserted in English, whatever Thai translations are added later.
        self.client.cookies["django_language"] = "en"

    def upload(self, rows: list[list], name: str = "registry.csv", **kwargs):
        path = write_registry(rows, self.tmp / name, **kwargs)
        return self.post_file(name, path.read_bytes())

    def post_file(self, name: str, content: bytes):
        return self.client.post(UPLOAD_URL, {"file": SimpleUploadedFile(name, content)})

    def stored_uploads(self) -> list[Path]:
        return list((self.media / "imports").glob("*")) if (self.media / "imports").exists() else []

    def assertNothingImported(self) -> None:
        self.assertFalse(LAO.objects.filter(district_id="8105").exists())
        self.assertEqual(LAO.history.count(), 4)  # the personas' own LAOs

    def assertRefusedOnForm(self, response, message: str) -> None:
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "records/registry_import.html")
        self.assertContains(response, message)
        self.assertEqual(self.stored_uploads(), [])
        self.assertNothingImported()


class WhoMayImportTestCase(RegistryImportViewTestCase):
    def test_department_staff_upload_preview_and_confirm(self):
        self.login(self.department)
        self.assertContains(self.client.get(UPLOAD_URL), 'enctype="multipart/form-data"')

        preview = self.upload(ao_luek_rows())
        self.assertTemplateUsed(preview, "records/registry_import_preview.html")
        self.assertEqual(preview.context["result"].created, 2)
        self.assertContains(preview, "ทต.แหลมสัก")
        self.assertContains(preview, "Confirm import")
        self.assertNothingImported()
        [stored] = self.stored_uploads()
        token = preview.context["confirm_form"].initial["token"]

        response = self.client.post(CONFIRM_URL, {"token": token}, follow=True)
        self.assertRedirects(response, UPLOAD_URL)
        self.assertContains(response, "Registry imported: 2 LAOs created, 0 updated")
        municipality = LAO.objects.get(code="5810501")
        self.assertEqual(municipality.display_name, "ทต.แหลมสัก")
        self.assertEqual(municipality.website, "http://www.laemsak.go.th")
        self.assertEqual(municipality.subdistricts.count(), 2)
        self.assertEqual(municipality.history.get().history_user, self.department)
        self.assertFalse(stored.exists())

    def test_an_administrator_may_import(self):
        self.login(make_user("admin", Role.ADMIN))
        self.assertEqual(self.upload(ao_luek_rows()).context["result"].created, 2)

    def test_everyone_else_gets_404_and_nothing_changes(self):
        for persona in ["clerk_a", "district_officer", "province_officer", "executive"]:
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                self.assertEqual(self.client.get(UPLOAD_URL).status_code, 404)
                self.assertEqual(self.upload(ao_luek_rows()).status_code, 404)
                self.assertEqual(
                    self.client.post(CONFIRM_URL, {"token": "x" * 32}).status_code, 404
                )
                self.assertEqual(self.stored_uploads(), [])
                self.assertNothingImported()

    def test_anonymous_visitors_are_sent_to_log_in(self):
        response = self.client.get(UPLOAD_URL)
        self.assertRedirects(response, f"/accounts/login/?next={UPLOAD_URL}")

    def test_a_token_from_another_session_imports_nothing(self):
        self.login(self.department)
        token = self.upload(ao_luek_rows()).context["confirm_form"].initial["token"]
        self.client.logout()  # which also drops the language cookie
        self.client.cookies["django_language"] = "en"
        self.login(make_user("admin", Role.ADMIN))
        response = self.client.post(CONFIRM_URL, {"token": token}, follow=True)
        self.assertContains(response, "This upload has expired or was already imported")
        self.assertNothingImported()

    def test_confirming_twice_imports_once(self):
        self.login(self.department)
        token = self.upload(ao_luek_rows()).context["confirm_form"].initial["token"]
        self.client.post(CONFIRM_URL, {"token": token})
        response = self.client.post(CONFIRM_URL, {"token": token}, follow=True)
        self.assertContains(response, "This upload has expired or was already imported")
        self.assertEqual(LAO.history.filter(history_type="+").count(), 6)


class PreviewTestCase(RegistryImportViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.login(self.department)

    def test_a_file_with_errors_lists_every_bad_line_and_cannot_be_confirmed(self):
        rows = ao_luek_rows()
        rows[1][1] = "ไม่มีอำเภอนี้"
        rows[2][3] = "68105"
        response = self.upload(rows)
        self.assertContains(response, "The file has 2 errors")
        self.assertContains(response, "<td>3</td><td>อำเภอ</td>", html=False)
        self.assertContains(response, "unknown district “ไม่มีอำเภอนี้” in province กระบี่")
        self.assertContains(response, "“68105” is not a seven-digit code")
        self.assertNotContains(response, "Confirm import")
        self.assertEqual(self.stored_uploads(), [])
        self.assertNothingImported()

    def test_the_preview_shows_old_and_new_values_of_an_update(self):
        token = self.upload(ao_luek_rows()).context["confirm_form"].initial["token"]
        self.client.post(CONFIRM_URL, {"token": token})
        response = self.upload(ao_luek_rows(website="https://laemsak.go.th"))
        self.assertEqual(response.context["result"].updated, 1)
        self.assertContains(response, '<td class="text-muted">http://www.laemsak.go.th</td>')
        self.assertContains(response, "<td>https://laemsak.go.th</td>")
        self.assertEqual(LAO.objects.get(code="5810501").website, "http://www.laemsak.go.th")

    def test_an_xlsx_is_read_by_its_content(self):
        response = self.upload(ao_luek_rows(), name="registry.bin", encoding="xlsx")
        self.assertEqual(response.context["result"].created, 2)

    def test_a_file_with_a_missing_column_is_refused_on_the_form(self):
        path = self.tmp / "registry.csv"
        write_registry(ao_luek_rows(), path)
        lines = path.read_text(encoding="utf-8").splitlines()
        content = "\n".join(line.rsplit(",", 1)[0] for line in lines).encode()
        response = self.post_file("registry.csv", content)
        self.assertRefusedOnForm(response, "missing column(s): “เว็ปไซต์ของอปท”")

    def test_a_damaged_xlsx_is_refused(self):
        response = self.post_file("registry.xlsx", b"PK\x03\x04" + bytes(range(256)) * 16)
        self.assertRefusedOnForm(response, "The Excel file is damaged")

    def test_a_file_that_is_not_a_spreadsheet_is_refused(self):
        response = self.post_file("registry.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
        self.assertRefusedOnForm(response, "neither an Excel workbook (.xlsx) nor a CSV")

    def test_an_empty_file_is_refused(self):
        response = self.post_file("registry.csv", b"")
        self.assertRefusedOnForm(response, "The submitted file is empty.")

    @override_settings(IMPORT_MAX_UPLOAD_BYTES=1024 * 1024)
    def test_an_oversized_file_is_refused(self):
        response = self.post_file("registry.csv", b"a" * (1024 * 1024 + 1))
        self.assertRefusedOnForm(response, "The file is larger than 1 MB")
