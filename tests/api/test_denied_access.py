"""The API's own 404s for objects that exist outside the token's scope are denied accesses in
the security log (docs/security.md), once a request; a missing object logs nothing."""

import datetime

from accounts.models import SecurityEvent
from tests.api.helpers import APITestCase
from tests.base import on

Kind = SecurityEvent.Kind


class APIDeniedAccessTestCase(APITestCase):
    def get(self, persona: str, path: str, **headers):
        with on(datetime.date(2025, 3, 1)):
            return self.as_(persona, path, **headers)

    def denied(self) -> list[SecurityEvent]:
        return list(SecurityEvent.objects.filter(kind=Kind.DENIED))

    def test_an_lao_outside_the_tokens_scope_is_logged_once_with_who_and_where(self):
        response = self.get(
            "other_province_officer", f"/api/v1/laos/{self.lao_a.code}/", REMOTE_ADDR="192.0.2.44"
        )
        self.assertEqual(response.status_code, 404)
        [event] = self.denied()
        self.assertEqual(event.user, self.other_province_officer)
        self.assertEqual(event.ip_address, "192.0.2.44")
        self.assertEqual(event.path, f"/api/v1/laos/{self.lao_a.code}/")
        self.assertIn(f"code={self.lao_a.code}", event.detail)
        self.assertEqual(event.at.utcoffset().total_seconds(), 0)

    def test_a_token_that_may_read_the_lao_logs_no_denial(self):
        self.assertEqual(
            self.get("province_officer", f"/api/v1/laos/{self.lao_a.code}/").status_code, 200
        )
        self.assertEqual(self.get("clerk_a", f"/api/v1/laos/{self.lao_a.code}/").status_code, 200)
        self.assertEqual(self.denied(), [])

    def test_a_missing_lao_is_a_404_and_nothing_is_logged(self):
        self.assertEqual(
            self.get("other_province_officer", "/api/v1/laos/9999999/").status_code, 404
        )
        self.assertEqual(self.denied(), [])

    def test_a_parent_outside_the_scope_of_the_completeness_is_logged(self):
        outside = self.get(
            "other_province_officer", "/api/v1/completeness/?level=district&parent=67"
        )
        self.assertEqual(outside.status_code, 404)
        [event] = self.denied()
        self.assertEqual(event.user, self.other_province_officer)
        self.assertIn("code=67", event.detail)
        self.assertEqual(
            self.get(
                "other_province_officer", "/api/v1/completeness/?level=district&parent=99"
            ).status_code,
            404,
        )
        self.assertEqual(
            self.get(
                "province_officer", "/api/v1/completeness/?level=district&parent=67"
            ).status_code,
            200,
        )
        self.assertEqual(len(self.denied()), 1)
