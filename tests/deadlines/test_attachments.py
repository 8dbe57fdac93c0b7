"""Circular attachments: allowed types only, generated stored names, served as downloads."""

import io
import tempfile
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from deadlines.models import Circular
from tests.base import PersonasTestCase
from tests.factories import make_round

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<x/>")
    return buffer.getvalue()


class AttachmentTestCase(PersonasTestCase):
    def setUp(self):
        self.enterContext(
            override_settings(MEDIA_ROOT=self.enterContext(tempfile.TemporaryDirectory()))
        )

    def save(self, name: str, content: bytes, reference: str = "มท ๑/ว ๒"):
        self.login(self.department)
        return self.client.post(
            "/circulars/new/",
            {"step": "save", "reference": reference, "date": "1/10/2567", "subject": "ทดสอบ",
             "fiscal_year": "2568", "round_deadline": "30/12/2567", "sections": ["population"],
             "confirm_deadline": "on",  # the 2567 deadline is past: the officer confirms it
             "attachment": SimpleUploadedFile(name, content)},
        )  # fmt: skip

    def download(self, circular):
        attachment = circular.attachments.get()
        return attachment, self.client.get(f"/circulars/{circular.pk}/files/{attachment.pk}/")

    def test_a_pdf_is_stored_under_a_generated_name_and_served_as_a_download(self):
        response = self.save("../../evil name.pdf", PDF)
        circular = Circular.objects.get()
        self.assertRedirects(response, f"/circulars/{circular.pk}/", fetch_redirect_response=False)
        attachment, response = self.download(circular)
        self.assertRegex(attachment.file.name, rf"^circulars/{circular.pk}/[0-9a-f]{{32}}\.pdf$")
        self.assertNotIn("evil", attachment.file.name)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(b"".join(response.streaming_content), PDF)

    def test_xlsx_docx_and_images_are_accepted_with_their_own_type(self):
        cases = [
            ("table.xlsx", office("xl/workbook.xml"), "spreadsheetml", ".xlsx"),
            ("letter.docx", office("word/document.xml"), "wordprocessingml", ".docx"),
            ("map.png", PNG, "image/png", ".png"),
        ]
        for n, (name, content, content_type, extension) in enumerate(cases, start=1):
            self.save(name, content, reference=f"มท {n}/ว {n}")
            circular = Circular.objects.get(reference=f"มท {n}/ว {n}")
            attachment, response = self.download(circular)
            self.assertIn(content_type, response["Content-Type"])
            self.assertTrue(attachment.file.name.endswith(extension), attachment.file.name)

    def test_html_a_script_and_a_plain_zip_are_refused_with_a_thai_message(self):
        for name, content in [
            ("page.pdf", b"<html><script>alert(1)</script></html>"),
            ("run.exe", b"MZ\x90\x00"),
            ("archive.xlsx", office("other.xml")),
        ]:
            response = self.save(name, content)
            self.assertContains(response, "ไม่ใช่ PDF, XLSX, DOCX หรือรูปภาพ")
        self.assertFalse(Circular.objects.exists())

    def test_someone_outside_the_letters_audience_gets_a_404(self):
        round_ = make_round(by=self.department)
        attachment = round_.circular.attachments.create(
            file=SimpleUploadedFile("a.pdf", PDF), name="a.pdf", size=len(PDF)
        )
        self.login(self.clerk_a)  # a department circular is for everyone
        url = f"/circulars/{round_.circular.pk}/files/{attachment.pk}/"
        self.assertEqual(self.client.get(url).status_code, 200)
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 302)
        self.login(self.clerk_a)
        other = f"/circulars/{round_.circular.pk}/files/{attachment.pk + 1}/"
        self.assertEqual(self.client.get(other).status_code, 404)
