"""manage.py snapshot_progress: today's figures of every running round, kept for the dashboards'
"progress over time". Run it daily from cron, late in the day:

    55 23 * * *  cd /srv/lgdata && .venv/bin/python manage.py snapshot_progress
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboards.snapshots import snapshots_take
from deadlines.models import Round


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Counts every running round (nation, provinces, districts) and keeps the figures as "
            "today's snapshot. Idempotent: a second run the same day replaces today's figures."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--round",
            type=int,
            action="append",
            help=_("Only this round (its id); may be given more than once."),
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help=_("Put the run on the task queue for a worker (manage.py db_worker) and return."),
        )

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        rounds = None
        if options["round"]:
            rounds = list(Round.objects.filter(pk__in=options["round"]).select_related("circular"))
            missing = set(options["round"]) - {r.pk for r in rounds}
            if missing:
                raise CommandError(
                    _("No round with id %(ids)s.") % {"ids": ", ".join(map(str, sorted(missing)))}
                )
        if options.get("enqueue"):
            from dashboards.tasks import snapshot_progress

            result = snapshot_progress.enqueue(options["round"])
            self.stdout.write(
                _("The snapshot for %(day)s is queued for a worker (task %(id)s).")
                % {"day": today.isoformat(), "id": result.id}
            )
            return
        taken = snapshots_take(day=today, rounds=rounds)
        if not taken:
            self.stdout.write(_("No round is running today; nothing to keep."))
        for item in taken:
            self.stdout.write(
                _("%(reference)s (FY %(year)s): %(rows)d areas kept for %(day)s.")
                % {
                    "reference": item.round.circular.reference,
                    "year": item.round.fiscal_year,
                    "rows": item.rows,
                    "day": today.isoformat(),
                }
            )
