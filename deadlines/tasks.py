"""The deadlines app's background task (Django's tasks API; see lgdata/jobs.py for why): a
reminder run, for ``manage.py send_reminders --enqueue``. The cron command can still run it
itself; as a task it runs in a worker (``manage.py db_worker``) and its outcome is kept in the
queue's table, where any server can read it."""

from __future__ import annotations

import datetime

from django_tasks import task


@task()
def send_reminders(day: str, dry_run: bool = False) -> dict:
    """Sends the reminders of that day (ISO date); fails, as the command does, when an e-mail
    could not be sent (the notices are stored either way)."""
    from deadlines.reminders import reminders_send

    summary = reminders_send(today=datetime.date.fromisoformat(day), dry_run=dry_run)
    if summary.failed:
        raise RuntimeError(f"{len(summary.failed)} reminder e-mail(s) could not be sent")
    return {
        "day": day,
        "dry_run": dry_run,
        "notices": len(summary.notices),
        "emails_sent": summary.emails_sent,
    }
