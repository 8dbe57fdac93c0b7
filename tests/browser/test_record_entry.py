"""A whole record entered in a real Chromium: the demo clerk fills in every section of their
LAO's record in Thai (Thai digits included), sees the record reach 100%, sees the changes in the
history, and a second browser with a stale page is refused with both versions shown."""

import datetime
import io

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.management import call_command
from django.db.models import F
from django.test import override_settings
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from accounts.models import User
from lgdata.thai import be_year, fiscal_year_of, to_thai_digits
from records.models import Field, Record, SectionEntry
from records.services import applicable_fields
from tests.browser.base import chromium, submit

PASSWORD = "demo-2555"


def typed(value, field: Field) -> str:
    """A stored value as a clerk types it: numbers in Thai digits, dates day/month/BE year."""
    if field.is_numeric:
        return to_thai_digits(str(value))
    if field.type == Field.Type.DATE:
        day = datetime.date.fromisoformat(value)
        return f"{day.day}/{day.month}/{be_year(day)}"
    return str(value)


@pytest.mark.browser
@override_settings(DEBUG=True)
class RecordEntryInBrowserTestCase(StaticLiveServerTestCase):
    serialized_rollback = True

    def setUp(self):
        call_command("seed_demo", "--provinces", "67", stdout=io.StringIO())
        self.clerk = User.objects.get(username="clerk")
        self.lao = self.clerk.lao
        self.year = fiscal_year_of(timezone.localdate())
        # Values of a complete record of another SAO: valid, consistent, bounds respected.
        self.source = (
            Record.objects.filter(fiscal_year=self.year, lao__type=self.lao.type)
            .exclude(lao=self.lao)
            .filter(filled_count=F("required_count"))
            .first()
        )
        self.browsers = []

    def tearDown(self):
        for browser in self.browsers:
            browser.quit()

    def open_browser(self):
        browser = chromium(javascript=False)
        browser.implicitly_wait(5)
        self.browsers.append(browser)
        browser.get(f"{self.live_server_url}/accounts/login/")
        browser.find_element(By.NAME, "username").send_keys("clerk")
        browser.find_element(By.NAME, "password").send_keys(PASSWORD)
        self.save(browser)
        return browser

    def fill_section(self, browser, entry: SectionEntry) -> None:
        browser.get(f"{self.live_server_url}/lao/{self.lao.code}/{self.year}/{entry.section.code}/")
        for f in applicable_fields(entry.section, self.lao.type):
            value = entry.values.get(f.code)
            if f.type != Field.Type.TEXT:  # a text field has no "not applicable" box: NA is text
                na = browser.find_element(By.NAME, f"{f.code}__na")
                if na.is_selected() != (value == "NA"):
                    na.send_keys(Keys.SPACE)  # toggles the box as a keyboard user does
                if value == "NA":
                    value = None
            widget = browser.find_element(By.NAME, f.code)
            if widget.tag_name == "select":
                choice = (
                    ""
                    if value is None
                    else ("yes" if value is True else "no" if value is False else value)
                )
                Select(widget).select_by_value(choice)
            else:
                widget.clear()
                if value is not None:
                    widget.send_keys(typed(value, f))
        self.save(browser)

    def save(self, browser) -> None:
        submit(browser, "form button[type=submit].btn-primary")

    def test_the_clerk_fills_every_section_reaches_100_and_a_stale_page_is_refused(self):
        browser = self.open_browser()
        entries = SectionEntry.objects.filter(record=self.source).select_related("section")
        for entry in entries.order_by("section__order"):
            self.fill_section(browser, entry)
            self.assertNotIn("is-invalid", browser.page_source, entry.section.code)
        browser.get(f"{self.live_server_url}/lao/{self.lao.code}/?year={self.year}")
        completeness = browser.find_element(By.CSS_SELECTOR, "[data-testid=record-completeness]")
        self.assertIn("100%", completeness.text)
        record = Record.objects.get(lao=self.lao, fiscal_year=self.year)
        self.assertEqual(record.filled_count, record.required_count)

        browser.get(
            f"{self.live_server_url}/lao/{self.lao.code}/{self.year}/history/?field=population_total"
        )
        rows = browser.find_elements(By.CSS_SELECTOR, "[data-testid=history-table] tbody tr")
        self.assertGreaterEqual(len(rows), 1)
        self.assertIn("สมศรี ใจดี", rows[0].text)

        # Two browsers open the same section; the second save comes from a stale page.
        url = f"{self.live_server_url}/lao/{self.lao.code}/{self.year}/population/"
        second = self.open_browser()
        browser.get(url)
        second.get(url)
        field = browser.find_element(By.NAME, "migrant_workers")
        field.clear()
        field.send_keys("๑๑")
        self.save(browser)
        field = second.find_element(By.NAME, "migrant_workers")
        field.clear()
        field.send_keys("๒๒")
        self.save(second)
        conflict = second.find_element(By.CSS_SELECTOR, "[data-testid=conflict]").text
        self.assertIn("22", conflict)
        self.assertIn("11", conflict)
        stored = SectionEntry.objects.get(record=record, section__code="population").values
        self.assertEqual(stored["migrant_workers"], "11")
