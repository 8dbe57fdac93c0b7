from tests.api.helpers import APITestCase


class ErrorFormatTestCase(APITestCase):
    def test_errors_are_json_with_a_code_and_a_message(self):
        not_found = "ไม่พบข้อมูล หรือข้อมูลอยู่นอกขอบเขตของโทเค็นนี้"
        no_endpoint = "ไม่พบปลายทาง (endpoint) นี้ใน API"
        cases = {
            ("/api/v1/laos/", None): (401, "not_authenticated", "ต้องระบุโทเค็น"),
            ("/api/v1/laos/?year=x", "department"): (400, "invalid_parameter", "year: "),
            ("/api/v1/laos/0000000/", "department"): (404, "not_found", not_found),
            ("/api/v1/nothing-here/", "department"): (404, "not_found", no_endpoint),
            ("/api/v1/nothing-here/", None): (404, "not_found", no_endpoint),
        }
        for (path, persona), (status, code, message) in cases.items():
            with self.subTest(path=path, persona=persona):
                token = self.tokens[persona] if persona else None
                response = self.api(path, token)
                self.assertEqual(response.status_code, status)
                self.assertEqual(response["Content-Type"], "application/json")
                self.assertEqual(response.json()["code"], code)
                self.assertTrue(response.json()["message"].startswith(message))

    def test_the_api_is_read_only(self):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.tokens['department']}"}
        for method in ("post", "put", "patch", "delete", "options"):
            with self.subTest(method):
                response = getattr(self.client, method)("/api/v1/laos/", **headers)
                self.assertEqual(response.status_code, 405)
                self.assertEqual(response.json()["code"], "method_not_allowed")
                self.assertEqual(response.json()["message"], "API นี้ใช้อ่านข้อมูลได้อย่างเดียว โปรดใช้ GET")
                self.assertEqual(response["Allow"], "GET, HEAD")

    def test_messages_follow_accept_language_and_codes_do_not(self):
        english = self.api("/api/v1/laos/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
        self.assertEqual(english["Content-Language"], "en")
        self.assertIn("Authorization: Bearer", english.json()["message"])
        thai = self.api("/api/v1/laos/")
        self.assertEqual(thai["Content-Language"], "th")
        self.assertEqual(thai.json()["code"], english.json()["code"])

    def test_no_cors_headers_are_sent(self):
        response = self.as_("department", "/api/v1/laos/", HTTP_ORIGIN="https://example.org")
        self.assertEqual(response.status_code, 200)
        self.assertFalse([h for h in response.headers if h.lower().startswith("access-control")])

    def test_head_works_like_get_without_a_body(self):
        response = self.client.head(
            "/api/v1/circulars/", HTTP_AUTHORIZATION=f"Bearer {self.tokens['department']}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"")
        self.assertIn("ETag", response)

    def test_a_missing_final_slash_gets_a_hint_not_a_redirect(self):
        response = self.as_("department", "/api/v1/laos", HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 404)
        self.assertIn("/api/v1/laos/?", response.json()["message"])
