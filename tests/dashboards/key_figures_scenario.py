"""Records for the key-figure tests, with the figures counted by hand.

Fiscal year 2568, province 67 (Phetchabun), and one LAO in Krabi that must never be counted in
Phetchabun. "–" is a field left empty, NA is "not applicable".

    district 6701                 lao_a SAO    lao_b sub.mun.  pao PAO      town (town)
      population_total            2,500        2,000           10,000       3,000
      population_age_0_14           500          400            2,000         600
      population_age_60_plus        500          300            1,500         500
      households_total              800          500            3,000       1,000
      area_km2                       50           20              400          10
      revenue_total           8,000,000    6,000,000       60,000,000           –
      revenue_own_total         800,000    1,200,000       20,000,000           –
      general / specific grants  4M / 2M     2M / 1M         25M / 10M          –
      expenditure_total       7,000,000    5,000,000       50,000,000           –
      fire_trucks                     1           NA                3           –
      waste generated / collected  2 / 1      3 / NA                –           –
      (every other input: see VALUES)
    district 6702
      lao_c SAO: the same as lao_a but population 1,500 and 500 households; c2 SAO: no record.
    district 8104: lao_krabi SAO: the same as lao_a.

By hand, district 6701 (the PAO's population, households and area are not added):
    population            2,500 + 2,000 + 3,000 = 7,500                   3 of 3 LAOs
    own revenue / person  (800,000 + 1,200,000 + 20,000,000) / (2,500 + 2,000) = 4,888.89
                          (the town has no revenue: 3 of 4 LAOs, 75 %, greyed)
    density               7,500 / 80 = 93.75 persons per km²
    fire engines / 10,000 (1 + 0 + 3) × 10,000 / (2,500 + 2,000) = 8.89   (NA counts as 0)
    waste collected       lao_b's NA leaves it out: 1 / 2 = 50 %         1 of 3 LAOs
Province 67 adds district 6702: population 7,500 + 1,500 = 9,000 (4 of 5 LAOs: c2 has no record);
own revenue per person (22,000,000 + 800,000) / (4,500 + 1,500) = 3,800.

lao_a's and lao_c's records are approved by their districts (final for SAOs).
"""

from decimal import Decimal

from django.core.cache import cache

from accounts.models import Role
from deadlines.models import RoundLAO
from deadlines.services import round_approve, round_submit
from records.models import LAO
from records.record_import import ImportRow, record_values_import
from tests.base import PersonasTestCase
from tests.factories import POPULATION, fill_section, make_lao, make_round, make_user

YEAR = 2568
SECTIONS = (
    "general",
    "administration",
    "population",
    "education",
    "social_welfare",
    "infrastructure",
    "water_supply",
    "environment",
    "finance_revenue",
    "finance_expenditure",
    "personnel",
    "disaster_prevention",
)

BASE = {
    **POPULATION,  # 2,500 people, 500 aged 0–14, 500 aged 60+, 800 households
    "area_km2": "50",
    "eligible_voters": "2000",
    "voters_voted": "1500",
    "revenue_total": "8000000",
    "revenue_own_total": "800000",
    "revenue_general_grants": "4000000",
    "revenue_specific_grants": "2000000",
    "expenditure_total": "7000000",
    "expenditure_personnel": "2100000",
    "expenditure_investment": "1400000",
    "staff_total": "25",
    "households_piped_water": "600",
    "households_with_electricity": "800",
    "schools_total": "3",
    "pupils_total": "450",
    "teachers_total": "30",
    "child_development_centres": "2",
    "cdc_pupils": "60",
    "cdc_caregivers": "4",
    "elderly_allowance_recipients": "400",
    "waste_tonnes_per_day": "2",
    "waste_collected_tonnes_per_day": "1",
    "fire_trucks": "1",
    "rescue_vehicles": "1",
    "ambulances": "1",
    "civil_defence_volunteers": "50",
}
LAO_B = {
    **BASE,
    "population_male": "1000",
    "population_female": "1000",
    "population_total": "2000",
    "population_age_0_14": "400",
    "population_age_15_59": "1300",
    "population_age_60_plus": "300",
    "households_total": "500",
    "area_km2": "20",
    "revenue_total": "6000000",
    "revenue_own_total": "1200000",
    "revenue_general_grants": "2000000",
    "revenue_specific_grants": "1000000",
    "expenditure_total": "5000000",
    "expenditure_personnel": "2000000",
    "households_piped_water": "NA",
    "households_with_electricity": "500",
    "fire_trucks": "NA",
    "waste_tonnes_per_day": "3",
    "waste_collected_tonnes_per_day": "NA",
}
PAO = {
    **{k: v for k, v in BASE.items() if not k.startswith(("cdc", "child", "elderly", "waste"))},
    "population_male": "5000",
    "population_female": "5000",
    "population_total": "10000",
    "population_age_0_14": "2000",
    "population_age_15_59": "6500",
    "population_age_60_plus": "1500",
    "households_total": "3000",
    "area_km2": "400",
    "eligible_voters": "8000",
    "voters_voted": "5000",
    "revenue_total": "60000000",
    "revenue_own_total": "20000000",
    "revenue_general_grants": "25000000",
    "revenue_specific_grants": "10000000",
    "expenditure_total": "50000000",
    "expenditure_personnel": "10000000",
    "expenditure_investment": "20000000",
    "staff_total": "200",
    "households_piped_water": "2500",
    "households_with_electricity": "3000",
    "schools_total": "12",
    "pupils_total": "3000",
    "teachers_total": "150",
    "fire_trucks": "3",
    "rescue_vehicles": "2",
    "ambulances": "2",
    "civil_defence_volunteers": "20",
}
TOWN = {
    "population_total": "3000",
    "population_age_0_14": "600",
    "population_age_60_plus": "500",
    "households_total": "1000",
    "area_km2": "10",
}
LAO_C = {
    **BASE,
    "population_male": "700",
    "population_female": "800",
    "population_total": "1500",
    "population_age_0_14": "300",
    "population_age_15_59": "900",
    "population_age_60_plus": "300",
    "households_total": "500",
    "households_with_electricity": "500",
    "elderly_allowance_recipients": "250",
}


def build(case) -> None:
    """Adds the PAO, the town, c2, the round, every record and the approvals to a
    PersonasTestCase class; ``case.inputs`` maps each LAO to the values it was given."""
    case.pao = make_lao("6701", type=LAO.Type.PAO, name="เพชรบูรณ์")
    case.town = make_lao("6701", type=LAO.Type.TOWN, name="เมืองทดสอบ")
    case.c2 = make_lao("6702", type=LAO.Type.SAO, name="ไม่มีข้อมูล")
    case.round = make_round(fiscal_year=YEAR, sections=("population",))
    case.inputs = {
        case.lao_a: BASE,
        case.lao_b: LAO_B,
        case.pao: PAO,
        case.town: TOWN,
        case.lao_c: LAO_C,
        case.lao_krabi: BASE,
    }
    for lao, values in case.inputs.items():
        fill(lao, values, case.clerk_a)
    part_a = RoundLAO.objects.get(round=case.round, lao=case.lao_a)
    round_submit(participant=part_a, by=case.clerk_a)
    # The district's approval of its SAO is final (docs/supervision.md).
    round_approve(participant=part_a, by=case.district_officer)
    part_c = RoundLAO.objects.get(round=case.round, lao=case.lao_c)
    clerk_c = make_user("clerk_c", Role.CLERK, lao=case.lao_c)
    round_submit(participant=part_c, by=clerk_c)
    other_district = type(case.district_officer).objects.get(username="district_6702")
    round_approve(participant=part_c, by=other_district)


def fill(lao, values: dict, by, year: int = YEAR) -> None:
    for section in SECTIONS:
        fill_section(lao, year, section, by, values)


def import_value(case, lao, field: str, value: str) -> None:
    """The department imports one value of the scenario's year for ``lao`` with the long-format
    import (records/record_import.py), which must take it."""
    result = record_values_import(
        rows=[ImportRow(2, lao.code, str(YEAR), field, value)], by=case.department, commit=True
    )
    case.assertFalse(result.errors)


def number(text: str) -> Decimal:
    return Decimal(text)


class KeyFiguresScenarioTestCase(PersonasTestCase):
    """Personas and the records above, with the key figures' cache emptied before each test."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build(cls)

    def setUp(self):
        cache.clear()
