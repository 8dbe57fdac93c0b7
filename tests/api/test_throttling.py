from django.test import override_settings

from tests.api.helpers import APITestCase


@override_settings(API_RATE_LIMIT="3/minute")
class RateLimitTestCase(APITestCase):
    def test_past_the_limit_a_token_gets_429_with_retry_after(self):
        for _ in range(3):
            self.assertEqual(self.as_("department", "/api/v1/circulars/").status_code, 200)
        response = self.as_("department", "/api/v1/laos/")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response.json()["code"], "rate_limited")
        self.assertTrue(response.json()["message"])
        self.assertTrue(1 <= int(response["Retry-After"]) <= 60)

    def test_the_limit_is_per_token(self):
        for _ in range(4):
            self.as_("department", "/api/v1/circulars/")
        self.assertEqual(self.as_("executive", "/api/v1/circulars/").status_code, 200)

    def test_conditional_requests_count_too_and_no_token_is_not_counted(self):
        for _ in range(5):
            self.assertEqual(self.api("/api/v1/laos/").status_code, 401)
        etag = self.as_("department", "/api/v1/circulars/")["ETag"]
        self.assertEqual(
            self.as_("department", "/api/v1/circulars/", HTTP_IF_NONE_MATCH=etag).status_code, 304
        )
        self.as_("department", "/api/v1/circulars/")
        self.assertEqual(self.as_("department", "/api/v1/circulars/").status_code, 429)
