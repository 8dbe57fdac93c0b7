"""Runs the real task worker (``manage.py db_worker``) in the test's process until the queue
is empty."""

from unittest import mock

from django.core.management import call_command


def run_worker() -> None:
    # The worker closes "old" connections between tasks; inside a test's transaction that
    # would close the test's own connection on PostgreSQL, so it is kept open here.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
