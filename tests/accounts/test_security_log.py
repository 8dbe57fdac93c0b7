"""The security log: who did what, when and from where, and the page department staff read."""

import io
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from accounts.models import Role, SecurityEvent
from api.services import token_issue
from lgdata.thai import fiscal_year_of
from tests.base import PersonasTestCase
from tests.factories import PASSWORD, POPULATION, fill_section

Kind = SecurityEvent.Kind


class SecurityEventsTestCase(PersonasTestCase):
    def kinds(self, **filters) -> list[str]:
        return list(SecurityEvent.objects.filter(**filters).values_list("kind", flat=True))

    def test_a_login_and_a_failed_login_are_logged_with_the_address(self):
        self.client.post(
            "/accounts/login/",
            {"username": "clerk_a", "password": "wrong"},
            REMOTE_ADDR="203.0.113.7",
        )
        self.client.post(
            "/accounts/login/",
            {"username": "clerk_a", "password": PASSWORD},
            REMOTE_ADDR="203.0.113.7",
        )
        failed = SecurityEvent.objects.get(kind=Kind.LOGIN_FAILED)
        self.assertEqual((failed.username, failed.ip_address), ("clerk_a", "203.0.113.7"))
        self.assertIsNone(failed.user)
        login = SecurityEvent.objects.get(kind=Kind.LOGIN)
        self.assertEqual((login.user, login.ip_address), (self.clerk_a, "203.0.113.7"))
        self.assertEqual(login.at.utcoffset().total_seconds(), 0)  # stored in UTC

    @override_settings(AXES_FAILURE_LIMIT=2, AXES_IPWARE_PROXY_COUNT=1)
    def test_a_lockout_is_logged_with_the_address_the_proxy_forwarded(self):
        for _ in range(3):
            self.client.post(
                "/accounts/login/",
                {"username": "clerk_b", "password": "wrong"},
                REMOTE_ADDR="10.0.0.1",
                HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.9",  # a forged first entry
            )
        lockout = SecurityEvent.objects.filter(kind=Kind.LOCKOUT).first()
        self.assertIsNotNone(lockout)
        self.assertEqual((lockout.username, lockout.ip_address), ("clerk_b", "198.51.100.9"))

    def test_an_existing_lao_outside_the_scope_is_a_404_and_a_denied_access(self):
        self.login(self.clerk_a)
        response = self.client.get(f"/lao/{self.lao_b.code}/")
        self.assertEqual(response.status_code, 404)
        denied = SecurityEvent.objects.get(kind=Kind.DENIED)
        self.assertEqual(denied.user, self.clerk_a)
        self.assertEqual(denied.path, f"/lao/{self.lao_b.code}/")
        self.assertIn(self.lao_b.code, denied.detail)

    def test_a_missing_lao_is_a_404_and_nothing_is_logged(self):
        self.login(self.clerk_a)
        self.assertEqual(self.client.get("/lao/6999999/").status_code, 404)
        self.assertEqual(self.kinds(kind=Kind.DENIED), [])

    def test_a_province_outside_the_scope_is_logged_too(self):
        self.login(self.province_officer)
        self.assertEqual(self.client.get("/province/81/").status_code, 404)
        self.assertEqual(self.kinds(kind=Kind.DENIED, user=self.province_officer), ["denied"])

    def test_an_export_from_the_page_and_from_the_command_is_logged(self):
        # An empty year is refused with a message (nothing exported, nothing logged): give it data.
        year = fiscal_year_of(timezone.localdate())
        fill_section(self.lao_a, year, "population", self.clerk_a, POPULATION)
        self.login(self.district_officer)
        response = self.client.get("/exports/records/?format=csv")
        self.assertEqual(response.status_code, 200)
        b"".join(response.streaming_content)
        export = SecurityEvent.objects.get(kind=Kind.EXPORT)
        self.assertEqual(export.user, self.district_officer)
        self.assertIn(".csv", export.detail)
        target = Path(self.enterContext(__import__("tempfile").TemporaryDirectory()))
        call_command(
            "export_records", "--format=csv", "--province=67", "-o", str(target / "x.csv"),
            stdout=io.StringIO(),
        )  # fmt: skip
        self.assertEqual(self.kinds(kind=Kind.EXPORT).count("export"), 2)
        self.assertTrue(SecurityEvent.objects.filter(username__startswith="manage.py").exists())

    def test_an_api_token_use_is_logged_at_most_once_a_minute(self):
        _token, text = token_issue(user=self.executive, name="MOC", by=self.department)
        for _ in range(2):
            response = self.client.get("/api/v1/laos/", HTTP_AUTHORIZATION=f"Bearer {text}")
            self.assertEqual(response.status_code, 200)
        used = SecurityEvent.objects.get(kind=Kind.TOKEN)
        self.assertEqual(used.user, self.executive)
        self.assertEqual(used.path, "/api/v1/laos/")

    def test_a_role_change_in_the_admin_names_who_changed_what(self):
        admin = type(self.clerk_a).objects.create_superuser("root", password=PASSWORD)
        SecurityEvent.objects.all().delete()
        self.client.force_login(admin)
        user = self.clerk_b
        user.role, user.lao, user.district_id = Role.DISTRICT, None, "6701"
        from simple_history.models import HistoricalRecords

        request = (
            __import__("django.test", fromlist=["RequestFactory"])
            .RequestFactory()
            .get("/admin/accounts/user/", REMOTE_ADDR="192.0.2.5")
        )
        request.user = admin
        HistoricalRecords.context.request = request
        try:
            user.save()
        finally:
            del HistoricalRecords.context.request
        change = SecurityEvent.objects.get(kind=Kind.ROLE_CHANGE)
        self.assertEqual((change.user, change.ip_address), (admin, "192.0.2.5"))
        self.assertIn("clerk_b", change.detail)
        self.assertIn("role: clerk → district", change.detail)

    def test_saving_a_user_without_a_role_change_logs_nothing(self):
        SecurityEvent.objects.all().delete()
        self.clerk_a.first_name = "สมชาย"
        self.clerk_a.save()
        self.assertEqual(self.kinds(), [])


class SecurityLogPageTestCase(PersonasTestCase):
    def test_department_staff_read_and_filter_the_log_with_buddhist_era_dates(self):
        self.client.post("/accounts/login/", {"username": "clerk_a", "password": "wrong"})
        self.login(self.department)
        response = self.client.get("/security-log/")
        self.assertContains(response, "บันทึกความปลอดภัย")
        self.assertContains(response, "เข้าสู่ระบบไม่สำเร็จ")
        self.assertContains(response, "clerk_a")
        self.assertContains(response, "25")  # the Buddhist-Era year of the entry
        response = self.client.get("/security-log/", {"kind": "login", "user": "clerk"})
        self.assertNotContains(response, 'data-kind="login_failed"')
        response = self.client.get("/security-log/", {"since": "31/2/2568"})
        self.assertContains(response, "วัน/เดือน/ปี พ.ศ.")

    def test_everyone_else_gets_a_404_and_anonymous_users_the_login_page(self):
        for persona in (
            self.clerk_a, self.district_officer, self.province_officer, self.executive
        ):  # fmt: skip
            self.login(persona)
            self.assertEqual(self.client.get("/security-log/").status_code, 404, persona)
        self.client.logout()
        self.assertRedirects(
            self.client.get("/security-log/"),
            "/accounts/login/?next=/security-log/",
            fetch_redirect_response=False,
        )
