"""No English left in the Thai interface: the login and password pages, with their errors and
Django's password rules, read in Thai (codes and numbers aside)."""

import re

from tests.base import PersonasTestCase

MAIN = re.compile(r"<main[^>]*>(.*)</main>", re.S)
TAGS = re.compile(r"<[^>]+>")
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


def english_words(html: str) -> set[str]:
    """ASCII words of three letters or more in the main content's text (not in tags)."""
    text = TAGS.sub(" ", MAIN.search(html).group(1))
    return set(ENGLISH_WORD.findall(text))


class ThaiOnlyTestCase(PersonasTestCase):
    def test_the_login_page_and_its_error_are_thai(self):
        page = self.client.get("/accounts/login/")
        self.assertEqual(english_words(page.content.decode()), set())
        failed = self.client.post("/accounts/login/", {"username": "clerk_a", "password": "x"})
        self.assertContains(failed, "รหัสผ่าน")
        self.assertEqual(english_words(failed.content.decode()), set())

    def test_the_password_change_page_its_rules_and_errors_are_thai(self):
        self.login(self.clerk_a)
        page = self.client.get("/accounts/password/")
        self.assertContains(page, "ต้องไม่เป็นตัวเลขทั้งหมด")
        self.assertEqual(english_words(page.content.decode()), set())
        for new1, new2 in (("12345678", "12345678"), ("clerk_a1", "clerk_a1"), ("ab", "cd")):
            with self.subTest(new=new1):
                errors = self.client.post(
                    "/accounts/password/",
                    {"old_password": "wrong", "new_password1": new1, "new_password2": new2},
                )
                self.assertEqual(errors.status_code, 200)
                self.assertContains(errors, "รหัสผ่านเดิมไม่ถูกต้อง")
                self.assertEqual(english_words(errors.content.decode()), set())
