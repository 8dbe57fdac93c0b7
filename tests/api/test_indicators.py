"""/api/v1/indicators/ and /api/v1/indicators/<code>/values/: the catalogue, every level's
figures against the scenario counted by hand (tests/dashboards/key_figures_scenario.py), scope,
errors and 304s."""

from tests.api.helpers import APITestCase
from tests.dashboards import key_figures_scenario as scenario
from tests.factories import fill_section

YEAR = scenario.YEAR


class IndicatorsAPITestCase(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        scenario.build(cls)

    def values(self, persona, code, query, **headers):
        return self.as_(
            persona, f"/api/v1/indicators/{code}/values/?year={YEAR}&{query}", **headers
        )

    def row(self, response, code):
        return next(r for r in response.json()["results"] if r["code"] == code)

    def test_the_catalogue_needs_a_token_and_lists_every_indicator(self):
        self.assertEqual(self.api("/api/v1/indicators/").status_code, 401)
        response = self.as_("executive", "/api/v1/indicators/")
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertGreaterEqual(len(data["results"]), 25)
        self.assertIn("population_total", data["pao_coverage_fields"])
        ratio = next(i for i in data["results"] if i["code"] == "own_revenue_per_person")
        self.assertEqual(ratio["aggregation"], "ratio_of_sums")
        self.assertEqual(ratio["denominator"], ["population_total"])
        again = self.as_("executive", "/api/v1/indicators/", HTTP_IF_NONE_MATCH=response["ETag"])
        self.assertEqual(again.status_code, 304)

    def test_population_of_every_province_with_coverage_and_approvals(self):
        response = self.values("executive", "population", "level=province")
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(data["count"], 77)
        phetchabun = self.row(response, "67")
        self.assertEqual(phetchabun["value"], "9000")
        self.assertEqual((phetchabun["contributing"], phetchabun["laos"]), (4, 5))
        self.assertEqual(phetchabun["approved"], 2)  # lao_a and lao_c, by their districts
        self.assertEqual(phetchabun["coverage"], 0.8)
        self.assertFalse(phetchabun["below_coverage"])
        self.assertEqual(self.row(response, "10")["value"], None)
        self.assertEqual(data["total"]["value"], "11500")  # the PAO's 10,000 not added

    def test_a_ratio_gives_its_numerator_and_denominator(self):
        response = self.values(
            "province_officer", "own_revenue_per_person", "level=district&parent=67"
        )
        district = self.row(response, "6701")
        self.assertEqual(district["numerator"], "22000000")
        self.assertEqual(district["denominator"], "4500")
        self.assertEqual(district["value"], "4889")
        self.assertTrue(district["below_coverage"])  # 3 of 4 LAOs
        self.assertEqual(response.json()["total"]["value"], "3800")

    def test_approved_records_only(self):
        response = self.values("executive", "population", "level=province&approved=1")
        # lao_a 2,500 + lao_c 1,500: a district's approval of its SAO is final.
        self.assertEqual(self.row(response, "67")["value"], "4000")
        self.assertEqual(self.row(response, "67")["contributing"], 2)

    def test_lao_values_only_within_the_scope(self):
        mine = self.values("province_officer", "population", "level=lao&parent=67")
        codes = {r["code"] for r in mine.json()["results"]}
        self.assertIn(self.lao_a.code, codes)
        self.assertIn(self.pao.code, codes)
        self.assertEqual(self.row(mine, self.pao.code)["value"], "10000")  # its own population
        self.assertNotIn(self.lao_krabi.code, codes)
        other = self.values("other_province_officer", "population", "level=lao&parent=67")
        self.assertEqual(other.status_code, 404)
        theirs = self.values("other_province_officer", "population", "level=lao")
        self.assertEqual({r["code"] for r in theirs.json()["results"]}, {self.lao_krabi.code})
        # Area totals are for every officer, the other province's included.
        areas = self.values("other_province_officer", "population", "level=district&parent=67")
        self.assertEqual(self.row(areas, "6701")["value"], "7500")

    def test_a_clerk_token_sees_its_own_lao_and_no_area(self):
        own = self.values("clerk_a", "population", "level=lao")
        self.assertEqual([r["code"] for r in own.json()["results"]], [self.lao_a.code])
        self.assertEqual(self.values("clerk_a", "population", "level=province").status_code, 404)

    def test_bad_parameters_are_named_in_thai_or_english(self):
        for query, parameter in (
            ("level=region", "level"),
            ("level=province&parent=67", "parent"),
            ("level=district&parent=6701", "parent"),
            ("level=province&approved=yes", "approved"),
            ("level=province&colour=red", "colour"),
        ):
            with self.subTest(query):
                response = self.values("executive", "population", query)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json()["code"], "invalid_parameter")
                self.assertIn(parameter, response.json()["parameters"])
        english = self.values("executive", "population", "level=region", HTTP_ACCEPT_LANGUAGE="en")
        self.assertIn("Use one of", english.json()["message"])
        self.assertEqual(self.values("executive", "nothing", "level=province").status_code, 404)

    def test_a_save_changes_the_etag(self):
        first = self.values("executive", "population", "level=province")
        same = self.values(
            "executive", "population", "level=province", HTTP_IF_NONE_MATCH=first["ETag"]
        )
        self.assertEqual(same.status_code, 304)
        fill_section(self.town, YEAR, "population", self.clerk_a, {"population_total": "4000"})
        changed = self.values(
            "executive", "population", "level=province", HTTP_IF_NONE_MATCH=first["ETag"]
        )
        self.assertEqual(changed.status_code, 200)
        self.assertEqual(self.row(changed, "67")["value"], "10000")
