"""The records app's background tasks (Django's tasks API; see lgdata/jobs.py for why), run by a
worker (``manage.py db_worker``), never in a request:

- a registry upload above ``REGISTRY_BACKGROUND_BYTES`` is checked (the dry run) by a worker,
  and so is its confirmed import, as is any confirmed import of ``BACKGROUND_ROWS`` rows;
- a template upload above ``TEMPLATE_BACKGROUND_BYTES`` likewise, preview and import.

The request only checks what is cheap (the file's kind, a workbook's zip and sheet sizes, a
CSV's header: ``registry_precheck``, ``template_precheck``), keeps the upload through the
storage API (records/uploads.py) and starts a job; the worker reads it within its own bounds
(``uploads.REGISTRY_WORKER_BOUNDS``, ``uploads.TEMPLATE_WORKER_BOUNDS``: the same sizes and rows,
a longer time), and keeps the outcome in the job's row (problems capped) for the page to show.
A file the worker refuses is a finished job with the refusal's message, not a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import translation
from django_tasks import task

from lgdata import jobs
from lgdata.models import Job

KIND = "registry-import"
PREVIEW_KIND = "registry-preview"
TEMPLATE_PREVIEW_KIND = "template-preview"
TEMPLATE_KIND = "template-import"
# From this many rows up, a confirmed registry import runs as a task and the user watches its
# page; smaller files import at once, within the request.
BACKGROUND_ROWS = settings.REGISTRY_IMPORT_BACKGROUND_ROWS
# From these sizes up, an upload is read by a worker, not in the request. The national registry
# (15.5 MB as CSV, 4.8 MB as XLSX) is far above; a province's rows (~1 MB as CSV) just under,
# read in a request within 1-2 s. A template of one LAO and every section is ~30 KB and reads
# in about a second; one of a district's 100 LAOs (0.17 MB) takes 1.5-5 s.
REGISTRY_BACKGROUND_BYTES = 1024 * 1024
TEMPLATE_BACKGROUND_BYTES = 64 * 1024
# The errors a job keeps to show (a changed database can make every row an error).
KEEP_ERRORS = 200


@task()
def import_job(job_id: int) -> dict[str, Any]:
    """Every upload's job, preview or import: the work of its kind (``WORK``)."""
    return jobs.job_run(job_id, lambda job, progress: WORK[job.kind](job, progress))


# The task of each kind, to start or retry a job: one task, its job's kind says what it does.
TASKS = dict.fromkeys((KIND, PREVIEW_KIND, TEMPLATE_PREVIEW_KIND, TEMPLATE_KIND), import_job)


def _refusable(job: Job, work: Callable[[bytes], dict[str, Any]]) -> dict[str, Any]:
    """Runs ``work`` on the kept upload in the uploader's language; a file refused on reading
    (``UploadError``) is an outcome to show, ``{"refused": message}``, and its upload is gone."""
    from records import uploads

    data = uploads.kept_read(job.params["upload"])
    if data is None:
        raise FileNotFoundError("the kept upload is gone")
    with translation.override(job.params.get("language", "th")):
        try:
            return work(data)
        except uploads.UploadError as refusal:
            uploads.kept_delete(job.params["upload"])
            return {"ok": False, "refused": str(refusal)}


def _registry_run(job: Job, progress: jobs.Progress, data: bytes, *, commit: bool):
    """The registry import (or its dry run) of the kept upload. The file is read within the
    worker's bounds before (outside) the import's transaction: its progress reports are then
    seen by the page at once, and the reading, the long part, holds no lock in the database."""
    from records import registry, uploads

    result = registry.registry_import(
        data=registry.registry_read(data, uploads.REGISTRY_WORKER_BOUNDS, progress),
        filename=job.params["filename"],
        commit=commit,
        by=job.user,
    )
    progress(result.rows, result.rows)
    return result


def registry_import_work(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """Imports the kept upload, all or nothing, exactly as the synchronous confirmation does;
    the upload is deleted once imported (kept for a retry otherwise)."""
    from records import uploads

    def work(data: bytes) -> dict[str, Any]:
        result = _registry_run(job, progress, data, commit=True)
        if result.ok:
            uploads.kept_delete(job.params["upload"])
        return {
            "ok": result.ok,
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "errors": [str(issue) for issue in result.errors[:KEEP_ERRORS]],
            "error_count": result.errors.total,
        }

    return _refusable(job, work)


def registry_preview_work(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """The dry run of a large registry upload; the upload stays kept for its confirmation."""

    def work(data: bytes) -> dict[str, Any]:
        result = _registry_run(job, progress, data, commit=False)
        return {"ok": result.ok, "result": result.as_json()}

    return _refusable(job, work)


def _template_work(job: Job, progress: jobs.Progress, *, commit: bool) -> dict[str, Any]:
    from records import spreadsheet, uploads

    def work(data: bytes) -> dict[str, Any]:
        result = spreadsheet.template_import(
            data=data,
            by=job.user,
            commit=commit,
            bounds=uploads.TEMPLATE_WORKER_BOUNDS,
            progress=progress,
        )
        if commit:  # imported or refused, this upload is done with (as in the request)
            uploads.kept_delete(job.params["upload"])
        return {"ok": result.ok, "result": result.as_json()}

    return _refusable(job, work)


def template_preview_work(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """The dry run of a large template upload; the upload stays kept for its confirmation."""
    return _template_work(job, progress, commit=False)


def template_import_work(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """The confirmed import of a large template, all or nothing."""
    return _template_work(job, progress, commit=True)


# What a worker does for each kind of job.
WORK: dict[str, jobs.Work] = {
    KIND: registry_import_work,
    PREVIEW_KIND: registry_preview_work,
    TEMPLATE_PREVIEW_KIND: template_preview_work,
    TEMPLATE_KIND: template_import_work,
}
