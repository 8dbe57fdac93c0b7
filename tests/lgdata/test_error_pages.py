from django.test import RequestFactory, TestCase
from django.views.defaults import server_error

from tests.base import PersonasTestCase


class ErrorPagesTestCase(PersonasTestCase):
    def test_not_found_is_a_thai_page_with_a_way_home(self):
        self.login(self.clerk_a)
        response = self.client.get("/no-such-page/")
        self.assertContains(response, "ไม่พบหน้าที่ต้องการ", status_code=404)
        self.assertContains(response, "กลับหน้าแรก", status_code=404)

    def test_forbidden_is_a_thai_page(self):
        self.login(self.province_officer)  # may enter the admin, but not the LAO registry admin
        response = self.client.get("/admin/records/lao/")
        self.assertContains(response, "ไม่มีสิทธิ์เข้าถึง", status_code=403)


class ServerErrorPageTestCase(TestCase):
    def test_server_error_is_thai_with_english_below_and_needs_no_database(self):
        response = server_error(RequestFactory().get("/"))
        self.assertEqual(response.status_code, 500)
        text = response.content.decode()
        self.assertIn("ระบบขัดข้องชั่วคราว", text)
        self.assertIn("Server error", text)
