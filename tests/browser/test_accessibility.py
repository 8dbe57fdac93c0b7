"""axe-core (vendored, tests/browser/vendor/) in real Chromium on the core pages: no serious or
critical accessibility violations, in Thai."""

from pathlib import Path

import pytest
from django.utils import timezone

from lgdata.thai import fiscal_year_of
from tests.browser.base import SharedBrowserTestCase
from tests.factories import POPULATION, fill_section, make_personas, make_round

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]}).then(
  (results) => done(results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
  }))),
  (error) => done([{id: "axe-error", impact: "critical", help: String(error), nodes: []}]),
);
"""


@pytest.mark.browser
class AccessibilityTestCase(SharedBrowserTestCase):
    javascript = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.browser.set_script_timeout(60)

    def setUp(self):
        self.people = make_personas()
        self.year = fiscal_year_of(timezone.localdate())
        make_round(by=self.people["department"], fiscal_year=self.year)
        fill_section(self.people["lao_a"], self.year, "population", self.people["clerk_a"],
                     POPULATION)  # fmt: skip

    def log_in(self, persona: str) -> None:
        self.browser.delete_all_cookies()
        self.browser.get(f"{self.live_server_url}/accounts/login/")
        self.client.force_login(self.people[persona])  # a session the browser can carry
        cookie = self.client.cookies["sessionid"]
        self.browser.add_cookie({"name": "sessionid", "value": cookie.value, "path": "/"})

    def violations(self, path: str) -> list[dict]:
        self.browser.get(f"{self.live_server_url}{path}")
        # Checked where it was asked for: not the login page a refused visitor is sent to.
        self.assertTrue(self.browser.current_url.endswith(path), self.browser.current_url)
        self.browser.execute_script(AXE)
        found = self.browser.execute_async_script(RUN_AXE)
        return [v for v in found if v["impact"] in ("serious", "critical")]

    def test_the_core_pages_have_no_serious_or_critical_violations(self):
        lao = self.people["lao_a"].code
        pages = [
            (None, "/accounts/login/"),
            ("clerk_a", f"/lao/{lao}/"),
            ("clerk_a", f"/lao/{lao}/{self.year}/population/"),
            ("district_officer", "/district/6701/"),
            ("province_officer", "/province/67/"),
            ("department", "/national/"),
            ("clerk_a", "/circulars/"),
            ("department", "/figures/"),
            ("department", "/security-log/"),
        ]
        for persona, path in pages:
            with self.subTest(path=path, persona=persona):
                if persona is None:
                    self.browser.delete_all_cookies()
                else:
                    self.log_in(persona)
                found = self.violations(path)
                self.assertEqual(found, [], "\n".join(
                    f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
                    for v in found
                ))  # fmt: skip
