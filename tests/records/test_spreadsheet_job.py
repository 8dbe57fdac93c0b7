"""A template above the size bound is read by a task worker, for its preview and for its
import; the request only checks the file cheaply and keeps it."""

from dataclasses import replace
from unittest import mock

from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lgdata.models import Job
from records import tasks, uploads
from records.models import ValueChange
from tests.records.test_spreadsheet import SpreadsheetTestCase
from tests.records.test_upload_bounds import sheet_xml, wide_row, workbook_with_sheet
from tests.task_worker import run_worker

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@override_settings(TASKS=DATABASE)
class LargeTemplateTestCase(SpreadsheetTestCase):
    def setUp(self) -> None:
        super().setUp()
        # "Large" is anything above 100 bytes here.
        self.enterContext(mock.patch.object(tasks, "TEMPLATE_BACKGROUND_BYTES", 100))

    def upload_large(self, data: bytes, kind: str = tasks.TEMPLATE_PREVIEW_KIND) -> Job:
        response = self.upload(data)
        job = Job.objects.get(kind=kind)
        self.assertRedirects(response, self.page_url(job), fetch_redirect_response=False)
        return job

    def page_url(self, job: Job) -> str:
        return reverse("records:spreadsheet-job", args=[job.token])

    def test_a_worker_previews_and_a_worker_imports(self):
        data = self.filled(self.clerk_a, {"population_male": 1250})
        job = self.upload_large(data)
        self.assertContains(self.client.get(self.page_url(job)), 'data-testid="job-running"')

        run_worker()

        preview = self.client.get(self.page_url(job))
        self.assertTemplateUsed(preview, "records/spreadsheet_preview.html")
        self.assertEqual(preview.context["result"].values_changed, 1)
        self.assertContains(preview, "1,250")
        self.assertEqual(self.entry(self.lao_a).values["population_male"], "1200")  # dry run

        response = self.confirm(preview)
        commit = Job.objects.get(kind=tasks.TEMPLATE_KIND)
        self.assertRedirects(response, self.page_url(commit), fetch_redirect_response=False)
        self.assertEqual(self.entry(self.lao_a).values["population_male"], "1200")  # enqueued

        run_worker()

        done = self.client.get(self.page_url(commit), follow=True)
        with translation.override("th"):
            message = _("Imported: %(values)s values changed in %(sections)s sections.")
        self.assertContains(done, message % {"values": 1, "sections": 1})
        self.assertEqual(self.entry(self.lao_a).values["population_male"], "1250")
        change = ValueChange.objects.get(record__lao=self.lao_a, source="import")
        self.assertEqual(change.changed_by, self.clerk_a)

    def test_a_bad_cell_is_shown_by_sheet_row_and_column_and_cannot_be_confirmed(self):
        job = self.upload_large(self.filled(self.clerk_a, {"population_male": "many"}))
        run_worker()
        preview = self.client.get(self.page_url(job))
        self.assertEqual(preview.status_code, 422)
        [error] = preview.context["result"].errors
        self.assertEqual(error.sheet, "ประชากร")
        self.assertEqual(preview.context["token"], "")

    def test_the_worker_reads_past_the_requests_time_within_its_own_bounds(self):
        no_time = replace(uploads.TEMPLATE_BOUNDS, seconds=0)
        self.enterContext(mock.patch.object(uploads, "TEMPLATE_BOUNDS", no_time))
        job = self.upload_large(self.filled(self.clerk_a, {"population_male": 1250}))
        run_worker()
        self.assertEqual(self.client.get(self.page_url(job)).context["result"].values_changed, 1)

    def test_a_sheet_too_large_is_refused_in_the_request_and_nothing_is_queued(self):
        self.login(self.clerk_a)
        response = self.upload(workbook_with_sheet(sheet_xml([wide_row(1_000)])))
        with translation.override("th"):
            message = str(uploads._sheet_too_large(uploads.TEMPLATE_BOUNDS))
        self.assertContains(response, message, status_code=422)
        self.assertFalse(Job.objects.exists())

    def test_a_worker_that_dies_leaves_nothing_and_the_job_can_be_retried(self):
        data = self.filled(self.clerk_a, {"population_male": 1250})
        job = self.upload_large(data)
        with mock.patch("records.spreadsheet._read_meta", side_effect=RuntimeError("died")):
            run_worker()
        page = self.client.get(self.page_url(job))
        self.assertContains(page, 'data-testid="job-failed"')
        retry = reverse("records:spreadsheet-job-retry", args=[job.token])
        self.assertRedirects(self.client.post(retry), self.page_url(job))
        run_worker()
        self.assertEqual(self.client.get(self.page_url(job)).context["result"].values_changed, 1)

    def test_only_the_uploader_sees_the_job(self):
        job = self.upload_large(self.filled(self.clerk_a, {"population_male": 1250}))
        retry = reverse("records:spreadsheet-job-retry", args=[job.token])
        for persona in ["clerk_b", "district_officer", "department"]:
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                self.assertEqual(self.client.get(self.page_url(job)).status_code, 404)
                self.assertEqual(self.client.post(retry).status_code, 404)
