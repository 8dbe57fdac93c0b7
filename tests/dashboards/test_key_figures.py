"""The key figures: the catalogue, and every indicator added up by district and province
against the scenario counted by hand (tests/dashboards/key_figures_scenario.py)."""

from decimal import Decimal

import yaml
from django.test import SimpleTestCase
from django.utils import timezone

from dashboards import key_figures
from records.indicators import CATALOGUE_FILE, CatalogueError, load_catalogue, parse_catalogue
from tests.dashboards import key_figures_scenario as scenario
from tests.factories import fill_section

CENT = Decimal("0.01")


class CatalogueTestCase(SimpleTestCase):
    def doc(self) -> dict:
        return yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))

    def test_the_catalogue_has_at_least_25_indicators_over_fields_of_the_schema(self):
        catalogue = load_catalogue()
        self.assertGreaterEqual(len(catalogue.indicators), 25)
        self.assertEqual(catalogue.schema_version, 1)
        for code in (
            "population",
            "households",
            "density",
            "own_revenue_per_person",
            "grant_share",
            "personnel_cost_share",
            "staff_per_1000",
            "piped_water_coverage",
            "schools",
            "child_development_centres",
            "fire_trucks_per_10000",
            "rescue_vehicles_per_10000",
            "waste_collected_share",
            "elderly_allowance_coverage",
        ):
            self.assertIsNotNone(catalogue.get(code), code)
        self.assertIn("population_total", catalogue.pao_coverage_fields)
        self.assertNotIn("revenue_own_total", catalogue.pao_coverage_fields)

    def test_a_field_that_is_not_in_the_schema_fails_loudly(self):
        doc = self.doc()
        doc["indicators"][0]["numerator"] = ["population_totl"]
        with self.assertRaisesMessage(CatalogueError, "no field 'population_totl'"):
            parse_catalogue(doc)

    def test_a_text_field_cannot_be_added_up(self):
        doc = self.doc()
        doc["indicators"][0]["numerator"] = ["office_address"]
        with self.assertRaisesMessage(CatalogueError, "is not a number"):
            parse_catalogue(doc)

    def test_a_ratio_cannot_be_added_up_as_a_sum(self):
        doc = self.doc()
        ratio = next(i for i in doc["indicators"] if i["kind"] == "share")
        ratio["aggregation"] = "sum"
        with self.assertRaisesMessage(CatalogueError, "adds up as ratio_of_sums"):
            parse_catalogue(doc)

    def test_unknown_kind_duplicate_code_and_wrong_types_are_refused(self):
        for change, message in (
            (lambda d: d["indicators"][0].update(kind="average"), "unknown kind"),
            (lambda d: d["indicators"][1].update(code=d["indicators"][0]["code"]), "once"),
            (
                lambda d: next(
                    i for i in d["indicators"] if i["code"] == "child_development_centres"
                ).update(applies_to=["pao", "sao"]),
                "do not apply to ['pao']",
            ),
            (lambda d: d["pao_coverage_fields"].append("nonexistent"), "no field"),
            (lambda d: d["indicators"][0].pop("name_th"), "name_th is missing"),
        ):
            doc = self.doc()
            change(doc)
            with self.subTest(message), self.assertRaisesMessage(CatalogueError, message):
                parse_catalogue(doc)


def by_hand(indicator, laos: list[tuple[str, dict | None]], pao_fields) -> dict:
    """The figure of an area counted the long way, from the scenario's own input tables: each
    LAO's inputs (the PAO's coverage fields left out) if it has them all, summed."""
    laos_of_area = contributing = 0
    numerator = denominator = Decimal(0)
    for lao_type, values in laos:
        if lao_type not in indicator.applies_to:
            continue
        dropped = pao_fields if lao_type == "pao" else set()
        if all(f in dropped for f in indicator.fields):
            continue
        laos_of_area += 1
        parts = []
        for codes in (indicator.numerator, indicator.denominator):
            total = Decimal(0)
            for code in codes:
                if code in dropped:
                    continue
                raw = (values or {}).get(code)
                if raw == "NA" and indicator.na_is_zero:
                    raw = "0"
                if raw in (None, "NA"):
                    total = None
                    break
                total += Decimal(raw)
            parts.append(total)
        if None in parts:
            continue
        contributing += 1
        numerator += parts[0]
        denominator += parts[1]
    value = None
    if contributing:
        value = (
            numerator * indicator.per / denominator
            if indicator.is_ratio and denominator
            else (numerator if not indicator.is_ratio else None)
        )
    return {"laos": laos_of_area, "contributing": contributing, "value": value}


class KeyFiguresTestCase(scenario.KeyFiguresScenarioTestCase):
    def setUp(self):
        super().setUp()
        self.today = timezone.localdate()

    def table(self, **kwargs):
        return key_figures.area_table(year=scenario.YEAR, today=self.today, **kwargs)

    def district(self, code="6701", **kwargs):
        rows, _total = self.table(level="district", parent="67", **kwargs)
        return next(r for r in rows if r.code == code)

    def province(self, code="67", **kwargs):
        rows, _total = self.table(level="province", **kwargs)
        return next(r for r in rows if r.code == code)

    def area_inputs(self, laos):
        return [(lao.type, self.inputs.get(lao)) for lao in laos]

    def test_every_indicator_by_district_and_province_equals_the_hand_count(self):
        catalogue = load_catalogue()
        district = self.area_inputs([self.lao_a, self.lao_b, self.pao, self.town])
        province = district + self.area_inputs([self.lao_c, self.c2])
        for row, laos in ((self.district(), district), (self.province(), province)):
            for indicator in catalogue.indicators:
                with self.subTest(area=row.code, indicator=indicator.code):
                    figure = row.figures[indicator.code]
                    expected = by_hand(indicator, laos, catalogue.pao_coverage_fields)
                    self.assertEqual(figure.laos, expected["laos"])
                    self.assertEqual(figure.contributing, expected["contributing"])
                    if expected["value"] is None:
                        self.assertIsNone(figure.value)
                    else:
                        self.assertEqual(
                            figure.value.quantize(CENT), expected["value"].quantize(CENT)
                        )

    def test_the_figures_counted_by_hand_in_the_scenario(self):
        district, province = self.district(), self.province()
        f = district.figures
        self.assertEqual(f["population"].value, 7500)
        self.assertEqual((f["population"].contributing, f["population"].laos), (3, 3))
        self.assertEqual(f["own_revenue_per_person"].value.quantize(CENT), Decimal("4888.89"))
        self.assertEqual(f["density"].value, Decimal("93.75"))
        self.assertEqual(f["fire_trucks_per_10000"].value.quantize(CENT), Decimal("8.89"))
        self.assertEqual(f["waste_collected_share"].value, 50)
        self.assertEqual(f["waste_collected_share"].contributing, 1)
        p = province.figures
        self.assertEqual(p["population"].value, 9000)
        self.assertEqual((p["population"].contributing, p["population"].laos), (4, 5))
        self.assertEqual(p["own_revenue_per_person"].value, 3800)

    def test_the_pao_is_not_counted_twice(self):
        population = self.district().figures["population"]
        self.assertEqual(population.value, 7500)  # not 17,500 with the PAO's 10,000
        households = self.district().figures["households"]
        self.assertEqual(households.value, 800 + 500 + 1000)
        # Its revenue is its own money: it is added, over the others' people.
        revenue = self.district().figures["revenue"]
        self.assertEqual(revenue.value, 8_000_000 + 6_000_000 + 60_000_000)
        # Its own profile still shows its own population.
        (pao,) = key_figures.lao_figure_rows(
            lao_ids={self.pao.pk}, year=scenario.YEAR, today=self.today
        )
        self.assertEqual(pao.figures["population"].value, 10000)

    def test_a_ratio_is_the_sum_of_numerators_over_the_sum_of_denominators(self):
        share = self.district().figures["personnel_cost_share"]
        # (2.1M + 2M + 10M) / (7M + 5M + 50M) = 22.74 %; the average of the LAOs' ratios
        # (30 %, 40 %, 20 %) would be 30 %.
        self.assertEqual(share.numerator, 14_100_000)
        self.assertEqual(share.denominator, 62_000_000)
        self.assertEqual(share.value.quantize(CENT), Decimal("22.74"))

    def test_coverage_and_approved_counts_and_the_greyed_reason(self):
        figure = self.province().figures["own_revenue_per_person"]
        # lao_a, lao_b, the PAO and lao_c gave revenue and people; the town and c2 did not.
        # lao_a and lao_c approved by their districts (final for SAOs, docs/supervision.md).
        self.assertEqual((figure.contributing, figure.laos, figure.approved), (4, 6, 2))
        self.assertTrue(figure.greyed)
        self.assertIn("4", figure.reason)
        self.assertIn("6", figure.reason)
        population = self.district().figures["population"]
        self.assertFalse(population.greyed)
        self.assertEqual(population.reason, "")

    def test_the_approved_switch_counts_only_approved_records(self):
        figure = self.province(approved_only=True).figures["population"]
        # lao_a 2,500 + lao_c 1,500: both approved by their districts, which is final for SAOs.
        self.assertEqual(figure.value, 4000)
        self.assertEqual((figure.contributing, figure.approved, figure.laos), (2, 2, 5))
        self.assertTrue(figure.greyed)

    def test_na_counts_as_zero_only_where_the_catalogue_says_so(self):
        rows = key_figures.lao_figure_rows(
            lao_ids={self.lao_b.pk}, year=scenario.YEAR, today=self.today
        )
        figures = rows[0].figures
        self.assertEqual(figures["fire_trucks_per_10000"].value, 0)  # NA fire engine: none here
        self.assertIsNone(figures["waste_collected_share"].value)  # NA waste collected: no figure

    def test_a_save_is_seen_at_once(self):
        self.assertEqual(self.district().figures["population"].value, 7500)
        fill_section(
            self.town, scenario.YEAR, "population", self.clerk_a, {"population_total": "4000"}
        )
        self.assertEqual(self.district().figures["population"].value, 8500)

    def test_the_nation_total_adds_every_province(self):
        _rows, nation = self.table(level="province")
        self.assertEqual(nation.figures["population"].value, 9000 + 2500)

    def test_the_profile_sets_an_lao_against_the_medians_of_its_type(self):
        profile = {
            c.indicator.code: c
            for c in key_figures.lao_profile(lao=self.lao_a, year=scenario.YEAR, today=self.today)
        }
        population = profile["population"]
        self.assertEqual(population.value, 2500)
        # SAOs of Phetchabun with a population: lao_a 2,500 and lao_c 1,500; in the country also
        # lao_krabi's 2,500.
        self.assertEqual((population.province_median, population.province_count), (2000, 2))
        self.assertEqual((population.country_median, population.country_count), (2500, 3))
        self.assertTrue(population.approved)
        self.assertNotIn(
            "child_development_centres",
            {
                c.indicator.code
                for c in key_figures.lao_profile(lao=self.pao, year=scenario.YEAR, today=self.today)
            },
        )

    def test_last_years_values_stand_beside(self):
        scenario.fill(self.lao_a, {"population_total": "2400"}, self.clerk_a, year=2567)
        profile = key_figures.lao_profile(lao=self.lao_a, year=scenario.YEAR, today=self.today)
        population = next(c for c in profile if c.indicator.code == "population")
        self.assertEqual(population.last_year, 2400)
