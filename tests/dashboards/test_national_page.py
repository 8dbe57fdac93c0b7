"""The national page: headline numbers, one row per province, tile map; read-only."""

import csv
import io

import openpyxl

from tests.dashboards import scenario
from tests.dashboards.scenario import AFTER
from tests.factories import POPULATION, fill_section


class NationalPageTestCase(scenario.ScenarioTestCase):
    def get(self, user=None, **params):
        return self.get_as(user or self.department, "/national/", AFTER, params)

    def test_headline_and_provinces_equal_the_hand_count(self):
        response = self.get()
        total = response.context["total"]
        self.assertEqual(
            (
                total.laos,
                total.submitted_on_time,
                total.submitted_late,
                total.approved,
                total.overdue,
            ),
            (9, 2, 1, 2, 4),
        )
        self.assertEqual(total.filled, 54)
        rows = {row.code: row for row in response.context["rows"]}
        self.assertEqual(len(rows), 77)
        self.assertEqual((rows["67"].laos, rows["67"].overdue), (8, 3))
        self.assertEqual((rows["81"].laos, rows["81"].overdue), (1, 1))
        self.assertEqual(rows["10"].laos, 0)
        self.assertContains(response, 'data-testid="headline-laos">9<')
        self.assertContains(response, 'href="/province/67/"')

    def test_the_years_offered_are_those_with_records_or_a_round(self):
        def years_offered() -> list[str]:
            form = self.get().context["filter"].form
            return [str(value) for value, _label in form.fields["year"].choices if value]

        self.assertEqual(years_offered(), ["2568"])  # the scenario's round and records
        with scenario.on(AFTER):
            fill_section(self.lao_a, 2566, "population", self.clerk_a, POPULATION)
        self.assertEqual(years_offered(), ["2568", "2566"])

    def test_department_and_executives_read_it_lower_levels_may_not(self):
        for persona in ["department", "executive"]:
            with self.subTest(persona=persona):
                response = self.get(user=getattr(self, persona))
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, 'method="post" action="/district')
        for persona in ["province_officer", "district_officer", "clerk_a"]:
            with self.subTest(persona=persona):
                self.assertEqual(self.get(user=getattr(self, persona)).status_code, 404)

    def test_type_filter_counts_only_that_type(self):
        rows = {row.code: row for row in self.get(type="pao").context["rows"]}
        self.assertEqual(rows["67"].laos, 1)
        self.assertEqual(rows["81"].laos, 0)

    def test_downloads_match_the_page(self):
        page = {row.code: row for row in self.get().context["rows"]}
        content = b"".join(self.get(download="csv").streaming_content).decode().lstrip("\ufeff")
        lines = [line for line in csv.reader(io.StringIO(content)) if len(line) > 5]
        body = {line[0]: line for line in lines[1:-1]}
        self.assertEqual(set(body), set(page))
        self.assertEqual(int(body["67"][2]), page["67"].laos)
        self.assertEqual(float(body["67"][-3]), page["67"].percent)
        workbook = openpyxl.load_workbook(io.BytesIO(self.get(download="xlsx").content))
        rows = [
            r
            for r in workbook.active.iter_rows(values_only=True)
            if len(r) > 5 and r[2] is not None
        ]
        self.assertEqual(rows[-1][2], 9)  # total LAOs
