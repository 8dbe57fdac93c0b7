"""Commands speak the language --language names and leave the caller's language as it was."""

import io

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase
from django.utils import translation


class LanguageCommandTestCase(SimpleTestCase):
    def refusal(self, *args: str) -> str:
        with self.assertRaises(CommandError) as caught:
            call_command("parse_circular", "/nonexistent/letter.txt", *args, stdout=io.StringIO())
        return str(caught.exception)

    def test_messages_follow_the_language_option(self):
        self.assertIn("Cannot read", self.refusal("--language", "en"))
        self.assertNotIn("Cannot read", self.refusal())  # Thai by default

    def test_the_callers_language_is_restored(self):
        with translation.override("th"):
            self.refusal("--language", "en")
            self.assertEqual(translation.get_language(), "th")
