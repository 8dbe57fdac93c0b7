"""A large XLSX records export runs in the background and is fetched when it is done.

From ``BACKGROUND_LAOS`` LAOs up, the web export starts a job instead of answering at once: a
thread writes ``MEDIA_ROOT/exports/<token>.xlsx`` (``export_writers.records_xlsx_write``) and
keeps a progress file ``<token>.json`` beside it, which the progress page reads. Only the user
who started a job may see or fetch it; a user has at most one job running; finished files are
removed after a day.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection

from dashboards.export_scope import ExportScope
from dashboards.export_writers import records_xlsx_write
from records.completeness import percent

if TYPE_CHECKING:
    from accounts.models import User

# From this many LAOs up, an XLSX export from the web runs in the background.
BACKGROUND_LAOS = 2000
# A job whose progress file has not moved for this long died with its worker process.
JOB_STALE_SECONDS = 15 * 60
# Finished files are kept this long, then removed when the next job starts.
JOB_KEEP_SECONDS = 24 * 60 * 60
logger = logging.getLogger(__name__)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _jobs_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "exports"


def _job_file(token: str) -> Path | None:
    if not _TOKEN.fullmatch(token or ""):
        return None
    return _jobs_dir() / f"{token}.json"


def _write_json(path: Path, state: dict) -> None:
    """Replaces the progress file in one step, so a reader never sees half of it."""
    partial = path.with_suffix(".json.part")
    partial.write_text(json.dumps(state), encoding="utf-8")
    os.replace(partial, path)


@dataclass
class ExportJob:
    """A background export as its progress file tells it."""

    token: str
    user_id: int
    status: str  # "running", "done" or "failed"
    done: int
    total: int
    filename: str
    started: float
    updated: float
    filters: dict[str, str]

    @property
    def percent(self) -> float:
        return percent(self.done, self.total) if self.total else 0.0

    @property
    def path(self) -> Path:
        return _jobs_dir() / f"{self.token}.xlsx"

    @property
    def started_at(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.started, tz=datetime.UTC)

    @property
    def ready(self) -> bool:
        return self.status == "done" and self.path.is_file()


def export_job_get(token: str, *, user: User) -> ExportJob | None:
    """The job named by the token if the user started it (anyone else gets None), with a job
    whose worker died while running reported as failed."""
    path = _job_file(token)
    if path is None or not path.is_file():
        return None
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if state.get("user_id") != user.pk:
        return None
    job = ExportJob(token=token, **state)
    if job.status == "running" and time.time() - job.updated > JOB_STALE_SECONDS:
        job.status = "failed"
    return job


def _running_job_of(user: User) -> ExportJob | None:
    directory = _jobs_dir()
    if not directory.is_dir():
        return None
    for path in directory.glob("*.json"):
        job = export_job_get(path.stem, user=user)
        if job is not None and job.status == "running":
            return job
    return None


def _remove_old_jobs() -> None:
    cutoff = time.time() - JOB_KEEP_SECONDS
    for path in _jobs_dir().glob("*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def _in_background(target: Callable[[], None]) -> None:
    """Runs the export in a thread of its own, with its own database connection, closed at the
    end. Tests replace this to run the job at once."""

    def run() -> None:
        try:
            target()
        finally:
            connection.close()

    threading.Thread(target=run, name="record-export", daemon=True).start()


def export_job_start(*, scope: ExportScope, user: User, language: str) -> ExportJob:
    """Starts (or, if the user already has one running, returns) a background XLSX export.

    The thread writes MEDIA_ROOT/exports/<token>.xlsx and keeps <token>.json up to date with
    the number of LAOs written; files older than a day are removed on the way.
    """
    running = _running_job_of(user)
    if running is not None:
        return running
    directory = _jobs_dir()
    directory.mkdir(parents=True, exist_ok=True)
    _remove_old_jobs()
    token = secrets.token_urlsafe(24)
    progress_path = directory / f"{token}.json"
    now = time.time()
    state = {
        "user_id": user.pk,
        "status": "running",
        "done": 0,
        "total": scope.laos.count(),
        "filename": f"{scope.filename}.xlsx",
        "started": now,
        "updated": now,
        "filters": scope.filters,
    }
    _write_json(progress_path, state)

    def progress(done: int, total: int) -> None:
        state.update(done=done, total=total, updated=time.time())
        _write_json(progress_path, state)

    def work() -> None:
        from django.utils import translation

        partial = directory / f"{token}.xlsx.part"
        try:
            with translation.override(language):
                records_xlsx_write(scope, partial, language=language, on_progress=progress)
            os.replace(partial, directory / f"{token}.xlsx")
            state["status"] = "done"
        except Exception:
            logger.exception("record export %s failed", token)
            state["status"] = "failed"
            partial.unlink(missing_ok=True)
        finally:
            state["updated"] = time.time()
            _write_json(progress_path, state)

    _in_background(work)
    return ExportJob(token=token, **state)
