"""What the browser tests share: a headless Chromium (Debian's chromium + chromedriver), a
live-server test case that opens one for each test (or one for all the tests of a class), and
logging in and submitting a form as a person does (waiting for the next page)."""

import os
import shutil
import tempfile

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait

from tests.factories import PASSWORD

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
if not (CHROMIUM and CHROMEDRIVER) and os.environ.get("REQUIRE_BROWSER") != "1":
    pytest.skip("Chromium and chromedriver are not installed", allow_module_level=True)


def chromium(*, javascript: bool = True) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        f"--user-data-dir={tempfile.mkdtemp(prefix='lgdata-chromium-')}",
    ):
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2}
        )
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


def submit(browser: webdriver.Chrome, selector: str) -> None:
    """Presses the button with the keyboard and waits for the next page, as a person waits."""
    button = browser.find_element(By.CSS_SELECTOR, selector)
    button.send_keys(Keys.ENTER)
    WebDriverWait(browser, 20, ignored_exceptions=[WebDriverException]).until(staleness_of(button))


def log_in(browser: webdriver.Chrome, live_server_url: str, username: str) -> None:
    """Logs in through the login form (every test user has tests.factories.PASSWORD)."""
    browser.delete_all_cookies()
    browser.get(f"{live_server_url}/accounts/login/")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    submit(browser, "form button.btn-primary")


class BrowserTestCase(StaticLiveServerTestCase):
    """A Chromium without JavaScript for each test, as ``self.browser``."""

    serialized_rollback = True  # keeps the geography loaded by the data migration

    def setUp(self):
        super().setUp()
        self.browser = chromium(javascript=False)
        self.browser.implicitly_wait(5)
        self.addCleanup(self.browser.quit)

    def submit(self, selector: str) -> None:
        submit(self.browser, selector)

    def log_in(self, username: str) -> None:
        log_in(self.browser, self.live_server_url, username)


class SharedBrowserTestCase(StaticLiveServerTestCase):
    """One Chromium for all the tests of the class, as ``self.browser``; ``javascript`` says
    whether it runs scripts."""

    serialized_rollback = True  # keeps the geography loaded by the data migration
    javascript = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.browser = chromium(javascript=cls.javascript)
        cls.browser.implicitly_wait(5)

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        super().tearDownClass()
