"""The province's "LAOs furthest behind" names the sections each LAO still owes."""

import re

from tests.dashboards import scenario
from tests.dashboards.scenario import AFTER


class SectionsBehindTestCase(scenario.ScenarioTestCase):
    def test_the_sections_column_names_the_sections_behind(self):
        self.login(self.province_officer)
        with scenario.on(AFTER):
            page = self.client.get("/province/67/")
        html = page.content.decode()
        lists = re.findall(r'<ul class="sections-behind[^>]*>(.*?)</ul>', html, re.S)
        self.assertTrue(lists)
        # lao_b filled part of the population section: it is named with its count.
        row = re.search(rf'<tr data-code="{self.lao_b.code}">.*?</tr>', html, re.S).group()
        self.assertIn("ประชากร", row)
        self.assertRegex(row, r"ประชากร\s*<span[^>]*>\d+/\d+</span>")

    def test_the_district_table_keeps_its_squares_only(self):
        self.login(self.district_officer)
        with scenario.on(AFTER):
            page = self.client.get("/district/6701/")
        self.assertNotContains(page, "sections-behind")
