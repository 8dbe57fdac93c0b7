"""The chain of supervision in a real Chromium (docs/supervision.md): the district returns an
SAO's record with a comment naming a field; the clerk reads it on the round page and in the
notices, fixes the field and submits again; the province approves a town municipality in one
step. (The clerk's home page shows the round page's content through its own link.)"""

import datetime

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from accounts.models import Role
from deadlines.models import RoundLAO
from deadlines.services import round_submit
from records.models import LAO, Record
from tests.browser.base import BrowserTestCase
from tests.factories import (
    POPULATION,
    fill_section,
    make_lao,
    make_personas,
    make_round,
    make_user,
)


@pytest.mark.browser
class SupervisionInBrowserTestCase(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.personas = make_personas()
        self.town = make_lao("6701", type=LAO.Type.TOWN, name="เพชรบูรณ์")
        make_user("clerk_town", Role.CLERK, lao=self.town)
        self.round = make_round(deadline=datetime.date(2099, 12, 30))
        for lao, clerk in ((self.personas["lao_a"], "clerk_a"), (self.town, "clerk_town")):
            user = type(self.personas["clerk_a"]).objects.get(username=clerk)
            fill_section(lao, 2568, "population", user, POPULATION)
            round_submit(participant=self.participant(lao), by=user)

    def participant(self, lao) -> RoundLAO:
        return RoundLAO.objects.select_related("round", "lao__district").get(
            round=self.round, lao=lao
        )

    def go(self, path: str) -> None:
        self.browser.get(f"{self.live_server_url}{path}")

    def text(self, selector: str) -> str:
        return self.browser.find_element(By.CSS_SELECTOR, selector).text

    def test_return_fix_resubmit_and_the_province_approves_a_town_in_one_step(self):
        lao = self.personas["lao_a"]
        rounds = f"/rounds/{self.round.pk}/lao"

        # The district reviews its SAO and returns it, naming the number of households.
        self.log_in("district_6701")
        self.go(f"/district/6701/?round={self.round.pk}")
        self.submit(f"tr[data-code='{lao.code}'] a[data-testid=review]")
        self.assertIn("ประชากร", self.text("[data-testid=review-section]"))
        self.browser.find_element(By.NAME, "comment").send_keys("จำนวนครัวเรือนไม่ตรงทะเบียน")
        Select(self.browser.find_element(By.NAME, "targets")).select_by_value(
            "population.households_total"
        )
        self.submit("[data-testid=return-form] button[type=submit]")
        self.assertEqual(self.participant(lao).state, RoundLAO.State.RETURNED)
        # The town municipality is the province's: not on the district's page.
        self.assertNotIn(self.town.code, self.browser.page_source)

        # The clerk reads the comment and the field it names, and the notice.
        self.log_in("clerk_a")
        self.go(f"{rounds}/{lao.code}/")
        self.assertIn("จำนวนครัวเรือนไม่ตรงทะเบียน", self.text("[data-testid=return-comment]"))
        self.assertIn("ครัวเรือน", self.text("[data-testid=return-targets]"))
        self.go("/notices/")
        notices = self.text("[data-testid=notices]")
        self.assertIn("ส่งคืนให้แก้ไข", notices)
        self.assertIn("จำนวนครัวเรือนไม่ตรงทะเบียน", notices)

        # The clerk fixes the field and submits again.
        self.go(f"/lao/{lao.code}/2568/population/")
        households = self.browser.find_element(By.NAME, "households_total")
        households.clear()
        households.send_keys("812")
        self.submit("form button[type=submit].btn-primary")
        record = Record.objects.get(lao=lao, fiscal_year=2568)
        self.assertEqual(
            record.entries.get(section__code="population").values["households_total"], "812"
        )
        self.go(f"{rounds}/{lao.code}/")
        self.submit(f"form[action$='{lao.code}/submit/'] button")
        self.assertEqual(self.participant(lao).state, RoundLAO.State.SUBMITTED)

        # The province approves its town municipality in one step, with the confirmation.
        self.log_in("province_67")
        self.go(f"/province/67/?round={self.round.pk}")
        self.submit(f"tr[data-code='{self.town.code}'] a[data-testid=review]")
        # (Without the box ticked the browser does not send the form; the server refuses it too,
        # tests/deadlines/test_participant_views.py.)
        self.browser.find_element(By.NAME, "confirm").send_keys(Keys.SPACE)
        self.submit("[data-testid=approve-form] button[type=submit]")
        self.assertEqual(self.participant(self.town).state, RoundLAO.State.APPROVED)
        self.assertIn("อนุมัติแล้ว", self.browser.page_source)
        # The SAO is the district's: the province reads it but has no review button for it.
        self.go(f"{rounds}/{lao.code}/")
        self.assertEqual(self.browser.find_elements(By.CSS_SELECTOR, "[data-testid=review]"), [])
