from accounts.models import Role
from api.models import APIToken
from api.services import token_issue
from tests.api.helpers import APITestCase
from tests.factories import make_user


class TokenPageTestCase(APITestCase):
    URL = "/api/tokens/"

    def test_department_staff_and_administrators_see_the_tokens(self):
        admin = make_user("admin", Role.ADMIN)
        for user in (self.department, admin):
            with self.subTest(user.username):
                self.login(user)
                response = self.client.get(self.URL)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "province_officer system")
                self.assertContains(response, "lgd_")
                self.assertNotContains(response, self.tokens["department"])

    def test_nobody_else_may_open_issue_or_revoke(self):
        token = APIToken.objects.get(user=self.executive)
        for persona in (
            "clerk_a",
            "district_officer",
            "province_officer",
            "executive",
        ):
            with self.subTest(persona):
                self.login(getattr(self, persona))
                self.assertEqual(self.client.get(self.URL).status_code, 404)
                response = self.client.post(self.URL, {"username": persona, "name": "x"})
                self.assertEqual(response.status_code, 404)
                response = self.client.post(f"/api/tokens/{token.pk}/revoke/")
                self.assertEqual(response.status_code, 404)
        self.assertEqual(APIToken.objects.count(), len(self.PERSONAS))
        self.assertFalse(APIToken.objects.filter(revoked_at__isnull=False).exists())

    def test_anonymous_visitors_are_sent_to_log_in(self):
        response = self.client.get(self.URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_issuing_shows_the_token_once_and_it_works(self):
        self.login(self.department)
        response = self.client.post(
            self.URL, {"username": "province_67", "name": "Phetchabun provincial dashboard"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        token = APIToken.objects.get(name="Phetchabun provincial dashboard")
        self.assertEqual(token.user, self.province_officer)
        self.assertEqual(token.created_by, self.department)
        text = response.context["issued"]["text"]
        self.assertContains(response, text)
        self.assertEqual(token.key_hash, APIToken.hash_text(text))
        self.assertNotContains(self.client.get(self.URL), text)
        self.assertEqual(self.api("/api/v1/laos/", text).json()["count"], 3)

    def test_bad_input_is_refused_with_a_message_and_nothing_is_issued(self):
        self.login(self.department)
        self.clerk_b.is_active = False
        self.clerk_b.save()
        for data in (
            {"username": "nobody", "name": "x"},
            {"username": "clerk_b", "name": "x"},
            {"username": "clerk_a", "name": ""},
        ):
            with self.subTest(data):
                response = self.client.post(self.URL, data)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["form"].errors)
                self.assertIsNone(response.context["issued"])
        self.assertEqual(APIToken.objects.count(), len(self.PERSONAS))

    def test_revoking_stops_the_token_at_once(self):
        token, text = token_issue(user=self.executive, name="MOC", by=self.department)
        self.assertEqual(self.api("/api/v1/circulars/", text).status_code, 200)
        self.login(self.department)
        response = self.client.post(f"/api/tokens/{token.pk}/revoke/", follow=True)
        self.assertRedirects(response, self.URL)
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        self.assertEqual(token.revoked_by, self.department)
        self.assertEqual(self.api("/api/v1/circulars/", text).status_code, 401)
        # Revoking again changes nothing.
        first = token.revoked_at
        self.client.post(f"/api/tokens/{token.pk}/revoke/")
        token.refresh_from_db()
        self.assertEqual(token.revoked_at, first)

    def test_revoking_takes_a_post(self):
        token = APIToken.objects.get(user=self.executive)
        self.login(self.department)
        self.assertEqual(self.client.get(f"/api/tokens/{token.pk}/revoke/").status_code, 405)
