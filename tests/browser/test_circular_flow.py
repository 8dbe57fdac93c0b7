"""A circular from paste to clerk, in a real Chromium (docs/circulars.md): department staff paste
a circular, check what was read and save it; the round reaches the clerk, who acknowledges it."""

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from deadlines.models import Circular, RoundLAO
from tests.browser.base import BrowserTestCase
from tests.factories import make_personas

LETTER = (
    Path(__file__).parents[1] / "deadlines" / "letters" / "1_department_circular.txt"
).read_text(encoding="utf-8")


@pytest.mark.browser
class CircularInBrowserTestCase(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.personas = make_personas()

    def test_department_pastes_checks_and_saves_and_the_clerk_acknowledges(self):
        self.log_in("department")
        self.browser.get(f"{self.live_server_url}/circulars/new/")
        self.browser.find_element(By.NAME, "text").send_keys(LETTER)
        self.submit("form button[type=submit].btn-primary")
        self.assertEqual(
            self.browser.find_element(By.NAME, "reference").get_attribute("value"), "มท ๐๘๐๖/ว ๓๑๓๗"
        )
        self.assertEqual(
            self.browser.find_element(By.NAME, "deadline").get_attribute("value"), "30/12/2555"
        )
        self.assertEqual(Circular.objects.count(), 0)
        self.submit("form button[type=submit].btn-primary")
        # The letter's deadline (2555) is past: the page says so and asks for a confirmation.
        self.assertIn("30 ธันวาคม 2555 ผ่านมาแล้ว", self.browser.page_source)
        self.assertEqual(Circular.objects.count(), 0)
        self.browser.find_element(By.NAME, "confirm_deadline").send_keys(Keys.SPACE)
        self.submit("form button[type=submit].btn-primary")
        self.assertIn("19 พฤศจิกายน 2555", self.browser.page_source)
        circular = Circular.objects.get()
        participants = RoundLAO.objects.filter(round__circular=circular)
        self.assertEqual(participants.count(), 4)

        self.log_in("clerk_a")
        lao = self.personas["lao_a"]
        self.browser.get(f"{self.live_server_url}/rounds/{circular.round.pk}/lao/{lao.code}/")
        self.assertIn(
            "มท ๐๘๐๖/ว ๓๑๓๗", self.browser.find_element(By.CSS_SELECTOR, "[data-testid=chain]").text
        )
        self.submit("form[action$='/acknowledge/'] button")
        self.assertIsNotNone(participants.get(lao=lao).acknowledged_at)
