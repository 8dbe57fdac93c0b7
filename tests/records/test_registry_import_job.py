"""A registry file above the size limit imports in a worker; its page shows the outcome."""

from dataclasses import replace
from unittest import mock

from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from lgdata.models import Job
from records import tasks, uploads
from records.models import LAO
from tests.records.test_registry_import_view import (
    CONFIRM_URL,
    RegistryImportViewTestCase,
    ao_luek_rows,
    registry_row,
)
from tests.task_worker import run_worker

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class LargeRegistryImportTestCase(RegistryImportViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        # "Large" is three rows here.
        self.enterContext(mock.patch.object(tasks, "BACKGROUND_ROWS", 3))
        self.login(self.department)

    def confirm(self):
        token = self.upload(ao_luek_rows()).context["confirm_form"].initial["token"]
        response = self.client.post(CONFIRM_URL, {"token": token})
        job = Job.objects.get()
        self.assertRedirects(
            response,
            reverse("records:registry-import-job", args=[job.token]),
            fetch_redirect_response=False,
        )
        return job

    @override_settings(TASKS=DATABASE)
    def test_the_confirmation_enqueues_and_a_worker_imports(self):
        job = self.confirm()
        self.assertNothingImported()  # the request only enqueued
        page = self.client.get(reverse("records:registry-import-job", args=[job.token]))
        self.assertContains(page, 'data-testid="job-running"')
        self.assertContains(page, 'http-equiv="refresh"')

        run_worker()

        page = self.client.get(reverse("records:registry-import-job", args=[job.token]))
        self.assertContains(page, "Registry imported: 2 LAOs created, 0 updated")
        self.assertEqual(LAO.objects.get(code="5810501").display_name, "ทต.แหลมสัก")
        self.assertEqual(self.stored_uploads(), [])  # the kept file is gone once imported

    @override_settings(TASKS=DATABASE)
    def test_the_same_upload_cannot_be_confirmed_twice_while_it_waits(self):
        token = self.upload(ao_luek_rows()).context["confirm_form"].initial["token"]
        self.client.post(CONFIRM_URL, {"token": token})
        response = self.client.post(CONFIRM_URL, {"token": token}, follow=True)
        self.assertContains(response, "This upload has expired or was already imported.")
        self.assertEqual(DBTaskResult.objects.count(), 1)

    @override_settings(TASKS=IMMEDIATE)
    def test_a_failed_import_imports_nothing_and_can_be_retried(self):
        with mock.patch("records.registry._write", side_effect=RuntimeError("worker died")):
            job = self.confirm()
        url = reverse("records:registry-import-job", args=[job.token])
        page = self.client.get(url)
        self.assertContains(page, 'data-testid="job-failed"')
        self.assertNothingImported()

        response = self.client.post(reverse("records:registry-import-job-retry", args=[job.token]))
        self.assertRedirects(response, url, fetch_redirect_response=False)
        self.assertContains(self.client.get(url), "Registry imported: 2 LAOs created")

    @override_settings(TASKS=IMMEDIATE)
    def test_small_files_still_import_at_once(self):
        with mock.patch.object(tasks, "BACKGROUND_ROWS", 4):
            token = self.upload(ao_luek_rows()).context["confirm_form"].initial["token"]
            response = self.client.post(CONFIRM_URL, {"token": token}, follow=True)
        self.assertContains(response, "Registry imported: 2 LAOs created")
        self.assertFalse(Job.objects.exists())

    @override_settings(TASKS=DATABASE)
    def test_only_the_uploader_sees_the_job(self):
        job = self.confirm()
        url = reverse("records:registry-import-job", args=[job.token])
        retry = reverse("records:registry-import-job-retry", args=[job.token])
        for persona in ["clerk_a", "province_officer", "executive"]:
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.post(retry).status_code, 404)


@override_settings(TASKS=DATABASE)
class LargeRegistryUploadTestCase(RegistryImportViewTestCase):
    """A registry file above the size bound is not read in the request: a worker checks it (the
    preview), then the confirmed import is a task too."""

    def setUp(self) -> None:
        super().setUp()
        # "Large" is anything above 100 bytes here.
        self.enterContext(mock.patch.object(tasks, "REGISTRY_BACKGROUND_BYTES", 100))
        self.login(self.department)

    def check_page(self, job):
        return self.client.get(reverse("records:registry-import-check", args=[job.token]))

    def upload_large(self, rows):
        response = self.upload(rows)
        job = Job.objects.get(kind=tasks.PREVIEW_KIND)
        self.assertRedirects(
            response,
            reverse("records:registry-import-check", args=[job.token]),
            fetch_redirect_response=False,
        )
        return job

    def test_a_worker_previews_the_upload_then_a_worker_imports_it(self):
        job = self.upload_large(ao_luek_rows())
        page = self.check_page(job)
        self.assertContains(page, 'data-testid="job-running"')
        self.assertContains(page, 'http-equiv="refresh"')
        self.assertEqual(len(self.stored_uploads()), 1)  # kept for the worker

        run_worker()

        preview = self.check_page(job)
        self.assertTemplateUsed(preview, "records/registry_import_preview.html")
        self.assertEqual(preview.context["result"].created, 2)
        self.assertContains(preview, "ทต.แหลมสัก")
        self.assertNothingImported()  # a dry run
        token = preview.context["confirm_form"].initial["token"]
        self.assertTrue(token)

        response = self.client.post(CONFIRM_URL, {"token": token})
        commit = Job.objects.get(kind=tasks.KIND)
        self.assertRedirects(
            response,
            reverse("records:registry-import-job", args=[commit.token]),
            fetch_redirect_response=False,
        )
        self.assertNothingImported()  # the request only enqueued
        run_worker()
        page = self.client.get(reverse("records:registry-import-job", args=[commit.token]))
        self.assertContains(page, "Registry imported: 2 LAOs created, 0 updated")
        self.assertEqual(LAO.objects.get(code="5810501").display_name, "ทต.แหลมสัก")
        self.assertEqual(self.stored_uploads(), [])
        # Once confirmed, the preview no longer offers the confirmation.
        self.assertEqual(self.check_page(job).context["confirm_form"].initial["token"], "")

    def test_the_worker_reads_past_the_requests_time_within_its_own_bounds(self):
        no_time = replace(uploads.REGISTRY_BOUNDS, seconds=0)
        self.enterContext(mock.patch.object(uploads, "REGISTRY_BOUNDS", no_time))
        job = self.upload_large(ao_luek_rows())
        run_worker()
        self.assertEqual(self.check_page(job).context["result"].created, 2)

    def test_a_file_past_the_workers_bounds_is_refused_on_its_page(self):
        one_row = replace(uploads.REGISTRY_WORKER_BOUNDS, max_rows=1)
        self.enterContext(mock.patch.object(uploads, "REGISTRY_WORKER_BOUNDS", one_row))
        job = self.upload_large(ao_luek_rows())
        run_worker()
        page = self.check_page(job)
        self.assertContains(page, "more than 1 rows", status_code=422)
        self.assertContains(page, 'data-testid="job-refused"', status_code=422)
        self.assertEqual(self.stored_uploads(), [])
        self.assertNothingImported()

    def test_errors_are_capped_with_a_count_of_the_rest(self):
        bad = [registry_row(f"58{i:05d}", "อบต.", "ก", "ไม่มีตำบลนี้") for i in range(450)]
        job = self.upload_large(bad)
        run_worker()
        page = self.check_page(job)
        result = page.context["result"]
        self.assertEqual(len(result.errors), 200)
        self.assertEqual(result.errors.total, 450)  # one a row (an unknown subdistrict)
        self.assertContains(page, 'data-testid="issues-more"')
        self.assertEqual(page.context["confirm_form"].initial["token"], "")

    def test_a_workbook_that_cannot_be_one_is_refused_in_the_request(self):
        from tests.records.test_upload_bounds import zip_bomb

        response = self.post_file("registry.xlsx", zip_bomb(8 * 1024 * 1024))
        self.assertRefusedOnForm(response, "unpacks to more than the portal reads")
        self.assertFalse(Job.objects.exists())

    def test_only_the_uploader_sees_the_preview(self):
        job = self.upload_large(ao_luek_rows())
        run_worker()
        retry = reverse("records:registry-import-job-retry", args=[job.token])
        for persona in ["clerk_a", "province_officer", "executive"]:
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                self.assertEqual(self.check_page(job).status_code, 404)
                self.assertEqual(self.client.post(retry).status_code, 404)
