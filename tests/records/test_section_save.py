import threading
import unittest
from unittest import mock

from django.db import connection
from django.test import TransactionTestCase

from records import hooks
from records.models import Record, SectionEntry, ValueChange
from records.schema import schema_load_all
from records.services import (
    EditBlockedError,
    StaleSectionError,
    applicable_fields,
    record_get_or_create,
    rule_messages,
    section_save,
)
from tests.base import PersonasTestCase
from tests.factories import make_lao


class SavingTestCase(PersonasTestCase):
    """LAO A's record for 2568, and clerk A saving its sections."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.record = record_get_or_create(lao=cls.lao_a, fiscal_year=2568)

    def entry(self, code: str) -> SectionEntry:
        return SectionEntry.objects.select_related("record__lao", "section").get(
            record=self.record, section__code=code
        )

    def save(self, values: dict, *, section: str = "population", version: int | None = None):
        """Clerk A saves values into a section, from its current version unless told."""
        entry = self.entry(section)
        return section_save(
            entry=entry,
            values=values,
            expected_version=entry.version if version is None else version,
            by=self.clerk_a,
        )


class SectionSaveTestCase(SavingTestCase):
    @classmethod
    def setUpTestData(cls):
        schema_load_all()
        super().setUpTestData()

    def test_a_new_record_has_an_entry_per_section_and_counts_required_applicable_fields(self):
        entries = SectionEntry.objects.filter(record=self.record)
        self.assertEqual(entries.count(), self.record.schema.sections.count())
        population = self.entry("population")
        required = population.section.fields.filter(required=True)
        self.assertEqual(
            population.required_count, sum(1 for f in required if f.applies(self.lao_a.type))
        )
        self.assertEqual(self.record.filled_count, 0)

    def test_a_save_stores_values_counts_completeness_and_keeps_history(self):
        result = self.save(
            {"population_male": "1200", "population_female": "1300", "population_total": "2500"}
        )
        entry = result.entry
        self.assertEqual(entry.version, 1)
        self.assertEqual(entry.values["population_total"], "2500")
        self.assertEqual(entry.filled_count, 3)
        self.assertTrue(entry.rules_pass)
        changes = ValueChange.objects.filter(record=self.record).order_by("field_code")
        self.assertEqual(
            [(c.field_code, c.old_value, c.new_value, c.changed_by) for c in changes],
            [
                ("population_female", None, "1300", self.clerk_a),
                ("population_male", None, "1200", self.clerk_a),
                ("population_total", None, "2500", self.clerk_a),
            ],
        )
        record = Record.objects.get(pk=self.record.pk)
        self.assertEqual(record.filled_count, 3)
        self.assertEqual(record.updated_by, self.clerk_a)

    def test_a_stale_save_is_refused_and_nothing_is_overwritten(self):
        self.save({"population_total": "2500"})
        with self.assertRaises(StaleSectionError) as caught:
            self.save({"population_total": "9999"}, version=0)
        self.assertEqual(caught.exception.current.values["population_total"], "2500")
        self.assertEqual(self.entry("population").values["population_total"], "2500")
        self.assertEqual(ValueChange.objects.filter(new_value="9999").count(), 0)

    def test_a_broken_rule_saves_but_leaves_the_section_incomplete(self):
        result = self.save(
            {"population_male": "1200", "population_female": "1300", "population_total": "2000"}
        )
        self.assertFalse(result.entry.rules_pass)
        self.assertFalse(result.entry.is_complete)
        self.assertIn("population_total_is_sum", [r.code for r in result.rule_messages])

    def test_a_broken_rule_says_which_numbers_do_not_add_up_in_either_language(self):
        result = self.save(
            {"population_male": "1989", "population_female": "2012", "population_total": "4000"}
        )
        failing = [r for r in result.rule_messages if r.code == "population_total_is_sum"]
        th = rule_messages(failing, result.record_values, language="th")
        en = rule_messages(failing, result.record_values, language="en")
        self.assertEqual(
            th,
            [
                "จำนวนประชากรชายรวมกับหญิงต้องเท่ากับประชากรทั้งหมด: "
                "ประชากรชาย 1,989 + ประชากรหญิง 2,012 = 4,001 ≠ ประชากรทั้งหมด 4,000"
            ],
        )
        self.assertEqual(
            en,
            [
                "Male plus female population must equal the total population: "
                "Male population 1,989 + Female population 2,012 = 4,001 ≠ Total population 4,000"
            ],
        )

    def test_clearing_a_value_is_a_change_in_the_history(self):
        self.save({"population_total": "2500"})
        self.save({"population_total": None})
        last = ValueChange.objects.filter(field_code="population_total").first()
        self.assertEqual((last.old_value, last.new_value), ("2500", None))
        self.assertNotIn("population_total", self.entry("population").values)

    def test_a_record_the_edit_guards_close_is_refused_with_their_reason(self):
        guard = [lambda lao, year, today: "ส่งข้อมูลแล้ว รอการตรวจสอบ"]
        closed = mock.patch.object(hooks, "edit_guards", guard)
        with closed, self.assertRaises(EditBlockedError) as caught:
            self.save({"population_total": "2500"})
        self.assertEqual(caught.exception.reason, "ส่งข้อมูลแล้ว รอการตรวจสอบ")
        entry = self.entry("population")
        self.assertEqual((entry.version, entry.values), (0, {}))
        self.assertFalse(ValueChange.objects.exists())

    def test_a_value_far_from_last_years_is_flagged_by_the_save_itself(self):
        last_year = record_get_or_create(lao=self.lao_a, fiscal_year=2567)
        section_save(
            entry=SectionEntry.objects.get(record=last_year, section__code="population"),
            values={"population_total": "2500", "households_total": "800"},
            expected_version=0,
            by=self.clerk_a,
        )
        result = self.save({"population_total": "25000", "households_total": "810"})
        self.assertEqual(result.entry.flags, ["population_total"])
        self.assertEqual(result.entry.values["population_total"], "25000")

    def test_a_pao_is_not_asked_for_villages(self):
        pao = make_lao("6701", type="pao", name="เพชรบูรณ์")
        record = record_get_or_create(lao=pao, fiscal_year=2568)
        entry = SectionEntry.objects.get(record=record, section__code="administration")
        pao_codes = [f.code for f in applicable_fields(entry.section, "pao")]
        self.assertNotIn("villages_count", pao_codes)
        self.assertIn("districts_count", pao_codes)
        self.assertEqual(entry.required_count, 10)  # 12 required, less villages and communities
        self.assertIn("villages_count", [f.code for f in applicable_fields(entry.section, "sao")])


def in_threads(n: int, target) -> None:
    """Runs target(i) for i in range(n), each in its own thread with its own connection."""

    def run(i: int) -> None:
        try:
            target(i)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


@unittest.skipUnless(connection.vendor == "postgresql", "row-level concurrency needs PostgreSQL")
class ConcurrentSaveTestCase(TransactionTestCase):
    serialized_rollback = True

    def setUp(self) -> None:
        from tests.factories import make_personas

        self.personas = make_personas()
        schema_load_all()

    def test_of_many_threads_saving_from_one_version_exactly_one_wins(self):
        record = record_get_or_create(lao=self.personas["lao_a"], fiscal_year=2568)
        entry_id = SectionEntry.objects.get(record=record, section__code="population").pk
        outcomes, barrier = [], threading.Barrier(8)

        def save(n: int) -> None:
            try:
                entry = SectionEntry.objects.select_related("record__lao", "section").get(
                    pk=entry_id
                )
                barrier.wait()
                section_save(
                    entry=entry,
                    values={"population_total": str(1000 + n)},
                    expected_version=0,
                    by=self.personas["clerk_a"],
                )
                outcomes.append("saved")
            except StaleSectionError:
                outcomes.append("stale")

        in_threads(8, save)
        self.assertEqual(sorted(outcomes), ["saved"] + ["stale"] * 7)
        entry = SectionEntry.objects.get(pk=entry_id)
        self.assertEqual(entry.version, 1)
        self.assertEqual(ValueChange.objects.filter(field_code="population_total").count(), 1)

    def test_threads_making_the_same_record_at_once_all_get_the_one_record(self):
        lao = self.personas["lao_a"]
        outcomes, barrier = [], threading.Barrier(6)

        def make(n: int) -> None:
            try:
                barrier.wait()
                outcomes.append(record_get_or_create(lao=lao, fiscal_year=2568).pk)
            except Exception as error:  # any error is the failure under test
                outcomes.append(repr(error))

        in_threads(6, make)
        record = Record.objects.get(lao=lao, fiscal_year=2568)
        self.assertEqual(outcomes, [record.pk] * 6)
        self.assertEqual(record.entries.count(), record.schema.sections.count())


class CrossSectionRuleTestCase(SavingTestCase):
    def test_a_rule_across_sections_is_checked_and_refreshed_when_the_other_side_changes(self):
        from records.models import Rule

        rule = Rule.objects.get(
            params__field="households_piped_water", params__limit_field="households_total"
        )
        shown_in = rule.section.code
        self.save({"households_total": "100"})
        result = self.save({"households_piped_water": "150"}, section=shown_in)
        self.assertIn(rule, result.rule_messages)
        self.assertFalse(self.entry(shown_in).rules_pass)
        # Fixing the other section's figure clears the failure where it is shown.
        self.save({"households_total": "200"})
        self.assertTrue(self.entry(shown_in).rules_pass)
