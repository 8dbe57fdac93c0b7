"""Progress over time: the snapshot_progress command and the progress pages."""

import datetime
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import override_settings

from dashboards.models import ProgressSnapshot
from dashboards.snapshots import snapshots_take
from tests.base import on
from tests.dashboards import scenario
from tests.dashboards.scenario import AFTER, BEFORE
from tests.task_worker import run_worker

DAY = datetime.timedelta(days=1)


class SnapshotProgressTestCase(scenario.ScenarioTestCase):
    def run_command(self, day, *args) -> str:
        out = StringIO()
        with on(day):
            call_command("snapshot_progress", *args, stdout=out)
        return out.getvalue()

    def test_it_keeps_the_days_figures_for_the_nation_provinces_and_districts(self):
        output = self.run_command(BEFORE)
        self.assertIn("มท ๐๘๐๖/ว ๓๑๓๗", output)
        kept = {(s.level, s.code): s for s in ProgressSnapshot.objects.filter(day=BEFORE)}
        self.assertEqual(
            set(kept),
            {
                ("nation", ""),
                ("province", "67"),
                ("province", "81"),
                ("district", "6701"),
                ("district", "6702"),
                ("district", "8104"),
            },
        )
        nation = kept["nation", ""]
        self.assertEqual(
            (
                nation.laos,
                nation.not_started,
                nation.in_progress,
                nation.returned,
                nation.submitted_on_time,
                nation.submitted_late,
                nation.approved,
            ),
            (9, 1, 2, 1, 2, 1, 2),
        )
        self.assertEqual(kept["district", "6701"].filled, 43)

    def test_it_is_idempotent_per_day_and_keeps_other_days(self):
        self.run_command(BEFORE)
        self.run_command(BEFORE)
        self.assertEqual(ProgressSnapshot.objects.filter(day=BEFORE).count(), 6)
        self.run_command(AFTER)
        self.assertEqual(ProgressSnapshot.objects.count(), 12)
        after = ProgressSnapshot.objects.get(day=AFTER, level="nation")
        self.assertEqual(after.overdue, 4)

    def test_no_running_round_and_unknown_rounds(self):
        self.assertIn("ไม่มีรอบการจัดเก็บ", self.run_command(datetime.date(2026, 1, 1)))
        with self.assertRaises(CommandError):
            self.run_command(BEFORE, "--round", "999")


class ProgressPageTestCase(scenario.ScenarioTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for day in (BEFORE - DAY, BEFORE, AFTER):
            with on(day):
                snapshots_take(day=day, rounds=[cls.round])

    def get(self, url, user=None, **params):
        return self.get_as(user or self.department, url, AFTER, params)

    def test_national_series_and_the_provinces_on_a_past_day(self):
        response = self.get("/national/progress/", day=BEFORE.isoformat())
        series = response.context["series"]
        self.assertEqual([s.day for s in series], [BEFORE - DAY, BEFORE, AFTER])
        self.assertEqual([s.overdue for s in series], [0, 0, 4])
        self.assertEqual(response.context["day"], BEFORE)
        rows = {code: s for code, _name, s in response.context["day_rows"]}
        self.assertEqual(set(rows), {"67", "81"})
        self.assertEqual(rows["67"].returned, 1)
        self.assertContains(response, f'data-day="{AFTER.isoformat()}"')

    def test_province_and_district_pages_are_scoped(self):
        response = self.get("/province/67/progress/", user=self.province_officer)
        self.assertEqual([code for code, _n, _s in response.context["day_rows"]], ["6701", "6702"])
        self.assertEqual(
            self.get("/province/67/progress/", user=self.other_province_officer).status_code, 404
        )
        response = self.get("/district/6701/progress/", user=self.district_officer)
        self.assertEqual(response.context["series"][-1].overdue, 3)
        self.assertEqual(
            self.get("/district/6701/progress/", user=self.other_district_officer).status_code, 404
        )
        self.assertEqual(
            self.get("/national/progress/", user=self.province_officer).status_code, 404
        )

    def test_the_burnup_draws_completeness_from_the_snapshots(self):
        response = self.get("/national/")
        self.assertContains(response, 'data-code="-completeness"')

    def test_download_of_the_series(self):
        content = b"".join(
            self.get(
                "/district/6701/progress/", user=self.district_officer, download="csv"
            ).streaming_content
        ).decode()
        self.assertIn("25 ธันวาคม 2567", content)


class SnapshotOnTheQueueTestCase(scenario.ScenarioTestCase):
    def test_enqueue_keeps_nothing_until_a_worker_runs_it(self):
        database = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        out = StringIO()
        with override_settings(TASKS=database), scenario.on(BEFORE):
            call_command("snapshot_progress", "--enqueue", stdout=out)
            self.assertFalse(ProgressSnapshot.objects.exists())
            run_worker()
        self.assertEqual(ProgressSnapshot.objects.filter(day=BEFORE).count(), 6)


class NoSnapshotYetTestCase(scenario.ScenarioTestCase):
    def test_an_officer_is_told_in_thai_without_a_command_name(self):
        self.login(self.district_officer)
        with on(AFTER):
            response = self.client.get("/district/6701/progress/")
        self.assertContains(response, "ยังไม่มีภาพรวมรายวันของรอบการจัดเก็บนี้")
        self.assertNotContains(response, "snapshot_progress")
