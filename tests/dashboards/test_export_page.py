"""The export page's form: it offers each persona the areas they may export, nothing more."""

import re

from tests.base import PersonasTestCase

OPTION = re.compile(r'<select class="form-select" name="(\w+)".*?</select>', re.S)


class ExportPageTestCase(PersonasTestCase):
    def choices(self, user) -> dict[str, list[str]]:
        """Each select of the form and the values of its options ("" for the whole area)."""
        self.login(user)
        html = self.client.get("/exports/records/").content.decode()
        return {
            match.group(1): re.findall(r'<option value="([^"]*)"', match.group())
            for match in OPTION.finditer(html)
            if match.group(1) != "year"
        }

    def test_a_national_user_exports_the_country_or_a_province(self):
        choices = self.choices(self.executive)
        self.assertEqual(set(choices), {"province"})
        self.assertEqual(choices["province"][0], "")
        self.assertIn("67", choices["province"])

    def test_a_province_officer_exports_the_province_whole_or_one_district(self):
        choices = self.choices(self.province_officer)
        self.assertEqual(choices["province"], ["67"])
        self.assertEqual(choices["district"][0], "")
        self.assertIn("6701", choices["district"])
        self.assertTrue(all(code.startswith("67") for code in choices["district"][1:]))

    def test_a_district_officer_exports_the_district(self):
        self.assertEqual(self.choices(self.district_officer), {"district": ["6701"]})

    def test_a_clerk_exports_their_lao_only(self):
        self.assertEqual(self.choices(self.clerk_a), {})
