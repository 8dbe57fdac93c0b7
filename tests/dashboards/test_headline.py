"""The headline tiles of the area pages read as a person reads numbers."""

from django.template.loader import render_to_string
from django.test import SimpleTestCase


class HeadlineNumbersTestCase(SimpleTestCase):
    def test_large_counts_are_grouped_by_thousands(self):
        total = {"filled": 1898, "required": 2609, "laos": 7863, "percent": 72.7}
        html = render_to_string("dashboards/_headline.html", {"total": total, "period": {}})
        self.assertIn("1,898 / 2,609", html)
        self.assertIn('data-testid="headline-laos">7,863<', html)
