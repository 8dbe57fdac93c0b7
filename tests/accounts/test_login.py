from django.conf import settings
from django.test import override_settings

from tests.base import PersonasTestCase
from tests.factories import PASSWORD

NEW_PASSWORD = "ขอบคุณมาก-2568"


class LoginTestCase(PersonasTestCase):
    def test_a_clerk_logs_in_and_lands_on_their_lao(self):
        response = self.client.post(
            "/accounts/login/", {"username": "clerk_a", "password": PASSWORD}, follow=True
        )
        self.assertEqual(response.redirect_chain[-1][0], f"/lao/{self.lao_a.code}/")
        self.assertContains(response, "อบต.นาป่า")

    def test_the_login_page_is_thai_by_default_and_english_by_switch(self):
        response = self.client.get("/accounts/login/")
        self.assertContains(response, '<html lang="th">')
        self.assertContains(response, "เข้าสู่ระบบ")
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
        response = self.client.get("/accounts/login/")
        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, "Log in")

    def test_a_wrong_password_says_so_in_thai_and_keeps_the_username(self):
        response = self.client.post("/accounts/login/", {"username": "clerk_a", "password": "nope"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "ชื่อผู้ใช้")
        self.assertContains(response, 'value="clerk_a"')
        self.assertNotIn("_auth_user_id", self.client.session)

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_repeated_failures_lock_the_account_even_with_the_right_password(self):
        for _ in range(3):
            self.client.post("/accounts/login/", {"username": "clerk_a", "password": "wrong"})
        response = self.client.post(
            "/accounts/login/", {"username": "clerk_a", "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "ถูกระงับ", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)
        # Another account from the same address is not locked.
        response = self.client.post(
            "/accounts/login/", {"username": "clerk_b", "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 302)

    def test_logout_is_a_post_and_ends_the_session(self):
        self.login(self.clerk_a)
        self.assertEqual(self.client.get("/accounts/logout/").status_code, 405)
        self.client.post("/accounts/logout/")
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(self.client.get(f"/lao/{self.lao_a.code}/").status_code, 302)

    def test_sessions_expire(self):
        self.assertLessEqual(settings.SESSION_COOKIE_AGE, 12 * 60 * 60)
        self.login(self.clerk_a)
        self.assertLessEqual(self.client.session.get_expiry_age(), 12 * 60 * 60)
        self.assertTrue(settings.SESSION_EXPIRE_AT_BROWSER_CLOSE)


class PasswordChangeTestCase(PersonasTestCase):
    def change_password(self, old_password: str):
        """The password form, sent with ``old_password`` and NEW_PASSWORD as the new one."""
        return self.client.post(
            "/accounts/password/",
            {
                "old_password": old_password,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )

    def test_a_user_changes_their_password(self):
        self.login(self.clerk_a)
        response = self.change_password(PASSWORD)
        self.assertRedirects(response, "/accounts/password/done/")
        self.client.post("/accounts/logout/")
        response = self.client.post(
            "/accounts/login/", {"username": "clerk_a", "password": NEW_PASSWORD}
        )
        self.assertEqual(response.status_code, 302)
        self.assertIn("_auth_user_id", self.client.session)

    def test_a_wrong_old_password_is_refused(self):
        self.login(self.clerk_a)
        response = self.change_password("x")
        self.assertEqual(response.status_code, 200)
        self.clerk_a.refresh_from_db()
        self.assertTrue(self.clerk_a.check_password(PASSWORD))

    def test_anonymous_users_are_sent_to_log_in(self):
        self.assertRedirects(
            self.client.get("/accounts/password/"), "/accounts/login/?next=/accounts/password/"
        )


class LanguageTestCase(PersonasTestCase):
    def test_an_english_browser_still_gets_thai_until_the_user_switches(self):
        response = self.client.get(
            "/accounts/login/", headers={"accept-language": "en-US,en;q=0.9"}
        )
        self.assertContains(response, '<html lang="th">')
