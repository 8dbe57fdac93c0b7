"""``manage.py delete_old_jobs``: old jobs go with the files they own; jobs still waiting or
running, and recent ones, stay."""

import datetime
import io
import shutil
import tempfile

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from accounts.models import Role
from lgdata.models import Job
from tests.factories import make_user
from tests.task_worker import run_worker

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class DeleteOldJobsTestCase(TestCase):
    def setUp(self) -> None:
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media))
        self.user = make_user("exporter", Role.DEPARTMENT)

    def job(self, name: str, *, status: str, days_old: float, files: bool = True) -> Job:
        made = default_storage.save(f"exports/{name}.xlsx", ContentFile(b"PK")) if files else ""
        given = default_storage.save(f"imports/{name}.upload", ContentFile(b"x")) if files else ""
        job = Job.objects.create(
            token=name + "x" * 24,
            kind="records-export",
            user=self.user,
            status=status,
            params={"files": [given] if given else []},
            result={"file": made} if made else {},
        )
        Job.objects.filter(pk=job.pk).update(
            updated=timezone.now() - datetime.timedelta(days=days_old)
        )
        return job

    def remaining(self) -> set[str]:
        return {token[:-24] for token in Job.objects.values_list("token", flat=True)}

    def stored(self) -> set[str]:
        return set(default_storage.listdir("exports")[1]) | set(
            default_storage.listdir("imports")[1]
        )

    def test_old_jobs_go_with_their_files_and_the_rest_stay(self):
        self.job("done", status=Job.Status.DONE, days_old=8)
        self.job("failed", status=Job.Status.FAILED, days_old=30)
        self.job("dead", status=Job.Status.RUNNING, days_old=9)  # its worker died long ago
        self.job("recent", status=Job.Status.DONE, days_old=2)
        self.job("waiting", status=Job.Status.QUEUED, days_old=8, files=False)
        out = io.StringIO()
        call_command("delete_old_jobs", "--days", "7", stdout=out)
        self.assertEqual(self.remaining(), {"recent", "waiting"})
        self.assertEqual(self.stored(), {"recent.xlsx", "recent.upload"})
        self.assertIn("3", out.getvalue())

    def test_a_missing_file_does_not_stop_the_clean_up(self):
        job = self.job("gone", status=Job.Status.DONE, days_old=8)
        default_storage.delete(job.result["file"])
        call_command("delete_old_jobs", "--days", "7", stdout=io.StringIO())
        self.assertEqual(self.remaining(), set())

    @override_settings(TASKS=DATABASE)
    def test_the_clean_up_runs_as_a_task_for_a_worker(self):
        self.job("done", status=Job.Status.DONE, days_old=8)
        call_command("delete_old_jobs", "--days", "7", "--enqueue", stdout=io.StringIO())
        self.assertEqual(self.remaining(), {"done"})  # only queued
        run_worker()
        self.assertEqual(self.remaining(), set())
        self.assertEqual(self.stored(), set())
