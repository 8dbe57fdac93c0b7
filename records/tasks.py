"""The records app's background task (Django's tasks API; see lgdata/jobs.py for why): a large
registry import, confirmed on the web and run by a worker (``manage.py db_worker``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_tasks import task

from lgdata import jobs
from lgdata.models import Job

KIND = "registry-import"
# From this many rows up, a confirmed registry import runs as a task and the user watches its
# page; smaller files import at once, within the request.
BACKGROUND_ROWS = settings.REGISTRY_IMPORT_BACKGROUND_ROWS
# The errors a job keeps to show (a changed database can make every row an error).
KEEP_ERRORS = 200


@task()
def registry_import(job_id: int) -> dict[str, Any]:
    return jobs.job_run(job_id, registry_import_work)


def registry_import_work(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """Imports the kept upload, all or nothing, exactly as the synchronous confirmation does;
    the upload is deleted once imported (kept for a retry otherwise)."""
    from django.utils import translation

    from records import registry, uploads

    data = uploads.kept_read(job.params["upload"])
    if data is None:
        raise FileNotFoundError("the kept registry upload is gone")
    with translation.override(job.params.get("language", "th")):
        result = registry.registry_import(
            data=data, filename=job.params["filename"], commit=True, by=job.user
        )
        errors = [str(issue) for issue in result.errors[:KEEP_ERRORS]]
    progress(result.rows, result.rows)
    if result.ok:
        uploads.kept_delete(job.params["upload"])
    return {
        "ok": result.ok,
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "errors": errors,
        "error_count": len(result.errors),
    }
