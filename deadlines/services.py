"""Writes of the deadlines app: circulars, rounds, acknowledgement, submission, approval.

Each function is keyword-only and atomic. Workflow moves are conditional updates (the state must
still be the one the user saw), so two officers acting at once cannot both succeed, and each
move leaves a Transition with who and when.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from deadlines import progress_rollups
from deadlines.models import Circular, LockException, Reminder, Round, RoundLAO, Transition
from deadlines.parsing import ParsedCircular, normalise_reference
from lgdata.thai import be_date
from records import rollups
from records.models import LAO, District, Province, Record, SectionEntry
from records.services import SectionProgress, record_progress


class WorkflowError(Exception):
    """A move that is not allowed now; the message says why, in the user's language."""


class SubmissionIncomplete(WorkflowError):
    def __init__(self, missing: list[SectionProgress]):
        super().__init__(_("The record is not complete yet."))
        self.missing = missing


@transaction.atomic
def circular_create(
    *,
    level: str,
    reference: str,
    date: datetime.date,
    subject: str,
    by: User | None,
    issuer: str = "",
    addressees: list[str] | None = None,
    references: list[str] | None = None,
    enclosures: list[str] | None = None,
    body: str = "",
    deadline: datetime.date | None = None,
    forwards: Circular | None = None,
    province: Province | None = None,
    district: District | None = None,
) -> Circular:
    """Saves a letter and links it to the letters in the portal that its อ้างถึง cites."""
    circular = Circular.objects.create(
        level=level,
        reference=reference.strip(),
        reference_normalised=normalise_reference(reference),
        date=date,
        subject=subject.strip(),
        issuer=issuer.strip(),
        addressees=addressees or [],
        references=references or [],
        enclosures=enclosures or [],
        body=body,
        deadline=deadline,
        forwards=forwards,
        province=province,
        district=district,
        created_by=by,
    )
    if forwards:
        circular.linked.add(forwards)
    cited = ParsedCircular(references=circular.references).cited_references()
    if cited:
        circular.linked.add(
            *Circular.objects.exclude(pk=circular.pk).filter(reference_normalised__in=cited)
        )
    return circular


@transaction.atomic
def round_open(
    *,
    circular: Circular,
    fiscal_year: int,
    section_codes: list[str],
    deadline: datetime.date,
    lao_types: list[str] | None = None,
    lock_date: datetime.date | None = None,
) -> Round:
    """Opens the round a department circular asks for, with a participation for every active
    LAO of the targeted types (all types when none are given)."""
    if circular.level != Circular.Level.DEPARTMENT:
        raise WorkflowError(_("Only a department circular opens a round."))
    round_ = Round.objects.create(
        circular=circular,
        fiscal_year=fiscal_year,
        section_codes=section_codes,
        lao_types=lao_types or [],
        starts_on=circular.date,
        deadline=deadline,
        lock_date=lock_date,
    )
    laos = LAO.objects.active_on(circular.date)
    if lao_types:
        laos = laos.filter(type__in=lao_types)
    RoundLAO.objects.bulk_create(
        [RoundLAO(round=round_, lao_id=pk) for pk in laos.values_list("pk", flat=True)],
        batch_size=2000,
    )
    progress_rollups.refresh(
        laos.values_list("district_id", flat=True).order_by().distinct(), fiscal_year
    )
    return round_


def _move(
    participant: RoundLAO, *, move: str, by: User, comment: str = "", targets: list[str] = ()
) -> RoundLAO:
    """Makes `move` if `by` may make it from the state the user saw
    (``RoundLAO.allowed_moves``) and the participation is still in that state; logs the move."""
    if move not in participant.allowed_moves(by):
        raise WorkflowError(_("This record is no longer in a state that allows this."))
    now = timezone.now()
    before = participant.state
    to = RoundLAO.MOVE_TO[move]
    fields = {"state": to, "updated_at": now}
    if to == RoundLAO.State.SUBMITTED:
        fields["submitted_at"] = now
        fields["on_time"] = timezone.localdate(now) <= participant.round.deadline
    if to == RoundLAO.State.RETURNED:
        fields["return_comment"] = comment
        fields["return_targets"] = list(targets)
    moved = RoundLAO.objects.filter(pk=participant.pk, state=before).update(**fields)
    if not moved:
        raise WorkflowError(_("Someone else acted on this record just now; reload the page."))
    Transition.objects.create(
        participant=participant,
        from_state=before,
        to_state=to,
        by=by,
        at=now,
        comment=comment,
        targets=list(targets),
    )
    participant.refresh_from_db()
    _notify(participant, move=move, by=by, comment=comment)
    _approval_to_rollups(participant, before=before, to=to)
    progress_rollups.refresh([participant.lao.district_id], participant.round.fiscal_year)
    return participant


def _approval_to_rollups(participant: RoundLAO, *, before: str, to: str) -> None:
    """The key figures' roll-ups count approved records (records/rollups.py): a move into or
    out of "approved" changes them, unless another round of the year keeps the record
    approved."""
    approved = RoundLAO.State.APPROVED
    if (before == approved) == (to == approved):
        return
    year = participant.round.fiscal_year
    others = RoundLAO.objects.filter(
        lao_id=participant.lao_id, round__fiscal_year=year, state=approved
    ).exclude(pk=participant.pk)
    if not others.exists():
        rollups.approval_changed(
            lao_id=participant.lao_id, fiscal_year=year, approved=to == approved
        )


# Who hears of each move, and as which kind of notice (docs/supervision.md).
def _notify(participant: RoundLAO, *, move: str, by: User, comment: str) -> None:
    """Leaves a notice in the portal for the people a move concerns: the LAO's supervisors of a
    submission; its clerks of a return or an approval; the province officers of a district's
    approval (final; they are informed)."""
    lao = participant.lao
    clerks = access.clerks_of([lao.pk])
    with translation.override("th"):
        values = {
            "lao": lao.display_name,
            "ref": participant.round.circular.reference,
            "by": by.get_full_name() or by.username,
        }
        if move == RoundLAO.Move.SUBMIT:
            sends = [
                (
                    access.supervisors_of(lao),
                    Reminder.Kind.SUBMITTED,
                    _("%(lao)s submitted its record (circular %(ref)s): please review it.")
                    % values,
                )
            ]
        elif move == RoundLAO.Move.RETURN:
            sends = [
                (
                    clerks,
                    Reminder.Kind.RETURNED,
                    _("Your record was returned by %(by)s (circular %(ref)s).") % values,
                )
            ]
        elif move == RoundLAO.Move.APPROVE:
            sends = [
                (
                    clerks,
                    Reminder.Kind.APPROVED,
                    _("Your record was approved by %(by)s (circular %(ref)s).") % values,
                ),
                (
                    access.informed_of_approval(lao),
                    Reminder.Kind.INFORMED,
                    _("The district approved the record of %(lao)s (circular %(ref)s).") % values,
                ),
            ]
        else:
            return
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
                    text=comment or subject,
                )
                for recipients, kind, subject in sends
                for user in recipients
                if user.pk != by.pk
            ]
        )


def submission_missing(participant: RoundLAO) -> list[SectionProgress]:
    """The round's sections that are not complete in the LAO's record (empty when ready)."""
    record = Record.objects.filter(
        lao=participant.lao, fiscal_year=participant.round.fiscal_year
    ).first()
    progress = record_progress(
        lao=participant.lao, record=record, section_codes=participant.round.section_codes
    )
    return [p for p in progress if not p.complete]


@transaction.atomic
def round_acknowledge(*, participant: RoundLAO, by: User) -> RoundLAO:
    """The LAO confirms it has received the chain of letters (once; later calls change nothing)."""
    if participant.acknowledged_at is not None:
        return participant
    if RoundLAO.Move.ACKNOWLEDGE not in participant.allowed_moves(by):
        raise WorkflowError(_("This record is no longer in a state that allows this."))
    RoundLAO.objects.filter(pk=participant.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=by
    )
    participant.refresh_from_db()
    progress_rollups.refresh([participant.lao.district_id], participant.round.fiscal_year)
    return participant


@transaction.atomic
def round_submit(*, participant: RoundLAO, by: User) -> RoundLAO:
    """The clerk submits the record; refused, with what is missing, until it is complete."""
    # The record's row lock, as section_save takes it: no save lands between the check and
    # the move (docs/architecture.md, "Concurrency").
    records = Record.objects.select_for_update().filter(
        lao=participant.lao_id, fiscal_year=participant.round.fiscal_year
    )
    list(records.values_list("pk", flat=True))
    missing = submission_missing(participant)
    if missing:
        raise SubmissionIncomplete(missing)
    return _move(participant, move=RoundLAO.Move.SUBMIT, by=by)


@transaction.atomic
def round_approve(*, participant: RoundLAO, by: User, comment: str = "") -> RoundLAO:
    """The LAO's supervisor approves a submission, in one step (docs/supervision.md): the
    district for its ทต./อบต. (the province is informed), the province for its อบจ./ทน./ทม."""
    return _move(participant, move=RoundLAO.Move.APPROVE, by=by, comment=comment)


@transaction.atomic
def round_return(
    *, participant: RoundLAO, by: User, comment: str, targets: list[str] = ()
) -> RoundLAO:
    """Sends a submission back to the clerk with the reason, which may name sections and fields
    (``targets``: "section" or "section.field" codes); a comment is required."""
    if not comment.strip():
        raise WorkflowError(_("Say why the record is returned."))
    return _move(
        participant, move=RoundLAO.Move.RETURN, by=by, comment=comment, targets=list(targets)
    )


def laos_unclean(*, laos, round: Round) -> set[int]:
    """The LAOs (of ``laos``, a queryset or ids) whose record of the round's year has, in the
    round's sections, a large change from last year flagged or a cross-field rule failing:
    those an officer must open before approving. One query, whatever the number of LAOs."""
    return set(
        SectionEntry.objects.filter(
            record__lao__in=laos,
            record__fiscal_year=round.fiscal_year,
            section__code__in=round.section_codes,
        )
        .filter(Q(rules_pass=False) | ~Q(flags=[]))
        .values_list("record__lao_id", flat=True)
    )


def participants_unclean(participants: list[RoundLAO]) -> set[int]:
    """Of these participations (of one or more rounds), those ``laos_unclean`` names."""
    unclean = set()
    for round_ in {p.round for p in participants}:
        mine = [p for p in participants if p.round_id == round_.pk]
        bad = laos_unclean(laos=[p.lao_id for p in mine], round=round_)
        unclean |= {p.pk for p in mine if p.lao_id in bad}
    return unclean


def round_approve_many(
    *, participants: list[RoundLAO], by: User
) -> tuple[list[RoundLAO], list[RoundLAO]]:
    """Approves at once the submissions whose record has no flag and no failing rule
    (``participants_unclean``) and that await ``by``'s approval; returns (approved, refused).
    Each approval is its own transaction: one refused does not undo the others."""
    unclean = participants_unclean(participants)
    approved, refused = [], []
    for participant in participants:
        if participant.pk in unclean:
            refused.append(participant)
            continue
        try:
            with transaction.atomic():
                approved.append(_move(participant, move=RoundLAO.Move.APPROVE, by=by))
        except WorkflowError:
            refused.append(participant)
    return approved, refused


@transaction.atomic
def lock_exception_grant(
    *, participant: RoundLAO, by: User, reason: str, until: datetime.date
) -> LockException:
    """Lets the LAO change its record after the lock date, until `until`, for a stated reason."""
    if not reason.strip():
        raise WorkflowError(_("Give the reason for the exception."))
    if until < timezone.localdate():
        raise WorkflowError(_("The exception must last until today or later."))
    return LockException.objects.create(
        participant=participant, reason=reason.strip(), until=until, granted_by=by
    )


@dataclass
class EditBlock:
    reason: str


def record_edit_block(*, lao: LAO, fiscal_year: int, today: datetime.date) -> EditBlock | None:
    """Why the LAO may not change its record for a fiscal year now, or None.

    Called by the records app through its edit-guard hook (records.hooks): a submitted or
    approved record waits for the officers; after a round's lock date only an exception opens it.
    """
    for participant in RoundLAO.objects.filter(
        lao=lao, round__fiscal_year=fiscal_year
    ).select_related("round"):
        if participant.state in (
            RoundLAO.State.SUBMITTED,
            RoundLAO.State.DISTRICT_APPROVED,
            RoundLAO.State.APPROVED,
        ):
            return EditBlock(
                _(
                    "The record was submitted for circular %(ref)s; it can be changed again "
                    "only if it is returned."
                )
                % {"ref": participant.round.circular.reference}
            )
        if (
            participant.round.is_locked(today)
            and not participant.exceptions.filter(until__gte=today).exists()
        ):
            return EditBlock(
                _("The record is locked since %(date)s; ask your district for an exception.")
                % {"date": be_date(participant.round.lock_date)}
            )
    return None


@transaction.atomic
def circular_publish(
    *,
    level: str,
    letter: dict,
    by: User,
    attachment=None,
    round_fields: dict | None = None,
    forwards: Circular | None = None,
) -> Circular:
    """Saves a checked letter from the portal: a department circular with the round it opens,
    or a province's or district's letter forwarding another, with its signed PDF if given."""
    circular = circular_create(
        level=level,
        by=by,
        forwards=forwards,
        province=by.province if level == Circular.Level.PROVINCE else None,
        district=by.district if level == Circular.Level.DISTRICT else None,
        **letter,
    )
    if attachment is not None:
        circular.attachments.create(
            file=attachment, name=attachment.name[:200], size=attachment.size
        )
    if round_fields is not None:
        round_open(
            circular=circular,
            fiscal_year=round_fields["fiscal_year"],
            section_codes=list(round_fields["sections"]),
            lao_types=list(round_fields["lao_types"]),
            deadline=round_fields["round_deadline"],
            lock_date=round_fields["lock_date"],
        )
    return circular
