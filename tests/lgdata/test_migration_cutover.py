"""Merged migrations (lgdata/migration_cutover.py, docs/DEPLOYMENT.md "Merged migrations").

The test database was migrated by the merged migrations, which record the names of the
originals they replace: its migration table reads as that of a database migrated by the
originals, which is what an upgraded deployment has.
"""

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.test import TestCase

from lgdata.migration_cutover import stopped_part_way
from records.models import Province

MERGED = {
    ("accounts", "0002_squashed_0003_security_event"): ["0002_initial", "0003_security_event"],
    ("deadlines", "0001_squashed_0005_rollup_stamps"): [
        "0001_initial",
        "0002_reminder_workflow_notices",
        "0003_supervision_by_lao_type",
        "0004_progress_rollups",
        "0005_rollup_stamps",
    ],
    ("records", "0001_squashed_0006_field_gap_rollups"): [
        "0001_initial",
        "0002_load_geography",
        "0003_record_schema",
        "0004_key_figure_rollups",
        "0005_dashboard_indexes",
        "0006_field_gap_rollups",
    ],
}


class MigrationCutoverTestCase(TestCase):
    def recorded(self) -> set[tuple[str, str]]:
        return set(MigrationRecorder.Migration.objects.values_list("app", "name"))

    def test_a_database_migrated_by_the_originals_has_nothing_left_to_apply(self):
        originals = {(app, name) for (app, _), names in MERGED.items() for name in names}
        self.assertLessEqual(originals, self.recorded())
        executor = MigrationExecutor(connection)
        for key in MERGED:
            self.assertIn(key, executor.loader.applied_migrations)
        self.assertEqual(executor.migration_plan(executor.loader.graph.leaf_nodes()), [])
        self.assertEqual(stopped_part_way(), [])

    def test_the_merged_migration_loads_the_geography(self):
        self.assertEqual(Province.objects.count(), 77)
        self.assertEqual(Province.objects.get(code="67").name_th, "เพชรบูรณ์")

    def test_a_database_stopped_part_way_is_refused_before_anything_changes(self):
        MigrationRecorder.Migration.objects.filter(
            app="records", name__in=["0005_dashboard_indexes", "0006_field_gap_rollups"]
        ).delete()
        before = self.recorded()
        self.assertEqual(
            stopped_part_way(),
            [
                "records.0001_squashed_0006_field_gap_rollups "
                "(not applied: 0005_dashboard_indexes, 0006_field_gap_rollups)"
            ],
        )
        with self.assertRaisesMessage(CommandError, "Upgrade it first with release 00f8c8d"):
            call_command("migrate", verbosity=0, interactive=False)
        self.assertEqual(self.recorded(), before)
        self.assertEqual(Province.objects.count(), 77)
