"""Background exports on the task queue: the progress page and who may see it, a real worker
run, a fresh client fetching the file, a worker that dies, and the retry."""

import datetime
import io
from unittest import mock

import openpyxl
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dashboards import export_jobs
from lgdata import jobs
from lgdata.models import Job
from tests.base import FilledTestCase, temporary_media
from tests.task_worker import run_worker

YEAR = 2568
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class ExportJobTestCase(FilledTestCase):
    def setUp(self) -> None:
        temporary_media(self)
        self.enterContext(mock.patch.object(export_jobs, "BACKGROUND_LAOS", 1))

    def start(self, user) -> str:
        self.login(user)
        response = self.client.get(
            reverse("exports:records"), {"format": "xlsx", "year": YEAR, "province": "67"}
        )
        self.assertEqual(response.status_code, 302)
        return response["Location"].rstrip("/").rsplit("/", 1)[1]

    def download_codes(self, client: Client, token: str) -> list[str]:
        response = client.get(reverse("exports:job-download", args=[token]))
        self.assertEqual(response.status_code, 200)
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        return [r[0] for r in book.worksheets[0].iter_rows(values_only=True) if r and r[0]]


@override_settings(TASKS=IMMEDIATE)
class BackgroundExportTestCase(ExportJobTestCase):
    """A large XLSX runs as a job; here "large" is one LAO and the job runs at once."""

    def test_the_job_shows_progress_and_offers_the_file_to_its_owner(self):
        token = self.start(self.province_officer)
        page = self.client.get(reverse("exports:job", args=[token]))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'data-testid="job-ready"')
        self.assertNotContains(page, 'http-equiv="refresh"')
        self.assertIn(self.lao_a.code, self.download_codes(self.client, token))

    def test_a_running_job_refreshes_itself(self):
        job = export_jobs.ExportJob(
            token="x" * 32,
            status="running",
            done=5,
            total=10,
            filename="a.xlsx",
            started_at=timezone.now(),
            filters={},
        )
        with mock.patch.object(export_jobs, "export_job_get", return_value=job):
            self.login(self.department)
            page = self.client.get(reverse("exports:job", args=[job.token]))
        self.assertContains(page, 'http-equiv="refresh"')
        self.assertContains(page, "50.0%")  # 5 of 10 LAOs written

    def test_nobody_else_may_see_or_fetch_the_file(self):
        token = self.start(self.province_officer)
        for user in (self.department, self.other_province_officer, self.clerk_a):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(
                    self.client.get(reverse("exports:job", args=[token])).status_code, 404
                )
                self.assertEqual(
                    self.client.get(reverse("exports:job-download", args=[token])).status_code,
                    404,
                )

    def test_a_malformed_token_is_not_found(self):
        self.login(self.department)
        self.assertEqual(self.client.get("/exports/jobs/..%2Fetc%2Fpasswd/").status_code, 404)


@override_settings(TASKS=DATABASE)
class ExportOnTheWorkerTestCase(ExportJobTestCase):
    """The web request only enqueues; a db_worker run writes the file; a new client (as after
    a web worker restart, or on another app server) finds it."""

    def test_the_worker_writes_the_file_a_fresh_client_downloads(self):
        token = self.start(self.province_officer)
        page = self.client.get(reverse("exports:job", args=[token]))
        self.assertContains(page, 'data-testid="job-queued"')
        self.assertContains(page, 'http-equiv="refresh"')

        run_worker()

        fresh = Client()
        fresh.force_login(self.province_officer)
        page = fresh.get(reverse("exports:job", args=[token]))
        self.assertContains(page, 'data-testid="job-ready"')
        self.assertIn(self.lao_a.code, self.download_codes(fresh, token))
        self.assertEqual(DBTaskResult.objects.get().status, "SUCCESSFUL")

    def test_a_second_export_while_one_waits_returns_the_same_job(self):
        first = self.start(self.province_officer)
        self.assertEqual(self.start(self.province_officer), first)
        self.assertEqual(Job.objects.count(), 1)

    def test_a_task_the_queue_reports_failed_shows_as_failed(self):
        token = self.start(self.province_officer)
        DBTaskResult.objects.update(status="FAILED")
        page = self.client.get(reverse("exports:job", args=[token]))
        self.assertContains(page, 'data-testid="job-failed"')
        self.assertNotContains(page, 'http-equiv="refresh"')

    def test_a_worker_that_died_mid_export_is_reported_and_can_be_retried(self):
        token = self.start(self.province_officer)
        # The worker took the task, then was killed: the row stays "running", progress stops.
        long_ago = timezone.now() - datetime.timedelta(seconds=jobs.STALE_SECONDS + 60)
        Job.objects.update(status="running", updated=long_ago)
        DBTaskResult.objects.update(status="RUNNING")
        self.client.cookies["django_language"] = "th"
        page = self.client.get(reverse("exports:job", args=[token]))
        self.assertContains(page, 'data-testid="job-failed"')
        self.assertContains(page, "ส่งออกหยุดก่อนเสร็จ")

        response = self.client.post(reverse("exports:job-retry", args=[token]))
        self.assertRedirects(response, reverse("exports:job", args=[token]))
        self.assertEqual(DBTaskResult.objects.filter(status="READY").count(), 1)
        run_worker()
        page = self.client.get(reverse("exports:job", args=[token]))
        self.assertContains(page, 'data-testid="job-ready"')
        self.assertIn(self.lao_a.code, self.download_codes(self.client, token))


@override_settings(TASKS=IMMEDIATE)
class ExportFailureTestCase(ExportJobTestCase):
    def test_a_failed_export_says_so_and_a_retry_runs_a_new_task(self):
        with mock.patch.object(export_jobs, "records_xlsx_write", side_effect=OSError("disk")):
            token = self.start(self.province_officer)
        page = self.client.get(reverse("exports:job", args=[token]))
        self.assertContains(page, 'data-testid="job-failed"')
        self.assertContains(page, 'data-testid="job-retry"')
        first_task = Job.objects.get().task_id

        self.client.post(reverse("exports:job-retry", args=[token]))
        job = Job.objects.get()
        self.assertNotEqual(job.task_id, first_task)
        self.assertEqual(job.status, "done")
        self.assertIn(self.lao_a.code, self.download_codes(self.client, token))

    def test_nobody_else_may_retry(self):
        with mock.patch.object(export_jobs, "records_xlsx_write", side_effect=OSError("disk")):
            token = self.start(self.province_officer)
        for user in (self.department, self.other_province_officer, self.clerk_a):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.post(reverse("exports:job-retry", args=[token]))
                self.assertEqual(response.status_code, 404)
        self.assertEqual(Job.objects.get().status, "failed")

    def test_a_retry_needs_a_post(self):
        token = self.start(self.province_officer)
        response = self.client.get(reverse("exports:job-retry", args=[token]))
        self.assertEqual(response.status_code, 405)
