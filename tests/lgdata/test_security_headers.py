"""Headers every answer carries: a script policy without inline code, and no caching of what a
logged-in user sees."""

from django.test import TestCase

from tests.base import PersonasTestCase


class ContentSecurityPolicyTestCase(TestCase):
    def test_the_login_page_allows_only_the_portals_own_scripts(self):
        response = self.client.get("/accounts/login/")
        policy = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        self.assertEqual(directives["script-src"], "'self'")
        self.assertEqual(directives["default-src"], "'self'")
        self.assertEqual(directives["frame-ancestors"], "'none'")
        self.assertNotIn("unsafe-inline", directives["script-src"])
        self.assertIn("camera=()", response["Permissions-Policy"])

    def test_no_page_template_carries_an_inline_script(self):
        # An inline <script> would be blocked by the policy above and break the page silently.
        from pathlib import Path

        root = Path(__file__).resolve().parents[2] / "templates"
        inline = [
            str(path.relative_to(root))
            for path in root.rglob("*.html")
            if "<script>" in path.read_text(encoding="utf-8")
        ]
        self.assertEqual(inline, [])


class PrivatePagesTestCase(PersonasTestCase):
    def test_a_logged_in_page_is_never_stored(self):
        self.login(self.district_officer)
        response = self.client.get(f"/district/{self.district_officer.district_id}/")
        self.assertEqual(response.status_code, 200)
        self.assertIn("private", response["Cache-Control"])
        self.assertIn("no-store", response["Cache-Control"])

    def test_a_download_is_never_stored(self):
        self.login(self.district_officer)
        response = self.client.get(
            f"/district/{self.district_officer.district_id}/", {"download": "csv"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("text/csv", response["Content-Type"])
        self.assertIn("no-store", response["Cache-Control"])
