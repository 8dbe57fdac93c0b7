"""The dashboards' background tasks (Django's tasks API; see lgdata/jobs.py for why): the
large records export and the daily progress snapshot. Workers run them (``manage.py
db_worker``); nothing here runs in a web request."""

from __future__ import annotations

from django_tasks import task

from lgdata import jobs


@task()
def records_export(job_id: int) -> dict:
    """A background XLSX export (``dashboards.export_jobs``)."""
    from dashboards.export_jobs import export_job_work
    from lgdata.replica import replica_reads

    def work(job, progress):
        # The export's own reads may come from a replica, as on the web (lgdata/replica.py).
        with replica_reads():
            return export_job_work(job, progress)

    return jobs.job_run(job_id, work)


@task()
def snapshot_progress(round_ids: list[int] | None = None) -> list[dict]:
    """Today's snapshot of the running rounds (``manage.py snapshot_progress --enqueue``)."""
    from django.utils import timezone

    from dashboards.snapshots import snapshots_take
    from deadlines.models import Round

    rounds = None
    if round_ids:
        rounds = list(Round.objects.filter(pk__in=round_ids).select_related("circular"))
    day = timezone.localdate()
    taken = snapshots_take(day=day, rounds=rounds)
    return [{"round": item.round.pk, "rows": item.rows, "day": day.isoformat()} for item in taken]
