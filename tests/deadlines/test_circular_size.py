"""A pasted letter past the documented size gets a Thai message on the form, and a request past
Django's form-size limit gets the portal's own 400 page, never Django's bare one."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings

from deadlines.models import Circular
from deadlines.parsing import MAX_TEXT_CHARS, CircularError, parse_circular
from tests.base import PersonasTestCase

LETTERS = Path(__file__).parent / "letters"
LETTER = (LETTERS / "1_department_circular.txt").read_text(encoding="utf-8")


def long_letter(length: int) -> str:
    """The real letter with its body repeated until the text is ``length`` characters."""
    return (LETTER + ("ตามที่ ๑๒ มกราคม ๒๕๖๘ กรม ภายใน " * (length // 30 + 1)))[:length]


class CircularSizeTestCase(PersonasTestCase):
    def read(self, **data):
        return self.client.post("/circulars/new/", {"step": "read", **data})

    def test_188000_pasted_characters_get_a_thai_message_on_the_form(self):
        self.login(self.department)
        response = self.read(text=long_letter(188_000))
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "deadlines/circular_new.html")
        self.assertContains(response, "ระบบอ่านหนังสือได้ไม่เกิน 100000 ตัวอักษร")
        self.assertNotContains(response, "โปรดวางข้อความของหนังสือหรืออัปโหลดแฟ้ม")  # one message
        self.assertFalse(Circular.objects.exists())

    def test_a_letter_at_the_limit_is_read(self):
        self.login(self.department)
        response = self.read(text=long_letter(MAX_TEXT_CHARS))
        self.assertTemplateUsed(response, "deadlines/circular_check.html")

    def test_an_uploaded_text_file_too_long_gets_the_message_too(self):
        self.login(self.department)
        upload = SimpleUploadedFile("letter.txt", long_letter(150_000).encode("utf-8"))
        response = self.read(text="", file=upload)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "ระบบอ่านหนังสือได้ไม่เกิน 100,000 ตัวอักษร")

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100_000)
    def test_a_request_past_the_form_size_gets_the_portals_400_page_in_thai(self):
        self.login(self.department)
        response = self.read(text="ก" * 200_000)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "ระบบรับคำขอนี้ไม่ได้", status_code=400)
        self.assertContains(response, "100,000", status_code=400)


class ParseCircularSizeTestCase(SimpleTestCase):
    def test_the_reader_refuses_text_past_the_limit_with_a_message(self):
        with self.assertRaisesMessage(CircularError, "100,000"):
            parse_circular(long_letter(MAX_TEXT_CHARS + 1))
