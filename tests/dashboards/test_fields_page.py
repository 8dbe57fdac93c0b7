"""The field-level view: fields most often missing or flagged, by province and LAO type."""

from tests.dashboards import scenario
from tests.dashboards.scenario import AFTER
from tests.factories import POPULATION, fill_section


class FieldsPageTestCase(scenario.ScenarioTestCase):
    def get(self, url="/national/fields/", user=None, **params):
        return self.get_as(user or self.department, url, AFTER, params)

    def test_fields_sorted_by_share_missing_with_the_counts(self):
        response = self.get()
        rows = response.context["rows"]
        shares = [gap.missing_share for gap in rows]
        self.assertEqual(shares, sorted(shares, reverse=True))
        by_code = {gap.field.code: gap for gap in rows}
        self.assertEqual(
            (by_code["population_total"].applicable, by_code["population_total"].missing), (8, 2)
        )
        self.assertContains(response, 'href="/national/fields/population_total/')

    def test_the_kept_figures_follow_a_save(self):
        def population_total():
            gap = next(g for g in self.get().context["rows"] if g.field.code == "population_total")
            return gap.applicable, gap.missing

        self.assertEqual(population_total(), (8, 2))
        self.assertEqual(population_total(), (8, 2))  # from the cache
        # lao_b's clerk fills the missing total (a save changes the year's newest record).
        fill_section(self.lao_b, 2568, "population", self.clerk_a, POPULATION)
        self.assertEqual(population_total(), (8, 1))

    def test_province_and_type_filters(self):
        by_code = {g.field.code: g for g in self.get(province="81").context["rows"]}
        self.assertEqual(
            (by_code["population_total"].applicable, by_code["population_total"].missing), (1, 1)
        )
        by_code = {g.field.code: g for g in self.get(type="pao").context["rows"]}
        self.assertEqual(
            (by_code["population_total"].applicable, by_code["population_total"].missing), (1, 0)
        )

    def test_drill_down_to_the_laos_missing_a_field(self):
        response = self.get("/national/fields/population_total/")
        self.assertEqual(response.context["count"], 2)
        self.assertEqual(
            {row["lao"].code for row in response.context["rows"]},
            {self.lao_b.code, self.lao_krabi.code},
        )
        self.assertContains(
            response, f"/lao/{self.lao_b.code}/2568/population/#row-population_total"
        )
        self.assertEqual(self.get("/national/fields/nonsense/").status_code, 404)

    def test_national_users_only(self):
        self.assert_open_only_to(["executive"], ["province_officer", "district_officer", "clerk_a"])

    def test_downloads(self):
        import csv
        import io

        response = self.get(download="csv")
        content = b"".join(response.streaming_content).decode()
        lines = [
            line for line in csv.reader(io.StringIO(content.lstrip("\ufeff"))) if len(line) > 5
        ]
        self.assertEqual(len(lines) - 1, len(self.get().context["rows"]))
        total = next(line for line in lines if line[1] == "population_total")
        self.assertEqual(total[4:6], ["8", "2"])
        checks = b"".join(self.get(download="csv", table="checks").streaming_content).decode()
        self.assertIn("ประชากร", checks)
