"""Reminders to the LAOs that are behind a round's deadline: when, to whom, and sent once.

When. Reminders go out on set days only: 7 and 3 days before the deadline, on the deadline day,
and after it on days 1, 8, 15 … (every 7 days). A round reminds from its start (`starts_on`) until
the earliest of its lock date and 60 days after its deadline: after the lock date the clerk can
no longer change the record alone (an exception is needed, which the district grants), and after
two months a daily cron should not go on mailing people; the printed letter (หนังสือเตือน,
``deadlines.reminder_letter``) takes over from there.

Who. For each LAO behind (state open or returned), every active clerk of the LAO gets a notice:
a Reminder row, which is the notice in the portal, and an e-mail when the clerk has an address.
Every active district officer whose district has LAOs behind gets one digest (kind DIGEST) that
lists them with their status and the days left or late.

Once. Reminder rows are unique per (round, recipient, kind, day). A run skips the recipients that
already have their row today and claims each new row (get_or_create) before e-mailing, so running
twice in a day, or two runs at once, never send anything twice. Rows are written in a short
transaction and the e-mails sent after it, so a slow mail server does not hold the database's
write lock; an e-mail that fails leaves its row with `emailed` False and is not retried (at most
one e-mail a day per person), and the command reports it.

E-mails are Thai official text, whatever the language of the person running the job.
"""

import datetime
import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts import access
from accounts.models import User
from deadlines.due_dates import DueDate, nearest_deadline, round_due_dates
from deadlines.models import Reminder, Round, RoundLAO
from lgdata.thai import be_date
from records.models import Record, SectionEntry, active_lao_q
from records.schema import current_schema

logger = logging.getLogger(__name__)

# The schedule, in days relative to the deadline.
BEFORE_DAYS = (7, 3)
AFTER_FIRST_DAY = 1
AFTER_EVERY_DAYS = 7
# A round stops reminding this many days after its deadline (or at its lock date, if earlier).
AFTER_MAX_DAYS = 60

# Participations that still owe their record: not submitted, or sent back to the clerk.
BEHIND_STATES = (RoundLAO.State.OPEN, RoundLAO.State.RETURNED)

DEFAULT_PORTAL_URL = "http://127.0.0.1:8000"

# Status words for the e-mails and letters, which are always Thai (not taken from the catalogue,
# so a missing translation can never put English into an official text).
STATUS_TH = {
    RoundLAO.Status.NOT_STARTED: "ยังไม่เริ่มกรอกข้อมูล",
    RoundLAO.Status.IN_PROGRESS: "กำลังกรอกข้อมูล",
    RoundLAO.Status.SUBMITTED_ON_TIME: "ส่งข้อมูลแล้วภายในกำหนด",
    RoundLAO.Status.SUBMITTED_LATE: "ส่งข้อมูลแล้วหลังกำหนด",
    RoundLAO.Status.RETURNED: "ถูกส่งคืนให้แก้ไข",
    RoundLAO.Status.APPROVED: "อนุมัติแล้ว",
    RoundLAO.Status.OVERDUE: "เลยกำหนดส่ง",
}

# --- Who is behind, and when to remind --------------------------------------------------------


def participants_behind(*, round: Round, today: datetime.date) -> QuerySet[RoundLAO]:
    """The round's participations that still owe their record today (open or returned), of LAOs
    that still exist, with the LAO and its place, ordered by district and LAO code.

    Each row carries `is_started` (the LAO's record for the round's year has a value) for
    `RoundLAO.status(today=, started=)`. One query whatever the number of LAOs.
    """
    started = Record.objects.filter(
        lao=OuterRef("lao"), fiscal_year=round.fiscal_year, filled_count__gt=0
    )
    return (
        RoundLAO.objects.filter(round=round, state__in=BEHIND_STATES)
        .filter(active_lao_q(today, prefix="lao__"))
        .select_related("round__circular", "lao__district__province")
        .annotate(is_started=Exists(started))
        .order_by("lao__district_id", "lao__code")
    )


def reminding_until(round: Round) -> datetime.date:
    """The last day a round sends reminders: its lock date or 60 days after the deadline."""
    last = round.deadline + datetime.timedelta(days=AFTER_MAX_DAYS)
    return min(last, round.lock_date) if round.lock_date else last


def rounds_reminding(*, today: datetime.date) -> QuerySet[Round]:
    """Rounds whose reminder window is open today (started, neither locked nor long past)."""
    return (
        Round.objects.filter(
            starts_on__lte=today,
            deadline__gte=today - datetime.timedelta(days=AFTER_MAX_DAYS),
        )
        .filter(Q(lock_date__isnull=True) | Q(lock_date__gte=today))
        .select_related("circular")
        .order_by("deadline", "pk")
    )


def reminder_kind(
    *, round: Round, today: datetime.date, deadline: datetime.date | None = None
) -> str | None:
    """The kind of reminder a round sends today (BEFORE, ON_DAY, AFTER), or None on other days
    and outside the round's reminder window. ``deadline`` is the date counted from: an LAO's
    nearest (``deadlines.due_dates.nearest_deadline``), the round's final date by default."""
    if today < round.starts_on or today > reminding_until(round):
        return None
    days_left = ((deadline or round.deadline) - today).days
    if days_left in BEFORE_DAYS:
        return Reminder.Kind.BEFORE
    if days_left == 0:
        return Reminder.Kind.ON_DAY
    days_late = -days_left
    if days_late >= AFTER_FIRST_DAY and (days_late - AFTER_FIRST_DAY) % AFTER_EVERY_DAYS == 0:
        return Reminder.Kind.AFTER
    return None


# --- What is sent ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """One reminder to one person: stored as a Reminder row, e-mailed when `email` is set."""

    round_id: int
    circular_reference: str
    kind: str
    recipient_id: int
    recipient: str
    email: str
    subject: str
    text: str
    participant_id: int | None
    lao_code: str  # for a digest: the district's code
    lao_name: str  # for a digest: the district's name
    laos: tuple[str, ...] = ()  # for a digest: the codes of the LAOs listed


@dataclass
class Summary:
    """What a run sent, or in a dry run would send: the same notices either way."""

    day: datetime.date
    dry_run: bool
    notices: list[Notice] = field(default_factory=list)
    emails_sent: int = 0
    failed: list[Notice] = field(default_factory=list)

    @property
    def emails(self) -> list[Notice]:
        """The notices that go (or would go) out by e-mail."""
        return [n for n in self.notices if n.email]


def portal_url(path: str) -> str:
    """An absolute link into the portal for an e-mail (settings.PORTAL_URL when set)."""
    return getattr(settings, "PORTAL_URL", DEFAULT_PORTAL_URL).rstrip("/") + path


def status_th(participant: RoundLAO, today: datetime.date, started: bool) -> str:
    status = participant.status(today=today, started=started)
    text = STATUS_TH[status]
    if status == RoundLAO.Status.OVERDUE:
        # "Overdue" alone hides what the officer needs to know: has the LAO begun at all?
        if participant.state == RoundLAO.State.RETURNED:
            detail = STATUS_TH[RoundLAO.Status.RETURNED]
        elif started:
            detail = STATUS_TH[RoundLAO.Status.IN_PROGRESS]
        else:
            detail = STATUS_TH[RoundLAO.Status.NOT_STARTED]
        text = f"{text} ({detail})"
    return text


def _clerks_of(lao_ids: list[int]) -> dict[int, list[User]]:
    """Per LAO id, its active clerks (the people a reminder goes to), by username. One query."""
    clerks: dict[int, list[User]] = defaultdict(list)
    for clerk in access.clerks_of(lao_ids).order_by("username"):
        clerks[clerk.lao_id].append(clerk)
    return clerks


def _incomplete_sections(round: Round, laos: list[int]) -> dict[int, list[str]]:
    """Per LAO, the labels of the round's sections not yet complete; two queries for all LAOs.

    Reads the completeness stored with every section save instead of re-checking each field,
    so a run costs the same whatever the number of LAOs.
    """
    complete: dict[int, set[str]] = defaultdict(set)
    entries = SectionEntry.objects.filter(
        record__fiscal_year=round.fiscal_year,
        record__lao_id__in=laos,
        section__code__in=round.section_codes,
    ).values_list("record__lao_id", "section__code", "filled_count", "required_count", "rules_pass")
    for lao_id, code, filled, required, rules_pass in entries:
        if rules_pass and filled >= required:
            complete[lao_id].add(code)
    labels = dict(
        current_schema()
        .sections.filter(code__in=round.section_codes)
        .values_list("code", "label_th")
    )
    codes = [code for code in round.section_codes if code in labels]
    return {
        lao_id: [labels[code] for code in codes if code not in complete[lao_id]] for lao_id in laos
    }


def _clean_text(text: str) -> str:
    """Template output as a plain e-mail: no trailing spaces, at most one blank line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def _round_context(
    round: Round, today: datetime.date, kind: str, due: DueDate | None = None
) -> dict:
    circular = round.circular
    deadline = due.date if due else round.deadline
    return {
        "kind": kind,
        "today": be_date(today),
        "deadline": be_date(deadline),
        "deadline_letter": due.label if due and not due.final else "",
        "days_left": max((deadline - today).days, 0),
        "days_late": max((today - deadline).days, 0),
        "fiscal_year": round.fiscal_year,
        "circular_reference": circular.reference,
        "circular_date": be_date(circular.date),
        "circular_subject": circular.subject,
        "round_link": portal_url(reverse("deadlines:round", args=[round.pk])),
    }


def _clerk_notice(
    *,
    participant: RoundLAO,
    clerk: User,
    today: datetime.date,
    kind: str,
    missing: list[str],
    due: DueDate | None = None,
) -> Notice:
    round_, lao = participant.round, participant.lao
    context = {
        **_round_context(round_, today, kind, due),
        "recipient_name": clerk.get_full_name() or clerk.username,
        "lao_name": lao.display_name,
        "lao_full_name": lao.full_name,
        "district_name": lao.district.display_name,
        "status": status_th(participant, today, participant.is_started),
        "returned": participant.state == RoundLAO.State.RETURNED,
        "return_comment": participant.return_comment,
        "missing": missing,
        "link": portal_url(reverse("deadlines:participant", args=[round_.pk, lao.code])),
    }
    return Notice(
        round_id=round_.pk,
        circular_reference=round_.circular.reference,
        kind=kind,
        recipient_id=clerk.pk,
        recipient=clerk.username,
        email=clerk.email,
        subject=_one_line(render_to_string("deadlines/email/reminder_subject.txt", context)),
        text=_clean_text(render_to_string("deadlines/email/reminder.txt", context)),
        participant_id=participant.pk,
        lao_code=lao.code,
        lao_name=lao.display_name,
    )


def _digest_notice(
    *,
    round: Round,
    officer: User,
    participants: list[RoundLAO],
    with_clerk: set[int],
    today: datetime.date,
    kind: str,
) -> Notice:
    # A district officer's digest lists its ทต./อบต.; a province officer's the LAOs it oversees.
    level = access.oversight_level(officer)
    area = officer.district if level == "district" else officer.province
    area_url = f"dashboards:{level}"
    overdue = round.is_overdue(today)
    rows = []
    for p in participants:
        rows.append(
            {
                "lao_name": p.lao.display_name,
                "lao_code": p.lao.code,
                "status": status_th(p, today, p.is_started),
                "has_clerk": p.lao_id in with_clerk,
                "link": portal_url(reverse("deadlines:participant", args=[round.pk, p.lao.code])),
                "letter_link": portal_url(
                    reverse("deadlines:reminder-letter", args=[round.pk, p.lao.code])
                )
                if overdue
                else "",
            }
        )
    context = {
        **_round_context(round, today, kind),
        "recipient_name": officer.get_full_name() or officer.username,
        "district_name": area.display_name,
        "rows": rows,
        "count": len(rows),
        "district_link": portal_url(reverse(area_url, args=[area.pk])),
    }
    return Notice(
        round_id=round.pk,
        circular_reference=round.circular.reference,
        kind=Reminder.Kind.DIGEST,
        recipient_id=officer.pk,
        recipient=officer.username,
        email=officer.email,
        subject=_one_line(render_to_string("deadlines/email/digest_subject.txt", context)),
        text=_clean_text(render_to_string("deadlines/email/digest.txt", context)),
        participant_id=None,
        lao_code=area.pk,
        lao_name=area.display_name,
        laos=tuple(p.lao.code for p in participants),
    )


def _supervisors(behind: list[RoundLAO]) -> dict[int, tuple[User, list[RoundLAO]]]:
    """Per officer (user id), the participations behind that the officer supervises: a
    district officer's ทต./อบต., a province officer's อบจ./ทน./ทม. (docs/supervision.md). Two
    queries; department staff (Bangkok) read the national pages instead of a digest."""
    by_district: dict[str, list[RoundLAO]] = defaultdict(list)
    by_province: dict[str, list[RoundLAO]] = defaultdict(list)
    for p in behind:
        level = access.supervisor_level(p.lao)
        if level == "district":
            by_district[p.lao.district_id].append(p)
        elif level == "province":
            by_province[p.lao.district.province_id].append(p)
    found: dict[int, tuple[User, list[RoundLAO]]] = {}
    officers = list(
        access.officers_of_districts(list(by_district))
        .select_related("district")
        .order_by("district_id", "username")
    ) + list(
        access.officers_of_provinces(list(by_province))
        .select_related("province")
        .order_by("province_id", "username")
    )
    for officer in officers:
        if access.oversight_level(officer) == "district":
            found[officer.pk] = (officer, by_district[officer.district_id])
        else:
            found[officer.pk] = (officer, by_province[officer.province_id])
    return found


def _plan_round(*, round: Round, today: datetime.date) -> list[Notice]:
    """The notices one round sends today that have not been sent yet; only reads.

    Each LAO is reminded counting from its nearest date (its supervisor's letter's, then the
    department's final date); each supervisor gets a digest on a day any of its LAOs is."""
    behind = list(participants_behind(round=round, today=today))
    if not behind:
        return []
    dues = round_due_dates(round, behind)
    nearest = {p.pk: nearest_deadline(dues[p.pk], today) for p in behind}
    kinds = {
        p.pk: reminder_kind(round=round, today=today, deadline=nearest[p.pk].date) for p in behind
    }
    if not any(kinds.values()):
        return []
    lao_ids = [p.lao_id for p in behind]
    clerks = _clerks_of(lao_ids)
    done = set(
        Reminder.objects.filter(
            round=round,
            day=today,
            kind__in=[Reminder.Kind.BEFORE, Reminder.Kind.ON_DAY, Reminder.Kind.AFTER]
            + [Reminder.Kind.DIGEST],
        ).values_list("recipient_id", "kind")
    )
    missing = _incomplete_sections(round, lao_ids)
    with_clerk = set(clerks)
    round_kind = reminder_kind(round=round, today=today) or next(k for k in kinds.values() if k)

    notices = []
    with translation.override("th"):
        for p in behind:
            kind = kinds[p.pk]
            if not kind:
                continue
            for clerk in clerks.get(p.lao_id, []):
                if (clerk.pk, kind) not in done:
                    notices.append(
                        _clerk_notice(
                            participant=p,
                            clerk=clerk,
                            today=today,
                            kind=kind,
                            missing=missing[p.lao_id],
                            due=nearest[p.pk],
                        )
                    )
        for officer, participants in _supervisors(behind).values():
            if (officer.pk, Reminder.Kind.DIGEST) in done:
                continue
            if not any(kinds[p.pk] for p in participants):
                continue
            notices.append(
                _digest_notice(
                    round=round,
                    officer=officer,
                    participants=participants,
                    with_clerk=with_clerk,
                    today=today,
                    kind=round_kind,
                )
            )
    return notices


def reminders_plan(
    *, today: datetime.date, rounds: QuerySet[Round] | list[Round] | None = None
) -> list[Notice]:
    """Every notice due today and not yet sent, for the given rounds or all rounds reminding."""
    if rounds is None:
        rounds = rounds_reminding(today=today)
    notices = []
    for round_ in rounds:
        notices.extend(_plan_round(round=round_, today=today))
    return notices


@transaction.atomic
def _claim(notices: list[Notice], *, today: datetime.date) -> list[tuple[Notice, Reminder]]:
    """Writes the Reminder rows; returns only those this run created (the constraint decides)."""
    claimed = []
    for notice in notices:
        reminder, created = Reminder.objects.get_or_create(
            round_id=notice.round_id,
            recipient_id=notice.recipient_id,
            kind=notice.kind,
            day=today,
            defaults={
                "participant_id": notice.participant_id,
                "subject": notice.subject,
                "text": notice.text,
                "emailed": False,
            },
        )
        if created:
            claimed.append((notice, reminder))
    return claimed


def reminders_send(
    *,
    today: datetime.date,
    dry_run: bool,
    rounds: QuerySet[Round] | list[Round] | None = None,
) -> Summary:
    """Sends today's reminders: a notice in the portal for every clerk of an LAO behind, an e-mail
    to those with an address, and a digest to each district officer concerned.

    Idempotent: a notice already stored today is not sent again. With `dry_run` nothing is
    written or sent, and the summary lists exactly what would be. Not atomic as a whole on
    purpose: see the module docstring.
    """
    notices = reminders_plan(today=today, rounds=rounds)
    if dry_run:
        return Summary(day=today, dry_run=True, notices=notices, emails_sent=0)

    claimed = _claim(notices, today=today)
    summary = Summary(day=today, dry_run=False, notices=[notice for notice, _ in claimed])
    _email(summary, [(notice, reminder) for notice, reminder in claimed if notice.email])
    return summary


# --- Reminders sent now by an officer (the district dashboard's "remind") ---------------------

# Kinds that reach a clerk; any of them already sent today makes a manual one wait for tomorrow.
CLERK_KINDS = (
    Reminder.Kind.BEFORE,
    Reminder.Kind.ON_DAY,
    Reminder.Kind.AFTER,
    Reminder.Kind.MANUAL,
)


@dataclass
class ManualSummary(Summary):
    """What an officer's "remind now" did, LAO by LAO."""

    reminded: list[RoundLAO] = field(default_factory=list)
    already: list[RoundLAO] = field(default_factory=list)  # reminded today already
    no_clerk: list[RoundLAO] = field(default_factory=list)  # no active clerk to remind
    not_behind: list[RoundLAO] = field(default_factory=list)  # submitted or approved meanwhile


def _wording_kind(deadline: datetime.date, today: datetime.date) -> str:
    """Which scheduled reminder's words fit today: days left, the deadline day, or days late."""
    if today < deadline:
        return Reminder.Kind.BEFORE
    if today == deadline:
        return Reminder.Kind.ON_DAY
    return Reminder.Kind.AFTER


def reminders_send_now(
    *, participants: Iterable[RoundLAO], by: User, today: datetime.date | None = None
) -> ManualSummary:
    """Reminds the clerks of these participations now: for each one still behind (open or
    returned), every active clerk of the LAO gets a notice in the portal (a Reminder of kind
    MANUAL) and an e-mail when the clerk has an address — the same text as the scheduled
    reminders, worded for the day.

    Once a day: a clerk who already had a reminder of the round today (scheduled or manual)
    gets nothing more, and the LAO is listed in ``already``; rows are claimed through the
    reminder_once_a_day constraint, so two officers clicking at once send one reminder. Access
    is the caller's to check (``accounts.access.can_review_lao``).
    """
    today = today or timezone.localdate()
    wanted = {p.pk: p for p in participants}
    summary = ManualSummary(day=today, dry_run=False)
    rounds = Round.objects.filter(participants__pk__in=list(wanted)).distinct()
    plan: list[tuple[RoundLAO, list[Notice]]] = []
    for round_ in rounds.select_related("circular"):
        behind = list(participants_behind(round=round_, today=today).filter(pk__in=list(wanted)))
        behind_ids = {p.pk for p in behind}
        summary.not_behind += [
            p for p in wanted.values() if p.round_id == round_.pk and p.pk not in behind_ids
        ]
        if not behind:
            continue
        lao_ids = [p.lao_id for p in behind]
        clerks = _clerks_of(lao_ids)
        done = set(
            Reminder.objects.filter(
                round=round_, day=today, kind__in=CLERK_KINDS, recipient__lao_id__in=lao_ids
            ).values_list("recipient_id", flat=True)
        )
        missing = _incomplete_sections(round_, lao_ids)
        dues = round_due_dates(round_, behind)
        with translation.override("th"):
            for p in behind:
                due = nearest_deadline(dues[p.pk], today)
                wording = _wording_kind(due.date, today)
                if not clerks.get(p.lao_id):
                    summary.no_clerk.append(p)
                    continue
                fresh = [c for c in clerks[p.lao_id] if c.pk not in done]
                if not fresh:
                    summary.already.append(p)
                    continue
                notices = [
                    replace(
                        _clerk_notice(
                            participant=p,
                            clerk=clerk,
                            today=today,
                            kind=wording,
                            missing=missing[p.lao_id],
                            due=due,
                        ),
                        kind=Reminder.Kind.MANUAL,
                    )
                    for clerk in fresh
                ]
                plan.append((p, notices))

    claimed = _claim([n for _p, notices in plan for n in notices], today=today)
    claimed_ids = {id(notice) for notice, _reminder in claimed}
    for p, notices in plan:
        if any(id(n) in claimed_ids for n in notices):
            summary.reminded.append(p)
        else:
            summary.already.append(p)
    summary.notices = [notice for notice, _reminder in claimed]
    _email(summary, [(n, r) for n, r in claimed if n.email])
    logger.info(
        "%s reminded %d LAOs now (%d already today, %d without a clerk)",
        by.username,
        len(summary.reminded),
        len(summary.already),
        len(summary.no_clerk),
    )
    return summary


def _email(summary: Summary, to_mail: list[tuple[Notice, Reminder]]) -> None:
    """E-mails claimed notices; a failure is logged and reported, never retried."""
    if not to_mail:
        return
    sent_ids = []
    with get_connection() as connection:
        for notice, reminder in to_mail:
            message = EmailMessage(
                subject=notice.subject,
                body=notice.text,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[notice.email],
                connection=connection,
            )
            try:
                message.send()
            except Exception:
                # One bad address or a hiccup must not stop the others; the notice stays in
                # the portal and the command reports the failure.
                logger.exception("Reminder e-mail to %s failed", notice.email)
                summary.failed.append(notice)
            else:
                sent_ids.append(reminder.pk)
    Reminder.objects.filter(pk__in=sent_ids).update(emailed=True)
    summary.emails_sent += len(sent_ids)
