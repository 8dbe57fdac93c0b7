"""When the database is out of reach, people get a Thai 503 page, never a traceback."""

from unittest import mock

from django.db import OperationalError, connection
from django.test import Client, override_settings

from tests.base import PersonasTestCase


@override_settings(DEBUG=False)
class DatabaseUnavailableTestCase(PersonasTestCase):
    def test_a_database_error_is_a_thai_503_page_and_the_connection_is_dropped(self):
        client = Client(raise_request_exception=False)
        client.force_login(self.department)
        with (
            mock.patch(
                "deadlines.views.Circular.objects.visible_to",
                side_effect=OperationalError("server closed the connection unexpectedly"),
            ),
            mock.patch.object(connection, "close") as close,
        ):
            response = client.get("/circulars/")
        self.assertEqual(response.status_code, 503)
        text = response.content.decode()
        self.assertIn("ไม่สามารถเชื่อมต่อฐานข้อมูลได้", text)
        self.assertNotIn("Traceback", text)
        self.assertNotIn("server closed", text)
        self.assertEqual(response["Retry-After"], "30")
        self.assertTrue(close.called)

    def test_other_errors_still_get_the_500_page(self):
        client = Client(raise_request_exception=False)
        client.force_login(self.department)
        with mock.patch(
            "deadlines.views.Circular.objects.visible_to", side_effect=ValueError("boom")
        ):
            response = client.get("/circulars/")
        self.assertEqual(response.status_code, 500)
        self.assertIn("ระบบขัดข้องชั่วคราว", response.content.decode())
