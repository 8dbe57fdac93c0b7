"""A section whose cross-field rule fails reads "needs checking" (ต้องตรวจสอบ), not complete, on
every page and file that shows it, shows the numbers that do not add up, and cannot be
submitted until they do."""

import csv
import datetime
import io

import openpyxl
from django.urls import reverse

from deadlines.models import RoundLAO
from tests.base import PersonasTestCase
from tests.factories import POPULATION, fill_section, make_round

YEAR = 2568
# Every required field filled, but men plus women (4,001) is not the total (4,000).
BROKEN = {
    **POPULATION,
    "population_male": "1989",
    "population_female": "2012",
    "population_total": "4000",
    "population_age_0_14": "1000",
    "population_age_15_59": "2000",
    "population_age_60_plus": "1000",
}
FIGURES = "ประชากรชาย 1,989 + ประชากรหญิง 2,012 = 4,001 ≠ ประชากรทั้งหมด 4,000"


class FailingRuleEverywhereTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.round = make_round(deadline=datetime.date(2099, 12, 30), sections=("population",))
        fill_section(cls.lao_a, YEAR, "population", cls.clerk_a, BROKEN)

    def participant(self) -> RoundLAO:
        return RoundLAO.objects.get(round=self.round, lao=self.lao_a)

    def test_the_lao_page_shows_needs_checking_and_the_numbers(self):
        self.login(self.clerk_a)
        response = self.client.get(f"/lao/{self.lao_a.code}/", {"year": YEAR})
        population = next(r for r in response.context["rows"] if r.section.code == "population")
        self.assertEqual(population.filled, population.required)  # every field is filled
        self.assertEqual(population.state, "needs_checking")
        self.assertContains(response, 'data-testid="needs-checking">ต้องตรวจสอบ</span>')
        self.assertContains(response, FIGURES)

    def test_the_section_form_shows_the_numbers(self):
        self.login(self.clerk_a)
        response = self.client.get(f"/lao/{self.lao_a.code}/{YEAR}/population/")
        self.assertContains(response, FIGURES)

    def test_the_district_dashboard_shows_needs_checking(self):
        self.login(self.district_officer)
        response = self.client.get(
            reverse("dashboards:district", args=[self.lao_a.district_id]), {"year": YEAR}
        )
        row = next(r for r in response.context["rows"] if r.lao == self.lao_a)
        population = next(c for c in row.sections if c.code == "population")
        self.assertEqual(population.state, "needs_checking")
        self.assertFalse(population.complete)
        self.assertEqual(row.sections_needing_check, 1)
        self.assertContains(response, 'data-testid="needs-checking">ต้องตรวจสอบ</span>')

    def test_the_exports_show_needs_checking(self):
        self.login(self.district_officer)
        url = reverse("exports:records")
        response = self.client.get(url, {"format": "csv", "year": YEAR})
        content = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
        lines = list(csv.reader(io.StringIO(content)))
        row = next(line for line in lines if line[0] == self.lao_a.code)
        self.assertEqual(row[lines[0].index("population.status")], "ต้องตรวจสอบ")

        response = self.client.get(url, {"format": "xlsx", "year": YEAR})
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        summary = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        header = next(r for r in summary if r and r[0] == "รหัส อปท.")
        row = next(r for r in summary if r and r[0] == self.lao_a.code)
        self.assertEqual(row[header.index("ประชากร: สถานะ")], "ต้องตรวจสอบ")

    def test_it_blocks_submission_until_the_numbers_add_up(self):
        self.login(self.clerk_a)
        submit = f"/rounds/{self.round.pk}/lao/{self.lao_a.code}/submit/"
        response = self.client.post(submit, follow=True)
        self.assertContains(response, "ยังไม่ครบถ้วน")
        self.assertEqual(self.participant().state, RoundLAO.State.OPEN)

        fill_section(self.lao_a, YEAR, "population", self.clerk_a, {"population_male": "1988"})
        self.client.post(submit)
        self.assertEqual(self.participant().state, RoundLAO.State.SUBMITTED)
