from django.db import connection
from django.test.utils import CaptureQueriesContext

from lgdata.thai import fiscal_year_of
from records.services import record_get_or_create
from tests.base import PersonasTestCase
from tests.factories import fill_section


class RecordOverviewTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.year = fiscal_year_of(__import__("datetime").date.today())
        cls.record = fill_section(
            cls.lao_a,
            cls.year,
            "population",
            cls.clerk_a,
            {"population_male": "1200", "population_female": "1300", "population_total": "2500"},
        ).entry.record

    def test_it_shows_each_section_with_completeness_and_what_is_missing(self):
        self.login(self.clerk_a)
        response = self.client.get(f"/lao/{self.lao_a.code}/")
        rows = {row.section.code: row for row in response.context["rows"]}
        self.assertGreaterEqual(len(rows), 10)
        population = rows["population"]
        self.assertEqual(population.filled, 3)
        self.assertEqual(population.required, population.entry.required_count)
        missing = [f.code for f in population.missing]
        self.assertIn("households_total", missing)
        self.assertNotIn("population_total", missing)
        self.assertContains(
            response, f"/lao/{self.lao_a.code}/{self.year}/population/#row-households_total"
        )
        self.record.refresh_from_db()
        self.assertEqual(response.context["filled"], self.record.filled_count)
        self.assertEqual(response.context["required"], self.record.required_count)

    def test_readers_in_scope_see_it_and_others_do_not(self):
        for persona in ["district_officer", "province_officer", "department", "executive"]:
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                self.assertContains(self.client.get(f"/lao/{self.lao_a.code}/"), "ประชากร")
        self.assertStatusFor(
            ["clerk_b", "other_district_officer", "other_province_officer"],
            f"/lao/{self.lao_a.code}/",
            404,
        )

    def test_an_lao_without_a_record_shows_zero_percent(self):
        self.login(self.clerk_b)
        response = self.client.get(f"/lao/{self.lao_b.code}/")
        self.assertEqual(response.context["percent"], 0)
        self.assertIsNone(response.context["record"])

    def test_its_query_count_does_not_depend_on_how_much_is_filled(self):
        self.login(self.clerk_a)
        with CaptureQueriesContext(connection) as filled:
            self.client.get(f"/lao/{self.lao_a.code}/")
        record_get_or_create(lao=self.lao_b, fiscal_year=self.year)
        self.login(self.clerk_b)
        with CaptureQueriesContext(connection) as empty:
            self.client.get(f"/lao/{self.lao_b.code}/")
        self.assertEqual(len(filled), len(empty))


class RecordHistoryTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        fill_section(cls.lao_a, 2568, "population", cls.clerk_a, {"population_total": "2500"})
        fill_section(cls.lao_a, 2568, "population", cls.clerk_a, {"population_total": "2600"})
        fill_section(cls.lao_a, 2568, "general", cls.clerk_a, {"area_km2": "45.5"})

    url = property(lambda self: f"/lao/{self.lao_a.code}/2568/history/")

    def test_it_lists_who_when_old_and_new(self):
        self.login(self.clerk_a)
        response = self.client.get(self.url)
        rows = response.context["rows"]
        self.assertEqual(len(rows), 3)
        self.assertContains(response, "2,500 คน")
        self.assertContains(response, "2,600 คน")
        self.assertContains(response, "clerk_a")

    def test_it_filters_by_section_and_by_field(self):
        self.login(self.district_officer)
        by_section = self.client.get(self.url, {"section": "general"}).context["rows"]
        self.assertEqual([r["change"].field_code for r in by_section], ["area_km2"])
        by_field = self.client.get(self.url, {"field": "population_total"}).context["rows"]
        self.assertEqual(
            [(r["old"], r["new"]) for r in by_field], [("2,500 คน", "2,600 คน"), ("", "2,500 คน")]
        )

    def test_scope(self):
        self.assertStatusFor(
            ["clerk_b", "other_district_officer", "other_province_officer"], self.url, 404
        )
        self.login(self.executive)
        self.assertEqual(self.client.get(self.url).status_code, 200)
