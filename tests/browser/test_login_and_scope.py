"""Real Chromium (Debian's chromium + chromedriver) against the live server: no JavaScript needed,
Thai by default, a clerk sees only their LAO."""

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.base import SharedBrowserTestCase, chromium
from tests.factories import PASSWORD, make_personas


@pytest.mark.browser
class LoginInBrowserTestCase(SharedBrowserTestCase):
    def setUp(self):
        self.personas = make_personas()

    def wait_for(self, condition) -> None:
        # While the next page replaces the current one, Chromium may answer a lookup with a
        # stale element or "Node with given id does not belong to the document": ask again.
        passing = [StaleElementReferenceException, WebDriverException]
        WebDriverWait(self.browser, 10, ignored_exceptions=passing).until(
            lambda browser: condition()
        )

    def page_language(self) -> str:
        return self.browser.find_element(By.TAG_NAME, "html").get_attribute("lang")

    def log_in(self, username: str) -> None:
        self.browser.delete_all_cookies()
        self.browser.get(f"{self.live_server_url}/accounts/login/")
        self.browser.find_element(By.NAME, "username").send_keys(username)
        self.browser.find_element(By.NAME, "password").send_keys(PASSWORD)
        self.browser.find_element(By.CSS_SELECTOR, "form button[type=submit].btn-primary").click()
        self.wait_for(lambda: "/accounts/login/" not in self.browser.current_url)

    def test_a_clerk_logs_in_without_javascript_and_sees_their_lao_in_thai(self):
        self.log_in("clerk_a")
        lao = self.personas["lao_a"]
        self.assertTrue(self.browser.current_url.endswith(f"/lao/{lao.code}/"))
        heading = self.browser.find_element(By.TAG_NAME, "h1").text
        self.assertEqual(heading, "อบต.นาป่า")
        self.assertEqual(self.page_language(), "th")
        self.browser.get(f"{self.live_server_url}/lao/{self.personas['lao_b'].code}/")
        self.assertIn("ไม่พบหน้า", self.browser.find_element(By.TAG_NAME, "h1").text)

    def test_the_language_switch_works_without_javascript(self):
        self.log_in("district_6701")
        self.assertIn("อบต.นาป่า", self.browser.page_source)
        self.browser.find_element(By.CSS_SELECTOR, "button[name=language][value=en]").click()
        self.wait_for(lambda: self.page_language() == "en")
        self.assertTrue(self.browser.current_url.endswith("/district/6701/"))
        nav = self.browser.find_element(By.TAG_NAME, "nav").text
        self.assertIn("Log out", nav)
        self.assertIn("อบต.นาป่า", self.browser.find_element(By.TAG_NAME, "main").text)


@pytest.mark.browser
class FontInBrowserTestCase(StaticLiveServerTestCase):
    serialized_rollback = True

    def test_pages_render_in_sarabun_served_by_the_portal(self):
        browser = chromium(javascript=True)
        try:
            browser.get(f"{self.live_server_url}/accounts/login/")
            loaded = browser.execute_async_script(
                "const done = arguments[0];"
                "document.fonts.ready.then(() => done("
                "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)));"
            )
            self.assertIn('"Sarabun"', [f if f.startswith('"') else f'"{f}"' for f in loaded])
            family = browser.execute_script(
                "return getComputedStyle(document.querySelector('h1')).fontFamily"
            )
            self.assertTrue(family.startswith('"Sarabun"') or family.startswith("Sarabun"))
        finally:
            browser.quit()
