"""Forms of the deadlines app: reading a circular, checking what was read, opening a round."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from deadlines import attachments
from deadlines.models import Circular
from deadlines.parsing import MAX_TEXT_CHARS, CircularError, decode_circular
from lgdata import thai
from records.forms import BuddhistDateField
from records.models import LAO
from records.schema import current_schema
from records.values import typed_date

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def _be(day: datetime.date | None) -> str:
    """A date as people type it, 30/9/2568 (records.values.typed_date); empty for None."""
    return typed_date(day) if day else ""


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class CircularSourceForm(forms.Form):
    """Step 1: the letter's text, pasted or uploaded."""

    text = forms.CharField(
        label=_("Paste the letter's text"),
        widget=forms.Textarea(attrs={"rows": 14}),
        required=False,
        # A longer paste gets this message on the form (docs/circulars.md); one past
        # DATA_UPLOAD_MAX_MEMORY_SIZE gets templates/400.html.
        max_length=MAX_TEXT_CHARS,
        error_messages={
            "max_length": _(
                "The text has %(show_value)s characters; the portal reads letters of at most "
                "%(limit_value)s. Paste only the letter itself, without its enclosures."
            )
        },
    )
    file = forms.FileField(
        label=_("or upload it as a text file"),
        required=False,
        help_text=_(
            "Plain text in UTF-8 or TIS-620. A scanned PDF cannot be read: paste its text."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            if upload.size > 1024 * 1024:
                raise forms.ValidationError(_("The file is larger than 1 MB."))
            try:
                cleaned["text"] = decode_circular(upload.read())
            except CircularError as error:
                raise forms.ValidationError(str(error)) from None
        # A text refused on its own (too long) has its message already; "paste it" would
        # contradict it.
        if not (cleaned.get("text") or "").strip() and "text" not in self.errors:
            raise forms.ValidationError(_("Paste the letter's text or upload it."))
        return cleaned


class CircularForm(forms.Form):
    """Step 2: what was read, for the user to check and correct before saving."""

    reference = forms.CharField(label=_("Reference number (ที่)"), max_length=100)
    date = BuddhistDateField(label=_("Date of the letter"), required=True)
    subject = forms.CharField(label=_("Subject (เรื่อง)"), max_length=500)
    addressees = forms.CharField(
        label=_("Addressees (เรียน), one per line"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    references = forms.CharField(
        label=_("References (อ้างถึง), one per line"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    enclosures = forms.CharField(
        label=_("Enclosures (สิ่งที่ส่งมาด้วย), one per line"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    deadline = BuddhistDateField(label=_("Deadline in the letter"), required=False)
    issuer = forms.CharField(label=_("Issuer"), max_length=300, required=False)
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    attachment = forms.FileField(
        label=_("Signed letter (PDF, XLSX, DOCX or image; optional)"),
        required=False,
        help_text=_("At most 10 MB."),
    )
    confirm_deadline = forms.BooleanField(
        label=_("I confirm the deadline as written, despite the warning above."),
        required=False,
    )

    @classmethod
    def initial_from(cls, parsed) -> dict:
        return {
            "reference": parsed.reference,
            "date": _be(parsed.date),
            "subject": parsed.subject,
            "addressees": "\n".join(parsed.addressees),
            "references": "\n".join(parsed.references),
            "enclosures": "\n".join(parsed.enclosures),
            "deadline": _be(parsed.deadline),
            "issuer": parsed.issuer,
            "body": parsed.body,
        }

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        # Checked by content, not by name (deadlines/attachments.py).
        if attachments.sniff(upload) is None:
            raise forms.ValidationError(_("This file is not a PDF, XLSX, DOCX or image."))
        return upload

    def letter_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "reference": data["reference"],
            "date": data["date"],
            "subject": data["subject"],
            "addressees": _lines(data["addressees"]),
            "references": _lines(data["references"]),
            "enclosures": _lines(data["enclosures"]),
            "deadline": data["deadline"],
            "issuer": data["issuer"],
            "body": data["body"],
        }


def deadline_doubts(
    *,
    deadline: datetime.date | None,
    today: datetime.date,
    forwards: Circular | None = None,
) -> list[str]:
    """Why a letter's deadline may be a typo, in words: already past, or later than the letter
    it forwards (a forwarding letter may only bring the date forward, docs/circulars.md).
    The officer confirms before the letter is saved."""
    doubts = []
    if deadline is None:
        return doubts
    if deadline < today:
        doubts.append(
            _("The deadline %(date)s is already past.") % {"date": thai.be_date(deadline)}
        )
    if forwards is not None:
        forwarded = forwards.deadline or getattr(
            getattr(forwards.department_circular, "round", None), "deadline", None
        )
        if forwarded and deadline > forwarded:
            doubts.append(
                _(
                    "The deadline %(date)s is later than %(forwarded)s, the deadline of the "
                    "letter it forwards (%(ref)s)."
                )
                % {
                    "date": thai.be_date(deadline),
                    "forwarded": thai.be_date(forwarded),
                    "ref": forwards.reference,
                }
            )
    return doubts


class RoundForm(forms.Form):
    """Step 2, for a department circular: the round it opens."""

    fiscal_year = forms.IntegerField(label=_("Fiscal year (BE)"), min_value=2540, max_value=2700)
    round_deadline = BuddhistDateField(label=_("Deadline for on-time submission"), required=True)
    lock_date = BuddhistDateField(
        label=_("Lock date (optional)"),
        required=False,
        help_text=_("After this day changes need an exception from the district or province."),
    )
    sections = forms.MultipleChoiceField(
        label=_("Sections required"), widget=forms.CheckboxSelectMultiple
    )
    lao_types = forms.MultipleChoiceField(
        label=_("LAO types"),
        choices=LAO.Type.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked means every type."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = [
            (s.code, s.label_th) for s in current_schema().sections.all()
        ]

    @classmethod
    def initial_from(cls, parsed) -> dict:
        sections = list(current_schema().sections.values_list("code", flat=True))
        return {
            "fiscal_year": thai.fiscal_year_of(parsed.date) if parsed.date else "",
            "round_deadline": _be(parsed.deadline),
            "sections": sections,
        }

    def clean(self):
        cleaned = super().clean()
        deadline, lock = cleaned.get("round_deadline"), cleaned.get("lock_date")
        if deadline and lock and lock < deadline:
            self.add_error("lock_date", _("The lock date cannot be before the deadline."))
        return cleaned


class ForwardChoiceForm(forms.Form):
    """Which letter a province or district letter forwards."""

    forwards = forms.ModelChoiceField(queryset=Circular.objects.none(), label=_("Forwards"))

    def __init__(self, *args, queryset=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["forwards"].queryset = (
            queryset if queryset is not None else Circular.objects.none()
        )
