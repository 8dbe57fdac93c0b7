"""A registry file above the size limit imports in a worker; its page shows the outcome."""

from unittest import mock

from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from lgdata.models import Job
from records import tasks
from records.models import LAO
from tests.records.test_registry_import_view import (
    CONFIRM_URL,
    RegistryImportViewTestCase,
    ao_luek_rows,
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
