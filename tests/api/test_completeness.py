from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from records.models import District, Province, Record
from tests.api import scenario
from tests.api.helpers import APITestCase, owed
from tests.base import on


class CompletenessTestCase(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        scenario.build(cls)

    def get(self, persona: str, query: str):
        with on(scenario.TODAY):
            return self.as_(persona, "/api/v1/completeness/" + query)

    def rows(self, persona: str, query: str) -> dict[str, dict]:
        response = self.get(persona, query)
        self.assertEqual(response.status_code, 200, response.content)
        return {row["code"]: row for row in response.json()["results"]}

    def test_districts_of_a_province_add_up_the_stored_counts(self):
        response = self.get("province_officer", "?level=district&parent=67")
        body = response.json()
        self.assertEqual(body["level"], "district")
        self.assertEqual(body["fiscal_year"], 2568)
        self.assertEqual(body["parent"]["code"], "67")
        self.assertEqual(body["parent"]["level"], "province")
        self.assertEqual(body["circular"]["id"], self.round.circular_id)
        self.assertEqual(body["circular"]["deadline"], "2024-12-30")
        rows = {row["code"]: row for row in body["results"]}
        self.assertEqual(
            set(rows), set(District.objects.filter(province_id="67").values_list("code", flat=True))
        )

        stored = Record.objects.filter(fiscal_year=2568, lao__district_id="6701").aggregate(
            required=Sum("required_count"), filled=Sum("filled_count")
        )
        self.assertEqual(rows["6701"]["laos"], 2)
        self.assertEqual(rows["6701"]["required"], stored["required"])
        self.assertEqual(rows["6701"]["filled"], stored["filled"])
        self.assertEqual(rows["6701"]["filled"], 8 + 3)
        self.assertEqual(
            rows["6701"]["completeness"], round(stored["filled"] / stored["required"], 4)
        )
        self.assertEqual(
            rows["6701"]["status_counts"], scenario.counts(submitted_on_time=1, overdue=1)
        )
        # An LAO without a record owes what the schema requires of its type.
        self.assertEqual(rows["6702"]["required"], owed(self.lao_c))
        self.assertEqual(rows["6702"]["filled"], 0)
        self.assertEqual(rows["6702"]["status_counts"], scenario.counts(overdue=1))
        self.assertEqual(rows["6703"]["laos"], 0)
        self.assertIsNone(rows["6703"]["completeness"])
        self.assertIsNone(rows["6701"]["status"])

    def test_provinces_for_the_nation_and_for_one_province(self):
        rows = self.rows("executive", "?level=province")
        self.assertEqual(len(rows), Province.objects.count())
        self.assertEqual(rows["67"]["laos"], 3)
        self.assertEqual(
            rows["67"]["status_counts"], scenario.counts(submitted_on_time=1, overdue=2)
        )
        self.assertEqual(rows["81"]["status_counts"], scenario.counts(submitted_late=1))
        self.assertEqual(list(self.rows("province_officer", "?level=province")), ["67"])
        self.assertEqual(list(self.rows("other_province_officer", "?level=province")), ["81"])

    def test_laos_of_a_district(self):
        rows = self.rows("district_officer", "?level=lao&parent=6701")
        self.assertEqual(list(rows), sorted([self.lao_a.code, self.lao_b.code]))
        row = rows[self.lao_b.code]
        record = Record.objects.get(lao=self.lao_b, fiscal_year=2568)
        self.assertEqual(row["type"], "subdistrict")
        self.assertEqual((row["required"], row["filled"]), (record.required_count, 3))
        self.assertEqual(row["status_counts"], scenario.counts(overdue=1))
        self.assertEqual(row["status"], "overdue")
        self.assertEqual(rows[self.lao_a.code]["status"], "submitted_on_time")
        self.assertEqual(list(self.rows("clerk_a", "?level=lao")), [self.lao_a.code])

    def test_a_parent_outside_the_scope_is_a_404_like_one_that_does_not_exist(self):
        outside = self.get("other_province_officer", "?level=district&parent=67")
        self.assertEqual(outside.status_code, 404)
        self.assertEqual(
            outside.json(), self.get("other_province_officer", "?level=district&parent=99").json()
        )
        self.assertEqual(self.get("district_officer", "?level=lao&parent=67").status_code, 404)
        self.assertEqual(self.get("district_officer", "?level=lao&parent=6702").status_code, 404)

    def test_a_year_without_a_round_has_no_status_counts(self):
        body = self.get("department", "?level=province&year=2567").json()
        self.assertIsNone(body["circular"])
        self.assertTrue(all(r["status_counts"] is None for r in body["results"]))

    def test_bad_levels_and_parents_are_refused(self):
        for query, name in {
            "": "level",
            "?level=village": "level",
            "?level=province&parent=67": "parent",
            "?level=district&parent=6701": "parent",
            "?level=lao&parent=670": "parent",
            "?level=lao&page_size=1001": "page_size",
            "?level=lao&circular=1": "circular",
        }.items():
            with self.subTest(query):
                response = self.get("department", query)
                self.assertEqual(response.status_code, 400)
                self.assertIn(name, response.json()["parameters"])

    def test_pages_of_rows(self):
        first = self.get("department", "?level=province&page_size=50").json()
        self.assertEqual(len(first["results"]), 50)
        self.assertEqual(first["count"], Province.objects.count())
        with on(scenario.TODAY):
            second = self.as_("department", first["next"]).json()
        codes = [r["code"] for r in first["results"] + second["results"]]
        self.assertEqual(codes, sorted(Province.objects.values_list("code", flat=True)))
        self.assertIsNone(second["next"])

    def test_a_fixed_number_of_queries(self):
        self.get("department", "?level=lao")  # records the token's use (a write) once
        for query in ("?level=province", "?level=lao", "?level=district&parent=67"):
            with self.subTest(query), CaptureQueriesContext(connection) as queries:
                self.get("department", query)
            # The token and its use (3), the round, the roll-ups' stamp, the stored roll-ups,
            # the LAOs that no longer exist, what each type owes, the areas
            # (dashboards.figures.area_rows).
            self.assertLessEqual(len(queries), 10)
