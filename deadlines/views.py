"""Rounds as people work them: an LAO's page in a round (chain of letters, acknowledgement,
submission), the officers' approve / return / exception actions, and the printable reminder.

Access is asked of accounts.access; a participation outside the user's scope is a 404.
"""

import datetime
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import access
from deadlines import attachments, services
from deadlines.due_dates import letter_chain, participant_deadlines
from deadlines.filters import CircularFilter
from deadlines.forms import (
    CircularForm,
    CircularSourceForm,
    ForwardChoiceForm,
    RoundForm,
    deadline_doubts,
)
from deadlines.models import Circular, Round, RoundLAO
from deadlines.parsing import CircularError, parse_circular
from deadlines.reminder_letter import reminder_letter_context
from deadlines.review import return_choices, review_sections, target_labels
from lgdata.thai import parse_number_text
from records.models import Record


def _get_participant_for_user(request: HttpRequest, round_id: int, lao_code: str) -> RoundLAO:
    return access.get_visible_or_404(
        request,
        RoundLAO.objects.select_related("round__circular", "lao__district__province").filter(
            lao__in=access.laos_visible_to(request.user)
        ),
        round_id=round_id,
        lao__code=lao_code,
    )


def _get_round_for_user(request: HttpRequest, round_id: int) -> Round:
    return access.get_visible_or_404(
        request,
        Round.objects.select_related("circular").filter(
            circular__in=Circular.objects.visible_to(request.user)
        ),
        pk=round_id,
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Why is it returned?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    targets = forms.MultipleChoiceField(
        label=gettext_lazy("Sections and fields to correct"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["targets"].choices = choices


class ApproveForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I have checked this record and approve it."),
        error_messages={"required": gettext_lazy("Tick the box to confirm the approval.")},
    )


class ExceptionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    days = forms.CharField(label=gettext_lazy("For how many days"), initial="7")

    def clean_days(self) -> int:
        text = parse_number_text(self.cleaned_data["days"])
        if not text.isdigit() or not 1 <= int(text) <= 90:
            raise forms.ValidationError(_("Enter a number of days from 1 to 90."))
        return int(text)


@login_required
def participant_detail(request: HttpRequest, round_id: int, lao_code: str) -> HttpResponse:
    participant = _get_participant_for_user(request, round_id, lao_code)
    today = timezone.localdate()
    record = Record.objects.filter(
        lao=participant.lao, fiscal_year=participant.round.fiscal_year
    ).first()
    is_clerk = access.can_edit_lao_record(request.user, participant.lao)
    can_review = access.can_review_lao(request.user, participant.lao)
    missing = services.submission_missing(participant) if is_clerk else []
    returned = participant.state == RoundLAO.State.RETURNED
    return render(
        request,
        "deadlines/participant_detail.html",
        {
            "participant": participant,
            "round": participant.round,
            "lao": participant.lao,
            "chain": letter_chain(participant),
            "status": participant.status(today=today, started=bool(record and record.filled_count)),
            "status_label": RoundLAO.Status,
            "record": record,
            "missing": missing,
            "is_clerk": is_clerk,
            "can_review": can_review,
            "moves": participant.allowed_moves(request.user),
            "transitions": participant.transitions.select_related("by"),
            "exceptions": participant.exceptions.select_related("granted_by"),
            "exception_form": ExceptionForm(),
            "locked": participant.round.is_locked(today),
            "today": today,
            "supervisor": _supervisor_name(participant.lao),
            "dates": participant_deadlines(participant),
            "return_targets": target_labels(participant) if returned else [],
        },
    )


def _supervisor_name(lao) -> str:
    """Who approves the LAO's record, in words (docs/supervision.md)."""
    level = access.supervisor_level(lao)
    if level == "district":
        return lao.district.display_name
    if level == "province":
        return lao.district.province.display_name
    return _("the Department of Local Administration")


@login_required
def participant_review(request: HttpRequest, round_id: int, lao_code: str) -> HttpResponse:
    """The supervisor's approval screen: the round's sections of the record with what needs a
    look marked, the approval (with a confirmation) and the return (naming sections and
    fields). Others who may read the LAO get a 403; others a 404."""
    participant = _get_participant_for_user(request, round_id, lao_code)
    if not access.can_review_lao(request.user, participant.lao):
        raise PermissionDenied
    reviews = review_sections(participant)
    return render(
        request,
        "deadlines/review.html",
        {
            "participant": participant,
            "round": participant.round,
            "lao": participant.lao,
            "reviews": reviews,
            "marks": sum(r.marks for r in reviews),
            "moves": participant.allowed_moves(request.user),
            "approve_form": ApproveForm(),
            "return_form": ReturnForm(choices=return_choices(reviews)),
            "dates": participant_deadlines(participant),
        },
    )


def _act(
    request: HttpRequest, round_id: int, lao_code: str, *, may, action, success
) -> HttpResponse:
    """Runs one workflow action on a participation the user may act on, reports the outcome as
    a message (``success``: a text, or a function of the participation that makes one) and goes
    back to the participation's page (POST, redirect, GET)."""
    participant = _get_participant_for_user(request, round_id, lao_code)
    if not may(request.user, participant.lao):
        raise PermissionDenied
    try:
        action(participant)
    except services.SubmissionIncomplete as incomplete:
        names = ", ".join(p.section.label_th for p in incomplete.missing)
        messages.error(
            request,
            _("Not submitted: these sections are not complete: %(names)s") % {"names": names},
        )
    except services.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, str(success(participant) if callable(success) else success))
    return redirect("deadlines:participant", round_id, lao_code)


def _act_view(*, may, service, success) -> Callable[..., HttpResponse]:
    """A POST view that runs one workflow service (``service(participant=, by=)``) through
    ``_act``; ``success`` (a lazy text, or a function of the participation) is translated when
    the message is shown."""

    @login_required
    @require_POST
    def view(request: HttpRequest, round_id: int, lao_code: str) -> HttpResponse:
        return _act(
            request, round_id, lao_code,
            may=may,
            action=lambda p: service(participant=p, by=request.user),
            success=success,
        )  # fmt: skip

    return view


participant_acknowledge = _act_view(
    may=access.can_edit_lao_record,
    service=services.round_acknowledge,
    success=gettext_lazy("Receipt acknowledged."),
)
participant_submit = _act_view(
    may=access.can_edit_lao_record,
    service=services.round_submit,
    success=lambda participant: (
        _("Submitted to %(supervisor)s for approval.")
        % {"supervisor": _supervisor_name(participant.lao)}
    ),
)


@login_required
@require_POST
def participant_approve(request: HttpRequest, round_id: int, lao_code: str) -> HttpResponse:
    """Approves with the confirmation ticked; without it nothing changes and the review page
    says why."""
    form = ApproveForm(request.POST)
    participant = _get_participant_for_user(request, round_id, lao_code)
    if access.can_review_lao(request.user, participant.lao) and not form.is_valid():
        messages.error(request, _("Tick the box to confirm the approval."))
        return redirect("deadlines:review", round_id, lao_code)
    return _act(
        request, round_id, lao_code,
        may=access.can_review_lao,
        action=lambda p: services.round_approve(participant=p, by=request.user),
        success=_("Approved."),
    )  # fmt: skip


@login_required
@require_POST
def participant_approve_many(request: HttpRequest, round_id: int) -> HttpResponse:
    """Approves at once the ticked records (``lao`` codes) the user supervises in the round;
    a record with a flag or a failing rule, or no longer awaiting approval, is refused by name."""
    round_ = _get_round_for_user(request, round_id)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = ""
    back = back or reverse("deadlines:round", args=[round_.pk])
    codes = request.POST.getlist("lao")
    participants = list(
        round_.participants.filter(
            lao__code__in=codes, lao__in=access.laos_supervised_by(request.user)
        ).select_related("round__circular", "lao__district__province")
    )
    if not request.POST.get("confirm"):
        messages.error(request, _("Tick the box to confirm the approval."))
        return redirect(back)
    if not participants:
        messages.info(request, _("No record was ticked."))
        return redirect(back)
    approved, refused = services.round_approve_many(participants=participants, by=request.user)
    if approved:
        messages.success(
            request,
            _("Approved: %(names)s.") % {"names": ", ".join(p.lao.display_name for p in approved)},
        )
    if refused:
        messages.error(
            request,
            _(
                "Not approved, open each to review it (flags or failing rules, or no longer "
                "awaiting approval): %(names)s."
            )
            % {"names": ", ".join(p.lao.display_name for p in refused)},
        )
    return redirect(back)


@login_required
@require_POST
def participant_return(request: HttpRequest, round_id: int, lao_code: str) -> HttpResponse:
    participant = _get_participant_for_user(request, round_id, lao_code)
    reviews = review_sections(participant) if request.POST.get("targets") else []
    form = ReturnForm(request.POST, choices=return_choices(reviews))

    def action(participant: RoundLAO) -> None:
        if not form.is_valid():
            raise services.WorkflowError(_("Say why the record is returned."))
        services.round_return(
            participant=participant,
            by=request.user,
            comment=form.cleaned_data["comment"],
            targets=form.cleaned_data["targets"],
        )

    return _act(
        request, round_id, lao_code,
        may=access.can_review_lao,
        action=action,
        success=_("Returned to the LAO with your comment."),
    )  # fmt: skip


@login_required
@require_POST
def participant_exception(request: HttpRequest, round_id: int, lao_code: str) -> HttpResponse:
    form = ExceptionForm(request.POST)

    def action(participant: RoundLAO) -> None:
        if not form.is_valid():
            raise services.WorkflowError(" ".join(e for errs in form.errors.values() for e in errs))
        services.lock_exception_grant(
            participant=participant,
            by=request.user,
            reason=form.cleaned_data["reason"],
            until=timezone.localdate() + datetime.timedelta(days=form.cleaned_data["days"]),
        )

    return _act(
        request, round_id, lao_code,
        may=access.can_review_lao,
        action=action,
        success=_("Exception granted: the LAO can change its record until the date shown."),
    )  # fmt: skip


@login_required
def reminder_letter(request: HttpRequest, round_id: int, lao_code: str) -> HttpResponse:
    participant = _get_participant_for_user(request, round_id, lao_code)
    if not access.can_review_lao(request.user, participant.lao):
        raise PermissionDenied

    context = reminder_letter_context(participant=participant, today=timezone.localdate())
    return render(request, "deadlines/reminder_letter.html", context)


@login_required
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    """The round's LAOs in the user's scope: status, acknowledgement, links to act."""
    round_ = _get_round_for_user(request, round_id)
    today = timezone.localdate()
    participants = round_.participants.filter(lao__in=access.laos_visible_to(request.user))
    rows = [
        (p, p.status_now)
        for p in participants.with_status(today=today)
        .select_related("lao__district")
        .order_by("lao__district_id", "lao__code")
    ]
    counts = participants.aggregate(
        total=Count("pk"), acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False))
    )
    return render(
        request,
        "deadlines/round_detail.html",
        {
            "round": round_,
            "rows": rows,
            "counts": counts,
            "statuses": RoundLAO.Status,
            "today": today,
        },
    )


# --- Circulars: list, detail, new (paste or upload → check what was read → save) -------------


def _get_circular_for_user(request: HttpRequest, circular_id: int) -> Circular:
    return access.get_visible_or_404(
        request,
        Circular.objects.visible_to(request.user).select_related(
            "forwards", "province", "district"
        ),
        pk=circular_id,
    )


@login_required
def circular_list(request: HttpRequest) -> HttpResponse:
    """The letters the user may read. Searched or filtered: the matching letters, newest first.
    Otherwise each circular with the forwarding letters beneath it (province, then district)."""
    visible = Circular.objects.visible_to(request.user).select_related(
        "round", "province", "district", "forwards"
    )
    found = CircularFilter(request.GET or None, queryset=visible)
    if found.active:
        page = Paginator(found.qs, 50).get_page(request.GET.get("page"))
    else:
        # A letter is nested under the letter it forwards when the user may read that one.
        roots = visible.filter(Q(forwards__isnull=True) | ~Q(forwards__in=visible))
        page = Paginator(roots, 50).get_page(request.GET.get("page"))
        _attach_forwarding_letters(visible, list(page.object_list))
    return render(
        request,
        "deadlines/circular_list.html",
        {"page": page, "filter": found, "searching": found.active},
    )


def _attach_forwarding_letters(visible, letters: list[Circular]) -> None:
    """Sets ``forwarding`` on each letter: the readable letters forwarding it, and theirs
    (province, then district letters; two queries)."""
    children: dict[int, list[Circular]] = {}
    parents = [c.pk for c in letters]
    for _level in range(2):
        found = list(visible.filter(forwards_id__in=parents).order_by("date", "reference"))
        for letter in found:
            children.setdefault(letter.forwards_id, []).append(letter)
        parents = [c.pk for c in found]
    for letter in letters:
        letter.forwarding = children.get(letter.pk, [])
        for child in letter.forwarding:
            child.forwarding = children.get(child.pk, [])


@login_required
def circular_detail(request: HttpRequest, circular_id: int) -> HttpResponse:
    circular = _get_circular_for_user(request, circular_id)
    visible = Circular.objects.visible_to(request.user)
    forwardable = Circular.objects.forwardable_by(request.user)
    round_ = getattr(circular.department_circular, "round", None)
    return render(
        request,
        "deadlines/circular_detail.html",
        {
            "circular": circular,
            "chain": circular.chain(),
            "forwarded_by": visible.filter(forwards=circular),
            "linked": visible.filter(pk__in=circular.linked.values("pk")),
            "cited_by": visible.filter(pk__in=circular.cited_by.values("pk")),
            "attachments": circular.attachments.all(),
            "round": round_,
            "can_forward": forwardable.filter(pk=circular.pk).exists(),
        },
    )


@login_required
def attachment_download(request: HttpRequest, circular_id: int, attachment_id: int):
    circular = _get_circular_for_user(request, circular_id)
    attachment = get_object_or_404(circular.attachments, pk=attachment_id)
    stream = attachment.file.open("rb")
    file_type = attachments.sniff(stream)  # an old file of another type: opaque bytes
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=attachments.download_name(attachment.name, file_type),
        content_type=file_type.content_type if file_type else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def circular_new(request: HttpRequest) -> HttpResponse:
    level = access.letter_level(request.user)
    if level is None:
        raise Http404
    forwardable = Circular.objects.forwardable_by(request.user)
    step = request.POST.get("step", "")
    context = {"level": level, "forwardable": forwardable}

    if request.method != "POST" or step not in ("read", "save"):
        forward_form = ForwardChoiceForm(
            queryset=forwardable, initial={"forwards": request.GET.get("forwards")}
        )
        return render(
            request,
            "deadlines/circular_new.html",
            {**context, "source_form": CircularSourceForm(), "forward_form": forward_form},
        )

    forward_form = ForwardChoiceForm(request.POST, queryset=forwardable)
    if step == "read":
        source_form = CircularSourceForm(request.POST, request.FILES)
        forwards_ok = level == Circular.Level.DEPARTMENT or forward_form.is_valid()
        if not (source_form.is_valid() and forwards_ok):
            return render(
                request,
                "deadlines/circular_new.html",
                {**context, "source_form": source_form, "forward_form": forward_form},
            )
        try:
            parsed = parse_circular(source_form.cleaned_data["text"])
        except CircularError as error:
            source_form.add_error(None, str(error))
            return render(
                request,
                "deadlines/circular_new.html",
                {**context, "source_form": source_form, "forward_form": forward_form},
            )
        return render(
            request,
            "deadlines/circular_check.html",
            {
                **context,
                "form": CircularForm(initial=CircularForm.initial_from(parsed)),
                "round_form": RoundForm(initial=RoundForm.initial_from(parsed))
                if level == Circular.Level.DEPARTMENT
                else None,
                "forward_form": forward_form,
                "parsed": parsed,
            },
        )

    form = CircularForm(request.POST, request.FILES)
    round_form = RoundForm(request.POST) if level == Circular.Level.DEPARTMENT else None
    forwards_ok = level == Circular.Level.DEPARTMENT or forward_form.is_valid()
    if not (form.is_valid() and forwards_ok and (round_form is None or round_form.is_valid())):
        return render(
            request,
            "deadlines/circular_check.html",
            {**context, "form": form, "round_form": round_form, "forward_form": forward_form},
        )
    forwards = forward_form.cleaned_data["forwards"] if level != Circular.Level.DEPARTMENT else None
    today = timezone.localdate()
    doubts = deadline_doubts(deadline=form.cleaned_data["deadline"], today=today, forwards=forwards)
    if round_form is not None:
        doubts += deadline_doubts(deadline=round_form.cleaned_data["round_deadline"], today=today)
    if doubts and not form.cleaned_data["confirm_deadline"]:
        form.add_error("confirm_deadline", " ".join(dict.fromkeys(doubts)))
        return render(
            request,
            "deadlines/circular_check.html",
            {**context, "form": form, "round_form": round_form, "forward_form": forward_form},
        )
    circular = services.circular_publish(
        level=level,
        letter=form.letter_fields(),
        attachment=form.cleaned_data["attachment"],
        round_fields=round_form.cleaned_data if round_form else None,
        forwards=forwards,
        by=request.user,
    )
    messages.success(request, _("The letter is saved."))
    return redirect("deadlines:circular", circular.pk)


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    """The user's reminders as notices in the portal; reading them is a POST (``notices_read``)."""
    mine = request.user.reminders.select_related("round__circular", "participant__lao")[:100]
    return render(request, "deadlines/notices.html", {"notices": mine})


@login_required
@require_POST
def notices_read(request: HttpRequest, notice_id: int | None = None) -> HttpResponse:
    """Marks one of the user's notices read, or all of them; another user's notice is a 404."""
    unread = request.user.reminders.filter(read_at__isnull=True)
    if notice_id is not None:
        get_object_or_404(request.user.reminders, pk=notice_id)
        unread = unread.filter(pk=notice_id)
    unread.update(read_at=timezone.now())
    return redirect("deadlines:notices")
