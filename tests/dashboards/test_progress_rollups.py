"""The dashboards' stored progress roll-ups (deadlines/progress_rollups.py): every write keeps
them equal to the counts from the records, and an area's row read from them is the row added up
from the records."""

import datetime
import io

from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards import figures
from deadlines import progress_rollups
from deadlines.models import ProgressRollup
from records.models import LAO
from tests.dashboards import scenario
from tests.dashboards.scenario import AFTER, BEFORE
from tests.factories import POPULATION, fill_section, make_lao

DAY = datetime.timedelta(days=1)
COMPARED = ("laos", "participants", *figures.STATUSES, "required", "filled")
COMPARED += ("acknowledged", "current", "last_updated")


def as_dicts(rows) -> dict:
    return {row.code: {name: getattr(row, name) for name in COMPARED} for row in rows}


class ProgressRollupsTestCase(scenario.ScenarioTestCase):
    def stored_and_counted(self, *, level, parent=None, today, lao_type=None, round=True):
        """The rows read from the roll-ups, and the same rows added up from the records."""
        common = {
            "level": level,
            "parent_code": parent,
            "round": self.round if round else None,
            "fiscal_year": 2568,
            "today": today,
        }
        laos = LAO.objects.active_on(today)
        if lao_type:
            laos = laos.filter(type=lao_type)
        stored = figures.area_rows(lao_type=lao_type, **common)
        counted = figures.area_rows(laos=laos, **common)
        return as_dicts(stored), as_dicts(counted)

    def assert_same_as_counted(self, **kwargs):
        stored, counted = self.stored_and_counted(**kwargs)
        self.assertEqual(stored, counted)
        return stored

    def test_the_workflow_keeps_the_stored_counts_equal_to_the_records(self):
        # The scenario saved sections, opened a round, submitted, returned, approved and
        # acknowledged, each through its service.
        self.assertTrue(ProgressRollup.objects.exists())
        self.assertEqual(progress_rollups.differences(), [])

    def test_the_areas_read_from_the_stored_counts_are_the_areas_counted(self):
        for today in (BEFORE, AFTER):
            for lao_type in (None, LAO.Type.SAO, LAO.Type.PAO):
                for round in (True, False):
                    with self.subTest(today=today, lao_type=lao_type, round=round):
                        self.assert_same_as_counted(
                            level="province", today=today, lao_type=lao_type, round=round
                        )
                        self.assert_same_as_counted(
                            level="district", parent="67", today=today, lao_type=lao_type
                        )
        # What the scenario counted by hand (tests/dashboards/test_figures.py) reads the same.
        district = as_dicts(
            figures.area_rows(
                level="district", parent_code="67", round=self.round, fiscal_year=2568, today=AFTER
            )
        )["6701"]
        self.assertEqual(district["approved"], 2)
        self.assertEqual(district["submitted_on_time"], 1)
        self.assertEqual(district["submitted_late"], 1)
        self.assertEqual(district["overdue"], district["participants"] - 4)
        nation = self.assert_same_as_counted(level="province", today=AFTER)
        self.assertEqual(nation["67"]["laos"], LAO.objects.in_province("67").count())

    def test_a_save_counts_at_once(self):
        before = self.assert_same_as_counted(level="district", parent="67", today=BEFORE)
        with scenario.on(BEFORE):
            fill_section(self.lao_a, 2568, "population", self.clerk_a, POPULATION)
        after = self.assert_same_as_counted(level="district", parent="67", today=BEFORE)
        district = self.lao_a.district_id
        self.assertGreater(after[district]["filled"], before[district]["filled"])
        self.assertEqual(after[district]["in_progress"], before[district]["in_progress"] + 1)
        self.assertEqual(after[district]["not_started"], before[district]["not_started"] - 1)

    def test_a_value_changed_again_keeps_the_stored_counts_equal_to_the_records(self):
        # The same fields filled, another value: on a later day the district is counted again
        # (the record may become "current" in the round); the same day, only the newest
        # update of the year's rows moves (deadlines.progress_rollups._resaved).
        with scenario.on(BEFORE):
            fill_section(self.lao_a, 2568, "population", self.clerk_a, POPULATION)
        for day, total in ((AFTER, "2600"), (AFTER, "2700"), (AFTER + DAY, "2800")):
            with self.subTest(day=day, total=total), scenario.on(day):
                stamp = progress_rollups.stamp("67")
                fill_section(
                    self.lao_a, 2568, "population", self.clerk_a,
                    {**POPULATION, "population_total": total},
                )  # fmt: skip
                self.assertEqual(progress_rollups.differences([2568]), [])
                self.assertGreater(progress_rollups.stamp("67")[1], stamp[1])
                rows = self.assert_same_as_counted(level="district", parent="67", today=day)
                saved = self.lao_a.records.get(fiscal_year=2568).updated_at
                self.assertEqual(rows[self.lao_a.district_id]["last_updated"], saved)

    def test_every_write_of_the_roll_ups_adds_to_their_stamp(self):
        # The dashboards keep their sums in the cache under the stamp: a write that did not
        # add to it would leave a page showing the figures from before it.
        district = self.lao_a.district_id
        other = self.d1.district_id if self.d1.district_id != district else "6702"
        areas = (None, "67", district, other)
        stamps = [progress_rollups.stamp(area) for area in areas]
        with scenario.on(BEFORE):
            fill_section(self.lao_a, 2568, "population", self.clerk_a, POPULATION)
        after_save = [progress_rollups.stamp(area) for area in areas]
        self.assertGreater(after_save[0][1], stamps[0][1])
        self.assertGreater(after_save[1][1], stamps[1][1])
        self.assertGreater(after_save[2][1], stamps[2][1])
        # Another district of the province keeps its stamp: what is kept for it still holds.
        self.assertEqual(after_save[3], stamps[3])
        make_lao("1001", name="เพิ่ม")
        # The LAO added in Bangkok stamped its province only.
        self.assertGreater(progress_rollups.stamp()[1], after_save[0][1])
        self.assertEqual(progress_rollups.stamp("10")[0], 1)
        self.assertEqual(progress_rollups.stamp("67"), after_save[1])

    def test_an_lao_that_no_longer_exists_is_taken_out(self):
        before = self.assert_same_as_counted(level="province", today=AFTER)
        self.d2.active_until = AFTER - datetime.timedelta(days=1)
        self.d2.save()
        after = self.assert_same_as_counted(level="province", today=AFTER)
        self.assertEqual(after["67"]["laos"], before["67"]["laos"] - 1)
        self.assertEqual(after["67"]["submitted_late"], before["67"]["submitted_late"] - 1)
        # Without a round chosen too (its participation is not counted then).
        self.assert_same_as_counted(level="province", today=AFTER, round=False)
        # The day before, it still existed.
        self.assert_same_as_counted(level="province", today=BEFORE)

    def test_the_laos_gone_on_a_day_are_all_the_others(self):
        make_lao("6701", active_from=AFTER)
        make_lao("6701", active_until=BEFORE)
        make_lao("6701", active_from=BEFORE, active_until=AFTER)
        everyone = set(LAO.objects.values_list("pk", flat=True))
        for day in (BEFORE - datetime.timedelta(days=1), BEFORE, AFTER, AFTER + DAY):
            with self.subTest(day=day):
                active = set(LAO.objects.active_on(day).values_list("pk", flat=True))
                gone = set(LAO.objects.gone_on(day).values_list("pk", flat=True))
                self.assertEqual(active | gone, everyone)
                self.assertFalse(active & gone)
                self.assertTrue(gone)

    def test_an_lao_moved_or_added_is_counted_in_its_new_district(self):
        before = self.assert_same_as_counted(level="district", parent="67", today=AFTER)
        self.d1.district_id = "6702"
        self.d1.save()
        make_lao("6702", type=LAO.Type.SAO, name="ใหม่")
        self.assertEqual(progress_rollups.differences(), [])
        rows = self.assert_same_as_counted(level="district", parent="67", today=AFTER)
        for name, change in {"submitted_on_time": 1, "laos": 2, "participants": 1}.items():
            self.assertEqual(rows["6702"][name], before["6702"][name] + change)
            self.assertEqual(rows["6701"][name], before["6701"][name] - min(change, 1))

    def test_a_year_never_rolled_up_is_counted_from_the_records(self):
        rows = figures.area_rows(
            level="province", parent_code=None, round=None, fiscal_year=2570, today=AFTER
        )
        self.assertEqual(sum(row.laos for row in rows), LAO.objects.active_on(AFTER).count())
        self.assertFalse(ProgressRollup.objects.filter(fiscal_year=2570).exists())

    def test_the_queries_do_not_grow_with_the_laos(self):
        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                figures.area_rows(
                    level="province",
                    parent_code=None,
                    round=self.round,
                    fiscal_year=2568,
                    today=AFTER,
                )
            return len(captured)

        # The roll-ups' stamp and the registry's newest change, what each type owes, the
        # stored rows of the year and the round, the LAOs that do not exist today, the
        # provinces; read again, the sums are kept in the cache under the same stamp.
        self.assertEqual(queries(), 5)
        self.assertEqual(queries(), 3)
        for n in range(12):
            make_lao(["1001", "5001", "8101"][n % 3], name=f"เพิ่ม{n}")
        self.assertEqual(queries(), 5)
        self.assertEqual(queries(), 3)

    def test_the_command_finds_and_repairs_a_stored_count_gone_wrong(self):
        ProgressRollup.objects.filter(area="6701", round=self.round).update(approved=0)
        with self.assertRaises(CommandError):
            call_command("rebuild_rollups", "--check", stdout=io.StringIO())
        call_command("rebuild_rollups", stdout=io.StringIO())
        call_command("rebuild_rollups", "--check", stdout=io.StringIO())
        self.assertEqual(progress_rollups.differences(), [])
