"""Forms of the records app."""

import html
from dataclasses import dataclass

from django import forms
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from records import uploads, values
from records.models import Field
from records.values import NOT_APPLICABLE


class RegistryUploadForm(uploads.UploadForm):
    """The department's registry file."""

    file = forms.FileField(
        label=_("Registry file"),
        help_text=_(
            "The department's LAO registry as Excel (.xlsx) or CSV (UTF-8 or TIS-620), "
            "with its header row. Nothing is changed until you confirm the preview."
        ),
    )


# --- Section forms of the record -------------------------------------------------------------


class ThaiNumberField(forms.CharField):
    """A number typed the way people here type it: Thai or Arabic digits, thousands separators.

    Cleans to a Decimal; bounds come from the schema.
    """

    def __init__(self, *, whole: bool, min_value=None, max_value=None, **kwargs) -> None:
        self.whole, self.min_value, self.max_value = whole, min_value, max_value
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            number = values.parse_number(super().to_python(value))
            if number is not None:
                values.check_number(
                    number, whole=self.whole, min_value=self.min_value, max_value=self.max_value
                )
        except values.InvalidValue as error:
            raise forms.ValidationError(str(error)) from None
        return number


class BuddhistDateField(forms.CharField):
    """A date typed as day/month/Buddhist-Era year (30/9/2568, Thai digits welcome).

    ``min_year``/``max_year`` (Buddhist Era) bound it; by default records.values' plausible
    range. A Common-Era year is refused with the date it probably meant (records.values)."""

    def __init__(self, *, min_year=None, max_year=None, **kwargs) -> None:
        self.min_year, self.max_year = min_year, max_year
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return values.parse_date(
                super().to_python(value), min_year=self.min_year, max_year=self.max_year
            )
        except values.InvalidValue as error:
            raise forms.ValidationError(str(error)) from None


class SectionForm(forms.Form):
    """The form of one section, built from the schema.

    Each field has a "not applicable" box beside it: empty means "no data yet", the box means
    "there is no such thing here", and 0 means zero. Values far from last year's are flagged
    for a second look but never block the save.
    """

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, schema_fields: list[Field], previous: dict, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.schema_fields, self.previous, self.language = schema_fields, previous, language
        for f in schema_fields:
            label = f.label_th if language == "th" else f.label_en
            help_text = f.help_th if language == "th" else f.help_en
            shown_previous = values.show_value(previous.get(f.code), f, language)
            if shown_previous:
                last_year = _("Last year: %(value)s") % {"value": shown_previous}
                help_text = f"{last_year} · {help_text}" if help_text else last_year
            common = {"label": label, "required": False, "help_text": help_text}
            if f.type in (Field.Type.INTEGER, Field.Type.DECIMAL, Field.Type.MONEY):
                self.fields[f.code] = ThaiNumberField(
                    whole=f.type == Field.Type.INTEGER,
                    min_value=f.min_value,
                    max_value=f.max_value,
                    **common,
                )
            elif f.type == Field.Type.DATE:
                self.fields[f.code] = BuddhistDateField(
                    min_year=f.min_value,
                    max_year=f.max_value,
                    widget=forms.TextInput(attrs={"placeholder": _("dd/mm/yyyy (BE)")}),
                    **common,
                )
            elif f.type == Field.Type.BOOLEAN:
                self.fields[f.code] = forms.ChoiceField(
                    choices=[("", "—"), ("yes", _("yes")), ("no", _("no"))], **common
                )
            elif f.type == Field.Type.CHOICE:
                self.fields[f.code] = forms.ChoiceField(
                    choices=[("", "—")] + [(c["value"], c[f"label_{language}"]) for c in f.choices],
                    **common,
                )
            else:
                self.fields[f.code] = forms.CharField(max_length=1000, **common)
            if f.type == Field.Type.TEXT:
                # A text field has no "not applicable" marker: NA typed there is text.
                continue
            self.fields[f"{f.code}__na"] = forms.BooleanField(
                label=_("not applicable"),
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
        for f in schema_fields:
            widget = self.fields[f.code].widget
            widget.attrs["class"] = (
                "form-select" if isinstance(widget, forms.Select) else "form-control"
            )

    def rows(self, *, flagged=()) -> list["SectionRow"]:
        """One row per schema field, for the template's single loop (records/section_form.html):
        its widgets written as Django's widget templates write them, without rendering a
        template per widget. ``flagged``: the codes marked as far from last year's value."""
        rows = []
        for f in self.schema_fields:
            field = self[f.code]
            errors = field.errors if self.is_bound else ()
            na = self[f"{f.code}__na"] if f"{f.code}__na" in self.fields else None
            rows.append(
                SectionRow(
                    code=f.code,
                    id=field.id_for_label,
                    label=field.label,
                    required=f.required,
                    unit=f.unit_th if self.language == "th" else f.unit_en,
                    widget=lean_widget(field, invalid=bool(errors)),
                    na=lean_widget(na) if na is not None else None,
                    na_id=na.id_for_label if na is not None else "",
                    na_label=na.label if na is not None else "",
                    errors=errors,
                    help_text=field.help_text,
                    help_id=f"{field.auto_id}_helptext" if field.auto_id else "",
                    error_id=f"{field.auto_id}_error" if field.auto_id else "",
                    flagged=f.code in flagged,
                )
            )
        return rows

    def version_widget(self) -> SafeString:
        """The hidden version input."""
        return lean_widget(self["version"])

    def error_summary(self) -> list[dict]:
        """Each field's errors with its label and the anchor of its row, for the list at the
        top of the form (the same messages are shown beside each field)."""
        summary = []
        for f in self.schema_fields:
            for message in self.errors.get(f.code, []):
                summary.append(
                    {
                        "label": self.fields[f.code].label,
                        "message": message,
                        "anchor": f"row-{f.code}",
                    }
                )
        return summary

    @classmethod
    def initial_for(cls, stored: dict, schema_fields: list[Field], version: int) -> dict:
        initial = {"version": version}
        for f in schema_fields:
            initial[f.code] = values.stored_to_initial(stored.get(f.code), f)
            initial[f"{f.code}__na"] = values.is_not_applicable(stored.get(f.code), f)
        return initial

    def stored_values(self) -> dict:
        """The cleaned form as values to store ("NA" for a ticked not-applicable box)."""
        stored = {}
        for f in self.schema_fields:
            if f.type != Field.Type.TEXT and self.cleaned_data.get(f"{f.code}__na"):
                stored[f.code] = NOT_APPLICABLE
            else:
                stored[f.code] = values.form_to_stored(self.cleaned_data.get(f.code), f)
        return stored

    def clean(self):
        cleaned = super().clean()
        for f in self.schema_fields:
            value = cleaned.get(f.code)
            if cleaned.get(f"{f.code}__na") and value not in (None, ""):
                self.add_error(f.code, _("Either give a value or tick “not applicable”, not both."))
        return cleaned


@dataclass(frozen=True, slots=True)
class SectionRow:
    """One field of a section form as the page lays it out: the input (and the "not
    applicable" box) already written, everything else plain values for the template."""

    code: str
    id: str
    label: str
    required: bool
    unit: str
    widget: SafeString
    na: SafeString | None
    na_id: str
    na_label: str
    errors: list
    help_text: str
    help_id: str  # the ids the input's aria-describedby names (Django's)
    error_id: str
    flagged: bool


def rows_html(rows: list[SectionRow], *, history_url: str | None) -> SafeString:
    """The section form's rows laid out as records/section_form.html shows them: one box per
    field with its label (a star when required), the input and its unit, the "not applicable"
    box, the link to the field's history (``history_url``, once the record exists), its errors,
    its help and the note when it is far from last year's value.

    Written here rather than by a template loop: a section has dozens of fields, and the loop
    was a fifth of a section page's time. Every value is escaped; the inputs are already HTML
    (``lean_widget``)."""
    required = _escape(gettext("required"))
    history = _escape(gettext("history"))
    far = _escape(gettext("Far from last year's value: please check."))
    history_url = _escape(history_url) if history_url else ""
    out = []
    for row in rows:
        code = _escape(row.code)
        star = f' <span class="text-danger" title="{required}">*</span>' if row.required else ""
        unit = f'<span class="input-group-text">{_escape(row.unit)}</span>' if row.unit else ""
        na = (
            f'<div class="form-check">{row.na} <label class="form-check-label" '
            f'for="{_escape(row.na_id)}">{_escape(row.na_label)}</label></div>'
            if row.na
            else ""
        )
        link = f'<a href="{history_url}?field={code}">{history}</a>' if history_url else ""
        errors = (
            f'<div id="{_escape(row.error_id)}">'
            + "".join(
                f'<div class="text-danger small mt-1" role="alert">{_escape(e)}</div>'
                for e in row.errors
            )
            + "</div>"
            if row.errors
            else ""
        )
        help_text = (
            f'<div class="form-text" id="{_escape(row.help_id)}">{_escape(row.help_text)}</div>'
            if row.help_text
            else ""
        )
        note = f'<div class="small text-warning-emphasis">{far}</div>' if row.flagged else ""
        box = "mb-3 p-2 bg-white border rounded" + (" border-warning" if row.flagged else "")
        out.append(
            f'<div class="{box}" id="row-{code}">\n'
            f'<label for="{_escape(row.id)}" class="form-label fw-semibold">'
            f"{_escape(row.label)}{star}</label>\n"
            '<div class="row g-2 align-items-center">\n<div class="col-sm-7">\n'
            f'<div class="input-group has-validation">\n{row.widget}\n{unit}\n</div>\n</div>\n'
            f'<div class="col-sm-5 d-flex gap-3 small">\n{na}\n{link}\n</div>\n</div>\n'
            f"{errors}\n{help_text}\n{note}\n</div>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value escaped above


# --- Widgets without a template each ----------------------------------------------------------
# A section has dozens of fields, each with an input and a "not applicable" box; rendering them
# through Django's widget templates (three or four template renders each) was most of a section
# page's time. The widgets the section form uses are written here as those templates write
# them (django/forms/templates/django/forms/widgets/input.html, select.html, attrs.html); any
# other widget still goes through its template.

LEAN_WIDGETS = (forms.TextInput, forms.HiddenInput, forms.Select, forms.CheckboxInput)


def _escape(value) -> str:
    """As django.utils.html.conditional_escape (HTML-safe values as they are, the rest escaped),
    without its lazy-string wrapper: it is called a few hundred times a page."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attrs_html(attrs: dict) -> str:
    """Attributes as attrs.html writes them: True as a bare name, False left out."""
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def lean_widget(field: forms.BoundField, *, invalid: bool = False) -> SafeString:
    """The bound field's widget as HTML, the same as ``str(field)`` gives (its value, id,
    disabled, aria-invalid and aria-describedby), with ``is-invalid`` added to its class when
    ``invalid``."""
    widget = field.field.widget
    if type(widget) not in LEAN_WIDGETS or field.field.localize:
        if invalid:
            widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
        return field.as_widget()
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    attrs = {**widget.attrs, **attrs}  # as Widget.build_attrs
    if invalid:
        attrs["class"] = attrs.get("class", "") + " is-invalid"
    name = _escape(field.html_name)
    value = field.value()
    if isinstance(widget, forms.Select):
        return _select_html(widget, name, value, attrs) or field.as_widget()
    if isinstance(widget, forms.CheckboxInput) and widget.check_test(value):
        attrs["checked"] = True
    shown = widget.format_value(value)
    value_html = "" if shown is None else f' value="{_escape(str(shown))}"'
    html = f'<input type="{widget.input_type}" name="{name}"{value_html}{_attrs_html(attrs)}>'
    return mark_safe(html)  # noqa: S308 - every value escaped above


def _select_html(widget: forms.Select, name: str, value, attrs: dict) -> SafeString | None:
    """A single-choice select with flat choices (None for anything else)."""
    if widget.allow_multiple_selected:
        return None
    chosen = widget.format_value(value)
    options, has_selected = [], False
    for option_value, option_label in widget.choices:
        if isinstance(option_label, list | tuple):
            return None  # option groups: Django's template
        option_value = "" if option_value is None else str(option_value)
        selected = not has_selected and option_value in chosen
        has_selected |= selected
        options.append(
            f'<option value="{_escape(option_value)}"{" selected" if selected else ""}>'
            f"{_escape(option_label)}</option>"
        )
    html = f'<select name="{name}"{_attrs_html(attrs)}>{"".join(options)}</select>'
    return mark_safe(html)  # noqa: S308 - every value escaped above
