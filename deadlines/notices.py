"""Notices of workflow moves: who is told when a record is submitted, returned or approved.

The services call one function per move, after the move is made. Who is told follows what each
person may do next (``RoundLAO.allowed_moves``), so when the chain of supervision changes, the
notices follow it without change here:

- a submission: the officers who may now approve it (the district for its LAOs);
- a district's approval: the officers who may now confirm it (the province);
- a return or an approval: the LAO's clerks.

Notices are ``Reminder`` rows of the workflow kinds (one per move and person), shown on the
notices page with the unread count in the navigation. They are written in Thai, like reminders.
"""

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from deadlines.models import Reminder, RoundLAO
from deadlines.reminders import lao_full_name


def _officers_who_may(participant: RoundLAO, moves: set[str]) -> list[User]:
    """The active officers over the LAO who may make one of ``moves`` on it now."""
    lao = participant.lao
    candidates = User.objects.filter(is_active=True).filter(
        Q(role=Role.DISTRICT, district_id=lao.district_id)
        | Q(role=Role.PROVINCE, province_id=lao.district.province_id)
    )
    return [u for u in candidates.order_by("username") if participant.allowed_moves(u) & moves]


def _clerks(participant: RoundLAO) -> list[User]:
    return list(
        User.objects.filter(role=Role.CLERK, is_active=True, lao_id=participant.lao_id).order_by(
            "username"
        )
    )


def _notify(participant: RoundLAO, recipients: list[User], kind: str, subject: str, text: str):
    today = timezone.localdate()
    Reminder.objects.bulk_create(
        [
            Reminder(
                round=participant.round,
                participant=participant,
                recipient=user,
                kind=kind,
                day=today,
                subject=subject[:300],
                text=text,
            )
            for user in recipients
        ]
    )


def notify_submitted(participant: RoundLAO) -> RoundLAO:
    """Tells the officers who may approve the record that it waits for them."""
    officers = _officers_who_may(participant, {RoundLAO.Move.APPROVE, RoundLAO.Move.CONFIRM})
    with translation.override("th"):
        name = lao_full_name(participant.lao)
        _notify(
            participant,
            officers,
            Reminder.Kind.SUBMITTED,
            _("%(lao)s submitted its record") % {"lao": name},
            _("%(lao)s submitted its record for circular %(ref)s; it waits for your review.")
            % {"lao": name, "ref": participant.round.circular.reference},
        )
    return participant


def notify_returned(participant: RoundLAO) -> RoundLAO:
    """Tells the LAO's clerks that the record came back, with the officer's comment."""
    with translation.override("th"):
        _notify(
            participant,
            _clerks(participant),
            Reminder.Kind.RETURNED,
            _("Your record was returned for correction"),
            _("The record for circular %(ref)s was returned. Comment: %(comment)s")
            % {
                "ref": participant.round.circular.reference,
                "comment": participant.return_comment.strip(),
            },
        )
    return participant


def notify_approved(participant: RoundLAO) -> RoundLAO:
    """Tells the clerks of an approval; after a district's approval, also the officers who
    confirm it next."""
    ref = participant.round.circular.reference
    with translation.override("th"):
        name = lao_full_name(participant.lao)
        if participant.state == RoundLAO.State.DISTRICT_APPROVED:
            clerk_subject = _("Your record was approved by the district")
            _notify(
                participant,
                _officers_who_may(participant, {RoundLAO.Move.CONFIRM}),
                Reminder.Kind.APPROVED,
                _("The district approved the record of %(lao)s") % {"lao": name},
                _(
                    "The district approved the record of %(lao)s for circular %(ref)s; it "
                    "waits for the province's confirmation."
                )
                % {"lao": name, "ref": ref},
            )
        else:
            clerk_subject = _("Your record was approved")
        _notify(
            participant,
            _clerks(participant),
            Reminder.Kind.APPROVED,
            clerk_subject,
            _("The record for circular %(ref)s was approved.") % {"ref": ref},
        )
    return participant
