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

    def test_an_lao_that_entered_nothing_is_said_so_in_one_line(self):
        from records.services import record_get_or_create

        record_get_or_create(lao=self.lao_a, fiscal_year=2568)  # a record, nothing entered
        self.login(self.province_officer)
        with scenario.on(AFTER):
            html = self.client.get("/province/67/").content.decode()
        behind = html.split("</table>")[-2]  # the last table on the page: furthest behind
        row = re.search(rf'<tr data-code="{self.lao_a.code}">.*?</tr>', behind, re.S).group()
        self.assertIn("ยังไม่ได้กรอกข้อมูลเลยทั้ง 17 ด้าน", row)
        self.assertNotIn('<ul class="sections-behind', row)

    def test_the_district_table_keeps_its_squares_only(self):
        self.login(self.district_officer)
        with scenario.on(AFTER):
            page = self.client.get("/district/6701/")
        self.assertNotContains(page, "sections-behind")
