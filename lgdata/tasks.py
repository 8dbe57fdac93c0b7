"""The wiring layer's periodic task: old jobs and their files go (``manage.py delete_old_jobs
--enqueue`` hands a run to a worker; cron starts it daily, see README "Cron on a server")."""

from django_tasks import task

from lgdata import jobs


@task()
def delete_old_jobs(days: float) -> list[int]:
    return list(jobs.jobs_delete_old(days=days))
