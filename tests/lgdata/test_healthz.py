from unittest import mock

from django.db import OperationalError
from django.test import TestCase


class HealthzTestCase(TestCase):
    def test_it_reports_the_database_as_json_without_login(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["status"], "ok")
        self.assertEqual(response.json()["database"], "ok")
        # The answer is public: it does not tell a prober which engine runs behind it.
        self.assertNotIn("sqlite", response.content.decode())
        self.assertNotIn("postgres", response.content.decode())
        self.assertIn("no-cache", response["Cache-Control"])

    def test_it_answers_503_when_the_database_is_down(self):
        # The database is not mocked away: the real cursor is replaced only to fail.
        with mock.patch(
            "django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError
        ):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["status"], "error")
