"""The district oversight page: figures, scope, filters in the URL, actions, downloads."""

import csv
import io

import openpyxl
from django.utils import translation

from dashboards import tables
from deadlines.models import RoundLAO
from records.services import record_get_or_create
from tests.dashboards import scenario
from tests.dashboards.scenario import AFTER, BEFORE, owed

S = RoundLAO.Status
URL = "/district/6701/"


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(content)))


class DistrictPageTestCase(scenario.ScenarioTestCase):
    def get(self, day=AFTER, user=None, **params):
        return self.get_as(user or self.district_officer, URL, day, params)

    def test_totals_and_rows_equal_the_hand_count_after_the_deadline(self):
        response = self.get()
        total = response.context["total"]
        # The district's page is its oversight: its SAOs and subdistrict municipalities; the town
        # (d4) and the PAO (d5) are the province's (docs/supervision.md).
        self.assertEqual((total.laos, total.participants), (5, 5))
        self.assertEqual(
            (total.submitted_on_time, total.submitted_late, total.approved, total.overdue),
            (1, 1, 0, 3),
        )
        self.assertEqual(total.behind, 3)
        laos = [self.lao_a, self.lao_b, self.d1, self.d2, self.d3]
        self.assertEqual(total.required, sum(owed(lao) for lao in laos))
        self.assertEqual(total.filled, 27)
        statuses = {row.lao.code: row.status for row in response.context["rows"]}
        self.assertEqual(statuses[self.d3.code], S.OVERDUE)
        self.assertContains(response, f'data-code="{self.d2.code}"')
        self.assertContains(response, 'data-testid="headline-overdue">3<')
        self.assertNotContains(response, "อบจ.จังหวัดอนุมัติ")  # the province's
        self.assertNotContains(response, "ชนแดน")  # lao_c is in 6702

    def test_before_the_deadline_every_other_status_shows(self):
        total = self.get(day=BEFORE).context["total"]
        self.assertEqual(
            {s: n for s, n in total.status_counts.items() if n},
            {
                S.NOT_STARTED: 1,
                S.IN_PROGRESS: 1,
                S.SUBMITTED_ON_TIME: 1,
                S.SUBMITTED_LATE: 1,
                S.RETURNED: 1,
            },
        )

    def test_who_may_open_it(self):
        self.assert_open_only_to(
            ["district_officer", "province_officer", "department", "executive"],
            ["other_district_officer", "other_province_officer", "clerk_a"],
        )

    def test_officers_see_actions_executives_and_department_do_not(self):
        response = self.get()
        self.assertContains(response, 'data-testid="remind-all"')
        self.assertContains(response, 'data-testid="remind-one"', count=3)
        self.assertContains(
            self.get(user=self.district_officer, day=BEFORE), 'data-testid="review"', count=2
        )  # d1 and d2 submitted
        # The province supervises none of the district's SAOs: it reads, and acts on its own
        # LAOs from its page (docs/supervision.md).
        for persona in ["province_officer", "department", "executive"]:
            with self.subTest(persona=persona):
                response = self.get(user=getattr(self, persona))
                self.assertNotContains(response, 'data-testid="remind')
                self.assertNotContains(response, 'data-testid="review"')

    def test_filters_in_the_url(self):
        codes = lambda response: {row.lao.code for row in response.context["rows"]}  # noqa: E731
        self.assertEqual(codes(self.get(type="subdistrict")), {self.lao_b.code})
        self.assertEqual(codes(self.get(type="pao")), set())  # the province's
        self.assertEqual(
            codes(self.get(status="overdue")), {self.lao_a.code, self.lao_b.code, self.d3.code}
        )
        self.assertEqual(codes(self.get(below="2")), {self.lao_a.code, self.lao_b.code})
        self.assertEqual(codes(self.get(q="ส่งช้า")), {self.d2.code})
        names = [row.lao.name_th for row in self.get(sort="-name").context["rows"]]
        self.assertEqual(names, sorted(names, reverse=True))
        percents = [row.percent for row in self.get(sort="completeness").context["rows"]]
        self.assertEqual(percents, sorted(percents))

    def test_year_and_round_are_chosen_in_the_url_and_bad_values_fall_back(self):
        # A year is offered once it has records (or a round): give 2567 one.
        record_get_or_create(lao=self.d2, fiscal_year=2567)
        response = self.get(year="2567")
        self.assertEqual(response.context["period"].fiscal_year, 2567)
        self.assertIsNone(response.context["period"].round)
        self.assertTrue(all(row.status is None for row in response.context["rows"]))
        response = self.get(round=str(self.round.pk))
        self.assertEqual(response.context["period"].round, self.round)
        response = self.get(year="abc", round="999", status="nonsense", below="-5")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["period"].round, self.round)
        self.assertEqual(len(response.context["rows"]), 5)

    def test_downloads_have_the_rows_of_the_page_with_its_filters(self):
        page = self.get(status="overdue")
        expected = [[row.lao.code, row.percent] for row in page.context["rows"]]
        with translation.override("th"):
            columns = tables.lao_columns(page.context["sections"])
        lines = csv_rows(self.get(status="overdue", download="csv"))
        self.assertEqual(lines[0], columns)
        self.assertEqual([[line[0], float(line[5])] for line in lines[1:]], expected)
        response = self.get(status="overdue", download="xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
        header = values.index(columns)
        # The workbook names the round and the filters above the table.
        self.assertTrue(any("มท ๐๘๐๖/ว ๓๑๓๗" in str(line) for line in values[:header]))
        self.assertEqual([[line[0], line[5]] for line in values[header + 1 :]], expected)
        self.assertEqual(len(columns), 8 + 17 + 4)  # a column per section
