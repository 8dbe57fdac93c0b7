"""A large XLSX records export runs as a task in a worker process and is fetched when done.

From ``BACKGROUND_LAOS`` LAOs up, the web export starts a job (``lgdata.jobs``) instead of
answering at once: the task ``dashboards.tasks.records_export`` runs in ``manage.py db_worker``,
works out the scope again with the user's rights of the moment, writes the workbook
(``export_writers.records_xlsx_write``) and saves it through Django's storage API as
``exports/<token>.xlsx``. Progress, result and failure are in the job's row in the database, so
any app server shows the page and serves the file, and a web worker's restart loses nothing.
Only the user who started a job may see, retry or fetch it; a user has at most one export
waiting or running; finished files are removed after a day.
"""

from __future__ import annotations

import datetime
import tempfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import translation

from dashboards import tasks
from dashboards.export_scope import export_scope
from dashboards.export_writers import records_xlsx_write
from lgdata import jobs
from lgdata.models import Job
from records.completeness import percent

if TYPE_CHECKING:
    from accounts.models import User

# From this many LAOs up, an XLSX export from the web runs in the background.
BACKGROUND_LAOS = settings.EXPORT_BACKGROUND_LAOS
KIND = "records-export"


@dataclass
class ExportJob:
    """A background export as its page shows it."""

    token: str
    status: str  # "queued", "running", "done" or "failed"
    done: int
    total: int
    filename: str
    started_at: datetime.datetime
    filters: dict[str, str]
    file: str = ""  # its name in the storage, once written

    @property
    def percent(self) -> float:
        return percent(self.done, self.total) if self.total else 0.0

    @property
    def ready(self) -> bool:
        return self.status == Job.Status.DONE and bool(self.file)

    @property
    def waiting(self) -> bool:
        return self.status in (Job.Status.QUEUED, Job.Status.RUNNING)

    @classmethod
    def of(cls, job: Job) -> ExportJob:
        return cls(
            token=job.token,
            status=job.status,
            done=job.done,
            total=job.total,
            filename=job.params.get("filename", "records.xlsx"),
            started_at=job.created,
            filters=job.params.get("filters", {}),
            file=job.result.get("file", ""),
        )


def export_job_get(token: str, *, user: User) -> ExportJob | None:
    """The job named by the token if the user started it (anyone else gets None), with a job
    whose worker died reported as failed."""
    job = jobs.job_get(token, user=user, kind=KIND)
    return ExportJob.of(job) if job is not None else None


def export_job_open(job: ExportJob):
    """The finished file, opened for reading from the storage."""
    return default_storage.open(job.file, "rb")


def _remove_old_jobs() -> None:
    for old in jobs.jobs_old(kind=KIND):
        if old.result.get("file"):
            default_storage.delete(old.result["file"])
        old.delete()


def export_job_start(*, user: User, language: str, where: dict[str, Any]) -> ExportJob:
    """Starts (or, if the user already has one waiting or running, returns) a background XLSX
    export of the scope ``where`` names (``export_scope``'s province, district, lao and year).
    """
    waiting = Job.objects.using("default").filter(
        user=user, kind=KIND, status__in=["queued", "running"]
    )
    for job in waiting:
        job.status = jobs.job_status(job)
        if job.status != Job.Status.FAILED:
            return ExportJob.of(job)
    _remove_old_jobs()
    scope = export_scope(user=user, language=language, **where)
    params = {
        "where": where,
        "language": language,
        "filename": f"{scope.filename}.xlsx",
        "filters": scope.filters,
    }
    job = jobs.job_start(
        kind=KIND, user=user, task=tasks.records_export, params=params, total=scope.laos.count()
    )
    return ExportJob.of(job)


def export_job_retry(token: str, *, user: User) -> ExportJob | None:
    """Runs the user's failed export again as a new task."""
    job = jobs.job_get(token, user=user, kind=KIND)
    if job is None:
        return None
    return ExportJob.of(jobs.job_retry(job, task=tasks.records_export))


def export_job_work(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """The task's work: the workbook, written to a temporary file and saved to the storage."""
    language = job.params["language"]
    with translation.override(language):
        scope = export_scope(user=job.user, language=language, **job.params["where"])
        with tempfile.TemporaryFile() as target:
            count = records_xlsx_write(scope, target, language=language, on_progress=progress)
            target.seek(0)
            name = default_storage.save(f"exports/{job.token}.xlsx", File(target))
    return {"file": name, "laos": count}
