import datetime

from records.models import Field, Record, SectionEntry, ValueChange
from records.values import NOT_APPLICABLE
from tests.api.helpers import FilledAPITestCase
from tests.base import on
from tests.factories import fill_section

TODAY = datetime.date(2025, 3, 1)  # fiscal year 2568


class LAODetailTestCase(FilledAPITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        with on(datetime.date(2025, 2, 3)):
            fill_section(cls.lao_a, 2568, "population", cls.clerk_a, {"population_total": "2500"})

    def get(self, persona: str, code: str, query: str = ""):
        with on(TODAY):
            return self.as_(persona, f"/api/v1/laos/{code}/{query}")

    def test_it_gives_the_record_with_values_keyed_by_field_code_as_stored(self):
        response = self.get("province_officer", self.lao_a.code)
        self.assertEqual(response.status_code, 200)
        body = response.json()
        record = Record.objects.get(lao=self.lao_a, fiscal_year=2568)
        self.assertEqual(body["code"], self.lao_a.code)
        self.assertEqual(body["years"], [2568])
        self.assertEqual(body["record"]["fiscal_year"], 2568)
        self.assertEqual(body["record"]["required"], record.required_count)
        self.assertEqual(body["record"]["filled"], record.filled_count)
        self.assertEqual(body["completeness"]["filled"], record.filled_count)

        male = body["record"]["values"]["population_male"]
        field = Field.objects.get(code="population_male", section__schema=record.schema)
        self.assertEqual(male["value"], 1200)  # a whole number as a number
        self.assertEqual(male["section"], "population")
        self.assertEqual(male["unit_th"], field.unit_th)
        self.assertEqual(male["unit_en"], field.unit_en)
        self.assertEqual(male["type"], "integer")
        self.assertFalse(male["not_applicable"])
        last = ValueChange.objects.filter(record=record, field_code="population_male").latest(
            "changed_at"
        )
        self.assertEqual(datetime.datetime.fromisoformat(male["changed_at"]), last.changed_at)
        self.assertEqual(body["record"]["values"]["population_as_of"]["value"], "2024-09-30")

        # Every field that applies is there; those not filled are null.
        entry_count = SectionEntry.objects.filter(record=record).count()
        self.assertEqual(len(body["record"]["sections"]), entry_count)
        population = next(s for s in body["record"]["sections"] if s["code"] == "population")
        self.assertEqual((population["required"], population["filled"]), (8, 8))
        empty = [v for v in body["record"]["values"].values() if v["section"] == "general"]
        self.assertTrue(empty)
        self.assertTrue(all(v["value"] is None and v["changed_at"] is None for v in empty))

    def test_decimals_stay_exact_and_not_applicable_is_flagged(self):
        record = Record.objects.get(lao=self.lao_a, fiscal_year=2568)
        money = Field.objects.filter(section__schema=record.schema, type="money").first()
        other = (
            Field.objects.filter(section=money.section, type="integer").exclude(pk=money.pk).first()
        )
        entry = SectionEntry.objects.get(record=record, section=money.section)
        entry.values = {money.code: "1234567890123.45", other.code: NOT_APPLICABLE}
        entry.save()
        values = self.get("department", self.lao_a.code).json()["record"]["values"]
        self.assertEqual(values[money.code]["value"], "1234567890123.45")
        self.assertEqual(values[other.code]["value"], None)
        self.assertTrue(values[other.code]["not_applicable"])

    def test_a_year_without_a_record_gives_a_null_record(self):
        body = self.get("department", self.lao_a.code, "?year=2567").json()
        self.assertIsNone(body["record"])
        self.assertEqual(body["completeness"]["fiscal_year"], 2567)
        self.assertFalse(body["completeness"]["has_record"])

    def test_out_of_scope_is_a_404_that_cannot_be_told_from_a_missing_lao(self):
        outside = self.get("other_province_officer", self.lao_a.code)
        missing = self.get("other_province_officer", "9999999")
        self.assertEqual(outside.status_code, 404)
        self.assertEqual(outside.json(), missing.json())
        self.assertEqual(outside.json()["code"], "not_found")
        self.assertNotIn(self.lao_a.name_th, outside.content.decode())
        self.assertEqual(self.get("clerk_a", self.lao_b.code).status_code, 404)
        self.assertEqual(self.get("district_officer", self.lao_c.code).status_code, 404)
        self.assertEqual(self.get("executive", self.lao_krabi.code).status_code, 200)
