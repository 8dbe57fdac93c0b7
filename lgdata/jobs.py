"""Background jobs: work a person starts from a page and comes back to (an export, a large
import), run as tasks in worker processes, never in a request or a thread of a web worker.

Why Django's tasks API (the ``django-tasks`` backport) on its database backend
(``django-tasks-db``) and not Celery: there is no broker to run and watch — the queue is a table
in the database the portal already has (SQLite for the embedded default; PostgreSQL, where
workers take tasks with ``SELECT … FOR UPDATE SKIP LOCKED`` so many can run side by side) —
and the code uses Django's own API (``@task``, ``.enqueue()``), which Django 6 ships, so the
backport goes away without touching a task. Workers run ``manage.py db_worker``
(docs/DEPLOYMENT.md).

A job is a row (``lgdata.models.Job``) and a task. The task calls ``job_run``, which marks the
row running, lets the work report progress, and keeps the result or the failure in the row:
every app server reads the same state. Files a job makes go through Django's storage API. A
worker killed mid-task cannot say so: a running job whose progress has not moved for
``STALE_SECONDS`` reads as failed, as does one the queue reports failed. A failed job can be
retried, which enqueues a new task for the same row.

Old jobs go with the files they own (``jobs_delete_old``, ``manage.py delete_old_jobs``): the
file a job made is named in its result (``result["file"]``), the files it was given in its
params (``params["files"]``), all through the storage API.
"""

from __future__ import annotations

import datetime
import logging
import re
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.files.storage import default_storage
from django.utils import timezone

from lgdata.models import Job

if TYPE_CHECKING:
    from django_tasks import Task

# A running job whose progress has not moved for this long died with its worker.
STALE_SECONDS = 15 * 60
# Finished jobs (and their files) are kept this long.
KEEP_SECONDS = 24 * 60 * 60
# Progress is written at most this often, so a fast loop does not write a row per item.
PROGRESS_EVERY_SECONDS = 1.0
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Work = Callable[[Job, Progress], dict[str, Any]]


def _enqueue(job: Job, task: Task) -> None:
    result = task.enqueue(job.pk)
    # Only the task id: with the immediate backend (tests) the task has already run and
    # written its status, which must not be overwritten.
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))


def job_start(*, kind: str, user, task: Task, params: dict, total: int = 0) -> Job:
    """Creates the job's row and enqueues its task; returns the row as it is now."""
    job = Job.objects.create(
        token=secrets.token_urlsafe(24), kind=kind, user=user, params=params, total=total
    )
    _enqueue(job, task)
    job.refresh_from_db()
    return job


def job_retry(job: Job, *, task: Task) -> Job:
    """Runs a failed job again as a new task; a job that is not failed is left alone."""
    if job_status(job) != Job.Status.FAILED:
        return job
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.QUEUED, done=0, result={}, updated=timezone.now()
    )
    _enqueue(job, task)
    job.refresh_from_db()
    return job


def job_get(token: str, *, user, kind: str | tuple[str, ...]) -> Job | None:
    """The job of that token and kind (or one of those kinds) if this user started it (anyone
    else gets None)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    kinds = (kind,) if isinstance(kind, str) else kind
    # The primary, never a replica (lgdata/replica.py): a job just started must be found.
    job = Job.objects.using("default").filter(token=token, user=user, kind__in=kinds).first()
    if job is not None:
        job.status = job_status(job)
    return job


def job_status(job: Job) -> str:
    """The stored status, corrected for a worker that died: a running job without progress for
    ``STALE_SECONDS``, or a job whose task the queue reports failed, has failed."""
    if job.status not in (Job.Status.QUEUED, Job.Status.RUNNING):
        return job.status
    stale = timezone.now() - datetime.timedelta(seconds=STALE_SECONDS)
    if job.status == Job.Status.RUNNING and job.updated < stale:
        return Job.Status.FAILED
    if job.task_id and _queue_says_failed(job.task_id):
        return Job.Status.FAILED
    return job.status


def _queue_says_failed(task_id: str) -> bool:
    from django_tasks import TaskResultStatus, default_task_backend
    from django_tasks.exceptions import TaskResultDoesNotExist

    if not default_task_backend.supports_get_result:
        return False
    try:
        result = default_task_backend.get_result(task_id)
    except TaskResultDoesNotExist:
        return False
    return result.status == TaskResultStatus.FAILED


def job_run(job_id: int, work: Work) -> dict[str, Any]:
    """Runs ``work(job, progress)`` for the job (inside its task) and keeps its result, or marks
    the job failed and re-raises so the queue records the failure too."""
    job = Job.objects.select_related("user").get(pk=job_id)
    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING, done=0, updated=timezone.now())
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_SECONDS or done >= total:
            last = now
            Job.objects.filter(pk=job_id).update(done=done, total=total, updated=timezone.now())

    try:
        result = work(job, progress)
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job_id).update(status=Job.Status.FAILED, updated=timezone.now())
        raise
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.DONE, result=result, updated=timezone.now()
    )
    return result


def jobs_old(*, kind: str) -> list[Job]:
    """Jobs of this kind finished (or started) more than ``KEEP_SECONDS`` ago, for removal with
    whatever files they made."""
    cutoff = timezone.now() - datetime.timedelta(seconds=KEEP_SECONDS)
    return list(Job.objects.filter(kind=kind, updated__lt=cutoff))


def job_files(job: Job) -> list[str]:
    """The storage names of the files a job owns: the one it made and the ones it was given."""
    made = job.result.get("file") if isinstance(job.result, dict) else None
    return [name for name in [made, *job.params.get("files", [])] if name]


def jobs_delete_old(*, days: float) -> tuple[int, int]:
    """Deletes the jobs last changed more than ``days`` days ago, with their files: finished,
    failed, or abandoned by a dead worker (``job_status``); a job still waiting or running is
    kept. Returns (jobs deleted, files deleted)."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    deleted_jobs = deleted_files = 0
    for job in Job.objects.using("default").filter(updated__lt=cutoff).iterator():
        if job_status(job) in (Job.Status.QUEUED, Job.Status.RUNNING):
            continue
        for name in job_files(job):
            if default_storage.exists(name):
                default_storage.delete(name)
                deleted_files += 1
        job.delete()
        deleted_jobs += 1
    return deleted_jobs, deleted_files
