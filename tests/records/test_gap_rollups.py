"""The field-level view's stored counts (records/gap_rollups.py): after first saves, partly
filled sections, failing checks, flags, an import and LAOs moved to another province or type,
they equal the count from the records; the page shows them, by province and type, without the
LAOs that no longer exist; the command finds and repairs a wrong row."""

import datetime
import io

from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from dashboards.field_gaps import field_gaps, field_gaps_stored
from records import gap_rollups
from records.models import LAO, District, FieldGapRollup, Record, Schema
from tests.dashboards import key_figures_scenario as scenario
from tests.dashboards.test_key_figures_pages import rows_of
from tests.factories import POPULATION, fill_section

YEAR = scenario.YEAR


def counts(gaps) -> dict:
    fields = {
        g.field.code: (g.applicable, g.missing, g.flagged, g.rule_failures) for g in gaps.fields
    }
    rules = {g.rule.code: g.failing for g in gaps.rules}
    return {"fields": fields, "rules": rules, "entries": gaps.entries}


class GapRollupsTestCase(scenario.KeyFiguresScenarioTestCase):
    def stored(self, **kwargs):
        return field_gaps_stored(fiscal_year=YEAR, today=timezone.localdate(), **kwargs)

    def assert_exact(self):
        """The stored rows equal the count from scratch, and what the page reads from them
        equals the count of the LAOs' records, for the nation, a province and a type."""
        self.assertEqual(gap_rollups.differences(), [])
        active = LAO.objects.active_on(timezone.localdate())
        for province, lao_type in [(None, None), ("67", None), (None, "sao"), ("81", "sao")]:
            laos = active
            if province:
                laos = laos.in_province(province)
            if lao_type:
                laos = laos.filter(type=lao_type)
            with self.subTest(province=province, lao_type=lao_type):
                self.assertEqual(
                    counts(self.stored(province=province, lao_type=lao_type)),
                    counts(field_gaps(laos=laos, fiscal_year=YEAR)),
                )

    def field(self, code: str, **kwargs) -> tuple[int, int, int, int]:
        return counts(self.stored(**kwargs))["fields"][code]

    def test_the_scenario_as_saved_is_exact(self):
        self.assert_exact()
        # Six records of 17 sections: every population field applies to all six.
        self.assertEqual(self.stored().entries, 6 * 17)
        self.assertEqual(self.field("population_total")[0], 6)
        self.assertEqual(self.field("population_total", province="81")[0], 1)

    def test_saves_checks_flags_an_import_and_moves_keep_them_exact(self):
        # c2 (no record yet) saves its first section partly: a record of 17 empty sections is
        # made, and of the population section two required fields are filled.
        before = self.field("population_male", province="67")
        fill_section(self.c2, YEAR, "population", self.clerk_a, {"population_total": "900"})
        self.assert_exact()
        applicable, missing, _flagged, _failing = self.field("population_male", province="67")
        self.assertEqual((applicable, missing), (before[0] + 1, before[1] + 1))
        # Male plus female is not the total: the sum check fails, with its three fields.
        fill_section(
            self.c2, YEAR, "population", self.clerk_a, dict(POPULATION, population_total="2600")
        )
        self.assert_exact()
        self.assertEqual(counts(self.stored())["rules"]["population_total_is_sum"], 1)
        self.assertEqual(self.field("population_male")[3], 1)
        # Fixed, it counts no more.
        fill_section(self.c2, YEAR, "population", self.clerk_a, POPULATION)
        self.assert_exact()
        self.assertEqual(counts(self.stored())["rules"]["population_total_is_sum"], 0)
        # Last year 1,000 households, this year ten times as many: flagged.
        fill_section(self.lao_krabi, YEAR - 1, "population", self.clerk_a, POPULATION)
        fill_section(self.lao_krabi, YEAR, "population", self.clerk_a, {"households_total": "8000"})
        self.assert_exact()
        self.assertEqual(self.field("households_total", province="81")[2], 1)
        # A population lower than the eligible voters turns the administration section's
        # check (a section the save did not touch): still exact.
        fill_section(self.lao_a, YEAR, "administration", self.clerk_a, {"eligible_voters": "2400"})
        fill_section(self.lao_a, YEAR, "population", self.clerk_a, {"population_total": "100"})
        self.assertFalse(
            Record.objects.get(lao=self.lao_a, fiscal_year=YEAR)
            .entries.get(section__code="administration")
            .rules_pass
        )
        self.assert_exact()
        # The long-format import empties a required field of the town.
        scenario.import_value(self, self.town, "households_total", "")
        self.assert_exact()
        # The town moves to Krabi (the admin saves one LAO at a time), lao_b becomes a PAO.
        krabi_before = self.field("population_total", province="81")[0]
        self.town.district = District.objects.get(code="8104")
        self.town.save()
        self.lao_b.type = LAO.Type.PAO
        self.lao_b.save()
        self.assert_exact()
        self.assertEqual(self.field("population_total", province="81")[0], krabi_before + 1)
        self.assertEqual(self.field("population_total", lao_type="pao")[0], 2)

    def test_an_lao_that_no_longer_exists_is_left_out(self):
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        LAO.objects.filter(pk=self.lao_b.pk).update(active_until=yesterday)
        self.assert_exact()
        self.assertEqual(self.stored().entries, 5 * 17)
        self.assertEqual(self.field("population_total")[0], 5)

    def test_the_page_shows_the_stored_counts_by_province_and_type(self):
        url = f"/national/fields/?year={YEAR}&province=81&type=sao&download=csv"

        def total_row() -> list[str]:
            # Section, code, field, required, where it applies, missing, missing %, ...
            return next(r for r in rows_of(self.client.get(url)) if r[1:2] == ["population_total"])

        self.login(self.department)
        self.assertEqual(total_row()[4:6], ["1", "0"])  # Krabi's one record
        # A clerk empties the total: the page says it is missing at once.
        fill_section(self.lao_krabi, YEAR, "population", self.clerk_a, {"population_total": ""})
        self.assertEqual(total_row()[4:6], ["1", "1"])
        # A province officer may not see the national page (nor that it exists).
        self.login(self.province_officer)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_command_finds_and_repairs_a_wrong_row(self):
        FieldGapRollup.objects.filter(
            province_id="67", lao_type="sao", kind="field", code="population_total"
        ).update(missing=F("missing") + 3)
        out = io.StringIO()
        with self.assertRaisesMessage(CommandError, "1 stored roll-ups differ"):
            call_command("rebuild_rollups", "--check", stdout=out)
        self.assertIn("field gaps: 2568 67 sao field population_total", out.getvalue())
        self.assertEqual(self.field("population_total", province="67", lao_type="sao")[1], 3)
        call_command("rebuild_rollups", stdout=io.StringIO())
        self.assert_exact()
        self.assertEqual(self.field("population_total", province="67", lao_type="sao")[1], 0)

    def test_rows_of_an_older_schema_version_are_not_read_and_are_dropped(self):
        older = Schema.objects.create(
            version=0, title_th="เก่า", title_en="old", source_sha256="0" * 64
        )
        FieldGapRollup.objects.create(
            fiscal_year=YEAR,
            province_id="67",
            lao_type="sao",
            schema=older,
            kind="field",
            code="population_total",
            missing=99,
        )
        self.assertEqual(self.field("population_total", province="67")[1], 0)
        self.assertEqual(gap_rollups.rebuild(), 1)
        self.assertFalse(FieldGapRollup.objects.filter(schema=older).exists())
        self.assert_exact()
