import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import APIToken
from api.services import token_issue, token_revoke
from tests.api.helpers import ENDPOINTS, APITestCase

# What a caller without a token reads (Thai unless English is asked for).
NO_TOKEN = "ต้องระบุโทเค็น โดยส่งส่วนหัว “Authorization: Bearer <token>”"


class AuthenticationTestCase(APITestCase):
    def paths(self) -> list[str]:
        return [p.format(lao=self.lao_a.code) for p in ENDPOINTS]

    def assert_401(self, response, code: str, message: str) -> None:
        """A 401 with the stable code for programs and the Thai message for people."""
        self.assertEqual(response.status_code, 401, response.content)
        self.assertEqual(response.json()["code"], code)
        self.assertEqual(response.json()["message"], message)
        self.assertTrue(response["WWW-Authenticate"].startswith("Bearer"))

    def test_every_endpoint_needs_a_token(self):
        for path in self.paths():
            with self.subTest(path):
                self.assert_401(self.api(path), "not_authenticated", NO_TOKEN)

    def test_an_unknown_or_malformed_token_is_refused(self):
        for path in self.paths():
            for token in ("lgd_" + "x" * 54, "short", "bad token with spaces"):
                with self.subTest(path=path, token=token):
                    self.assert_401(self.api(path, token), "invalid_token", "โทเค็นไม่ถูกต้อง")

    def test_a_revoked_token_is_refused_on_every_endpoint(self):
        token = APIToken.objects.get(user=self.department)
        token_revoke(token=token, by=self.department)
        for path in self.paths():
            with self.subTest(path):
                response = self.as_("department", path)
                self.assert_401(response, "invalid_token", "โทเค็นนี้ถูกเพิกถอนแล้ว")

    def test_an_inactive_users_token_is_refused(self):
        self.province_officer.is_active = False
        self.province_officer.save()
        for path in self.paths():
            with self.subTest(path):
                self.assert_401(
                    self.as_("province_officer", path),
                    "invalid_token",
                    "บัญชีผู้ใช้ของโทเค็นนี้ถูกระงับการใช้งาน",
                )

    def test_an_in_scope_token_is_served_on_every_endpoint(self):
        for path in self.paths():
            with self.subTest(path):
                self.assertEqual(self.as_("province_officer", path).status_code, 200)

    def test_a_portal_session_is_not_enough(self):
        # No session authentication for the API: a logged-in browser cannot be made to call it.
        self.client.force_login(self.department)
        for path in self.paths():
            with self.subTest(path):
                self.assert_401(self.api(path), "not_authenticated", NO_TOKEN)

    def test_other_schemes_are_not_accepted(self):
        response = self.client.get(
            "/api/v1/laos/", HTTP_AUTHORIZATION=f"Token {self.tokens['department']}"
        )
        self.assert_401(response, "not_authenticated", NO_TOKEN)

    def test_the_token_is_stored_only_as_a_hash(self):
        token, text = token_issue(user=self.executive, name="MOC", by=self.department)
        self.assertTrue(text.startswith("lgd_"))
        self.assertGreaterEqual(len(text), 4 + 54)
        self.assertEqual(token.prefix, text[:12])
        self.assertNotEqual(token.key_hash, text)
        self.assertFalse(APIToken.objects.filter(key_hash__contains=text[4:]).exists())

    def test_last_use_is_recorded_at_most_once_a_minute(self):
        token = APIToken.objects.get(user=self.executive)
        self.assertIsNone(token.last_used_at)
        self.as_("executive", "/api/v1/circulars/")
        token.refresh_from_db()
        first = token.last_used_at
        self.assertIsNotNone(first)

        with CaptureQueriesContext(connection) as queries:
            self.as_("executive", "/api/v1/circulars/")
        self.assertFalse([q for q in queries if q["sql"].startswith("UPDATE")])
        token.refresh_from_db()
        self.assertEqual(token.last_used_at, first)

        APIToken.objects.filter(pk=token.pk).update(
            last_used_at=timezone.now() - datetime.timedelta(minutes=2)
        )
        self.as_("executive", "/api/v1/circulars/")
        token.refresh_from_db()
        self.assertGreater(token.last_used_at, first)
