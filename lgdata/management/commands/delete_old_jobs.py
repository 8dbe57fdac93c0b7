from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lgdata import jobs


class Command(BaseCommand):
    help = _(
        "Deletes background jobs (exports, imports) last changed more than N days ago, with "
        "their files; jobs still waiting or running are kept."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=float, default=7.0, help=_("Age in days (default 7)."))
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help=_("Put the run on the task queue for a worker (manage.py db_worker) and return."),
        )

    def handle(self, *args, days: float, enqueue: bool, **options) -> None:
        if days < 0:
            raise CommandError(_("--days cannot be negative."))
        if enqueue:
            from lgdata.tasks import delete_old_jobs

            result = delete_old_jobs.enqueue(days)
            self.stdout.write(
                _("The clean-up is queued for a worker (task %(id)s).") % {"id": result.id}
            )
            return
        deleted, files = jobs.jobs_delete_old(days=days)
        self.stdout.write(
            _("%(jobs)s old jobs and %(files)s of their files deleted.")
            % {"jobs": deleted, "files": files}
        )
