"""send_reminders [--dry-run] [--date YYYY-MM-DD]: today's reminders, for cron.

Run it once a day (any hour): on the set days it e-mails the clerks of every LAO behind a round's
deadline, stores the same notices in the portal, and sends each district officer a digest. A
second run the same day sends nothing again. See deadlines/reminders.py for the schedule.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deadlines.models import Reminder
from deadlines.reminders import Notice, Summary, reminders_send
from lgdata.thai import BE_OFFSET, to_arabic_digits


def parse_day(text: str) -> datetime.date:
    """A --date value: ISO YYYY-MM-DD in the Common Era (Thai digits accepted)."""
    try:
        day = datetime.date.fromisoformat(to_arabic_digits(text.strip()))
    except ValueError:
        raise CommandError(
            _("--date must be a date written YYYY-MM-DD, e.g. 2025-01-06, not %(value)r.")
            % {"value": text}
        ) from None
    if day.year > 2400:
        raise CommandError(
            _(
                "--date takes the year in the Common Era: %(value)s looks like a Buddhist-Era "
                "year; use %(year)s."
            )
            % {"value": text, "year": day.year - BE_OFFSET}
        )
    return day


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # A property, not gettext_lazy: argparse cannot format a lazy string.
        return _(
            "Sends today's reminders to the LAOs behind a round's deadline (e-mail and a notice "
            "in the portal) and a digest to each district officer. Run daily from cron; running "
            "twice in a day sends nothing twice."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("List what would be sent; send and store nothing."),
        )
        parser.add_argument(
            "--date",
            help=_("Run as of this day (YYYY-MM-DD) instead of today, e.g. to catch up."),
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help=_("Put the run on the task queue for a worker (manage.py db_worker) and return."),
        )

    def handle(
        self, *args, dry_run: bool, date: str | None, enqueue: bool = False, **options
    ) -> None:
        today = parse_day(date) if date else timezone.localdate()
        if enqueue:
            from deadlines.tasks import send_reminders

            result = send_reminders.enqueue(today.isoformat(), dry_run)
            self.stdout.write(
                _("Reminders for %(day)s are queued for a worker (task %(id)s).")
                % {"day": today.isoformat(), "id": result.id}
            )
            return
        summary = reminders_send(today=today, dry_run=dry_run)
        self._report(summary)
        if summary.failed:
            raise CommandError(
                _(
                    "%(count)d e-mail(s) could not be sent; the notices are in the portal and "
                    "will not be e-mailed again. See the log for the reasons."
                )
                % {"count": len(summary.failed)}
            )

    def _report(self, summary: Summary) -> None:
        if summary.dry_run:
            self.stdout.write(
                _("Reminders for %(day)s: dry run, nothing is sent or stored.")
                % {"day": summary.day.isoformat()}
            )
        else:
            self.stdout.write(_("Reminders for %(day)s:") % {"day": summary.day.isoformat()})
        for notice in summary.notices:
            self.stdout.write("  " + self._line(notice))
        counts = {
            "notices": len(summary.notices),
            "emails": len(summary.emails) if summary.dry_run else summary.emails_sent,
            "digests": sum(1 for n in summary.notices if n.kind == Reminder.Kind.DIGEST),
        }
        if summary.dry_run:
            message = _(
                "Would send %(notices)d notice(s), %(digests)d of them district digests; "
                "%(emails)d by e-mail."
            )
        else:
            message = _(
                "Sent %(notices)d notice(s), %(digests)d of them district digests; "
                "%(emails)d by e-mail."
            )
        self.stdout.write(self.style.SUCCESS(message % counts))

    def _line(self, notice: Notice) -> str:
        """One notice as a log line: round, LAO (or district), recipient, e-mail, kind."""
        address = (
            f"<{notice.email}>" if notice.email else "(" + _("no e-mail, portal notice only") + ")"
        )
        if notice.kind == Reminder.Kind.DIGEST:
            place = ngettext(
                "%(district)s (%(count)d LAO behind)",
                "%(district)s (%(count)d LAOs behind)",
                len(notice.laos),
            ) % {
                "district": notice.lao_name,
                "count": len(notice.laos),
            }
        else:
            place = f"{notice.lao_code} {notice.lao_name}"
        return (
            f"{notice.circular_reference} | {place} | {notice.recipient} {address} | "
            f"{Reminder.Kind(notice.kind).label}"
        )
