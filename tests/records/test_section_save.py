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


class SectionSaveTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        schema_load_all()
        cls.record = record_get_or_create(lao=cls.lao_a, fiscal_year=2568)

    def entry(self, code: str) -> SectionEntry:
        return SectionEntry.objects.select_related("record__lao", "section").get(
            record=self.record, section__code=code
        )

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
        entry = self.entry("population")
        result = section_save(
            entry=entry,
            values={
                "population_male": "1200",
                "population_female": "1300",
                "population_total": "2500",
            },
            expected_version=0,
            by=self.clerk_a,
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
        entry = self.entry("population")
        section_save(
            entry=entry, values={"population_total": "2500"}, expected_version=0, by=self.clerk_a
        )
        stale = self.entry("population")
        with self.assertRaises(StaleSectionError) as caught:
            section_save(
                entry=stale,
                values={"population_total": "9999"},
                expected_version=0,
                by=self.clerk_a,
            )
        self.assertEqual(caught.exception.current.values["population_total"], "2500")
        self.assertEqual(self.entry("population").values["population_total"], "2500")
        self.assertEqual(ValueChange.objects.filter(new_value="9999").count(), 0)

    def test_a_broken_rule_saves_but_leaves_the_section_incomplete(self):
        result = section_save(
            entry=self.entry("population"),
            values={
                "population_male": "1200",
                "population_female": "1300",
                "population_total": "2000",
            },
            expected_version=0,
            by=self.clerk_a,
        )
        self.assertFalse(result.entry.rules_pass)
        self.assertFalse(result.entry.is_complete)
        self.assertIn("population_total_is_sum", [r.code for r in result.rule_messages])

    def test_a_broken_rule_says_which_numbers_do_not_add_up_in_either_language(self):
        result = section_save(
            entry=self.entry("population"),
            values={
                "population_male": "1989",
                "population_female": "2012",
                "population_total": "4000",
            },
            expected_version=0,
            by=self.clerk_a,
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
        entry = self.entry("population")
        section_save(
            entry=entry, values={"population_total": "2500"}, expected_version=0, by=self.clerk_a
        )
        section_save(
            entry=self.entry("population"),
            values={"population_total": None},
            expected_version=1,
            by=self.clerk_a,
        )
        last = ValueChange.objects.filter(field_code="population_total").first()
        self.assertEqual((last.old_value, last.new_value), ("2500", None))
        self.assertNotIn("population_total", self.entry("population").values)

    def test_a_record_the_edit_guards_close_is_refused_with_their_reason(self):
        guard = [lambda lao, year, today: "ส่งข้อมูลแล้ว รอการตรวจสอบ"]
        closed = mock.patch.object(hooks, "edit_guards", guard)
        with closed, self.assertRaises(EditBlockedError) as caught:
            section_save(
                entry=self.entry("population"),
                values={"population_total": "2500"},
                expected_version=0,
                by=self.clerk_a,
            )
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
        result = section_save(
            entry=self.entry("population"),
            values={"population_total": "25000", "households_total": "810"},
            expected_version=0,
            by=self.clerk_a,
        )
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


@unittest.skipUnless(connection.vendor == "postgresql", "row-level concurrency needs PostgreSQL")
class ConcurrentSaveTestCase(TransactionTestCase):
    serialized_rollback = True

    def test_of_many_threads_saving_from_one_version_exactly_one_wins(self):
        from tests.factories import make_personas

        personas = make_personas()
        schema_load_all()
        record = record_get_or_create(lao=personas["lao_a"], fiscal_year=2568)
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
                    by=personas["clerk_a"],
                )
                outcomes.append("saved")
            except StaleSectionError:
                outcomes.append("stale")
            finally:
                connection.close()

        threads = [threading.Thread(target=save, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(outcomes), ["saved"] + ["stale"] * 7)
        entry = SectionEntry.objects.get(pk=entry_id)
        self.assertEqual(entry.version, 1)
        self.assertEqual(ValueChange.objects.filter(field_code="population_total").count(), 1)


@unittest.skipUnless(connection.vendor == "postgresql", "row-level concurrency needs PostgreSQL")
class ConcurrentFirstSaveTestCase(TransactionTestCase):
    serialized_rollback = True

    def test_threads_making_the_same_record_at_once_all_get_the_one_record(self):
        from tests.factories import make_personas

        personas = make_personas()
        schema_load_all()
        outcomes, barrier = [], threading.Barrier(6)

        def make() -> None:
            try:
                barrier.wait()
                record = record_get_or_create(lao=personas["lao_a"], fiscal_year=2568)
                outcomes.append(record.pk)
            except Exception as error:  # any error is the failure under test
                outcomes.append(repr(error))
            finally:
                connection.close()

        threads = [threading.Thread(target=make) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        record = Record.objects.get(lao=personas["lao_a"], fiscal_year=2568)
        self.assertEqual(outcomes, [record.pk] * 6)
        self.assertEqual(record.entries.count(), record.schema.sections.count())


class CrossSectionRuleTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.record = record_get_or_create(lao=cls.lao_a, fiscal_year=2568)

    def entry(self, code: str) -> SectionEntry:
        return SectionEntry.objects.select_related("record__lao", "section").get(
            record=self.record, section__code=code
        )

    def test_a_rule_across_sections_is_checked_and_refreshed_when_the_other_side_changes(self):
        from records.models import Rule

        rule = Rule.objects.get(
            params__field="households_piped_water", params__limit_field="households_total"
        )
        shown_in = rule.section.code
        section_save(entry=self.entry("population"), values={"households_total": "100"},
                     expected_version=0, by=self.clerk_a)  # fmt: skip
        target = self.entry(shown_in)
        result = section_save(entry=target, values={"households_piped_water": "150"},
                              expected_version=target.version, by=self.clerk_a)  # fmt: skip
        self.assertIn(rule, result.rule_messages)
        self.assertFalse(self.entry(shown_in).rules_pass)
        # Fixing the other section's figure clears the failure where it is shown.
        population = self.entry("population")
        section_save(entry=population, values={"households_total": "200"},
                     expected_version=population.version, by=self.clerk_a)  # fmt: skip
        self.assertTrue(self.entry(shown_in).rules_pass)
