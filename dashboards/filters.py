"""The dashboards' URL filters (django-filter): fiscal year, round, LAO type, status, a
completeness threshold, a search and the sort — all in the query string, so a view can be
bookmarked and sent, and a download gets exactly the rows of the page.

Bad values are dropped (the form shows why) and the page falls back to the defaults: the latest
round by deadline and its fiscal year.
"""

import datetime
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.figures import LAO_SORTS
from deadlines import progress_rollups
from deadlines.models import Round, RoundLAO
from lgdata.thai import be_date, fiscal_year_of
from records.models import LAO, Province

SORT_LABELS = {
    "code": gettext_lazy("DLA code"),
    "name": gettext_lazy("Name"),
    "type": gettext_lazy("Type"),
    "completeness": gettext_lazy("Completeness"),
    "status": gettext_lazy("Status"),
    "updated": gettext_lazy("Last updated"),
    "days": gettext_lazy("Days early or late"),
    "behind": gettext_lazy("Furthest behind first"),
}


@dataclass
class Period:
    """The fiscal year and round a dashboard shows, and what could be chosen instead."""

    fiscal_year: int
    round: Round | None
    rounds: list[Round]  # every round, latest deadline first
    years: list[int]
    today: datetime.date

    @property
    def year_rounds(self) -> list[Round]:
        return [r for r in self.rounds if r.fiscal_year == self.fiscal_year]


def resolve_period(data, *, today: datetime.date) -> Period:
    """The year and round asked for in ``data`` (a QueryDict), when they exist; otherwise the
    year's latest round, or the latest round of all and its year. Two queries."""
    rounds = list(Round.objects.select_related("circular").order_by("-deadline", "-id"))
    # Only years that have a round or records (the current year when nothing has either yet):
    # those the progress roll-ups hold, as every record's first save rolls its year up.
    years = progress_rollups.rolled_up_years()
    years |= {r.fiscal_year for r in rounds}
    years = years or {fiscal_year_of(today)}
    by_id = {str(r.pk): r for r in rounds}
    year = _int(data.get("year"))
    chosen = by_id.get(data.get("round") or "")
    if year in years:
        if chosen is None or chosen.fiscal_year != year:
            chosen = next((r for r in rounds if r.fiscal_year == year), None)
    elif chosen is not None:
        year = chosen.fiscal_year
    else:
        chosen = rounds[0] if rounds else None
        this_year = fiscal_year_of(today)
        year = chosen.fiscal_year if chosen else this_year if this_year in years else max(years)
    return Period(year, chosen, rounds, sorted(years, reverse=True), today)


def _style(form: forms.Form) -> None:
    """Bootstrap classes on the filter widgets (the form is drawn by hand, small)."""
    for bound in form.fields.values():
        select = isinstance(bound.widget, forms.Select)
        bound.widget.attrs["class"] = (
            "form-select form-select-sm" if select else "form-control form-control-sm"
        )


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


class DashboardFilter(django_filters.FilterSet):
    """Filters every dashboard reads. ``type`` and ``q`` narrow the LAOs here (``qs``); the
    year, round, status, threshold and sort are read by the view (``period``, ``status``,
    ``below``, ``sort``) because they apply to figures computed in the same query."""

    year = django_filters.ChoiceFilter(
        label=gettext_lazy("Fiscal year"), method="keep", empty_label=None
    )
    round = django_filters.ChoiceFilter(
        label=gettext_lazy("Round"), method="keep", empty_label=gettext_lazy("Latest")
    )
    type = django_filters.ChoiceFilter(
        label=gettext_lazy("LAO type"), choices=LAO.Type.choices, empty_label=gettext_lazy("All")
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=RoundLAO.Status.choices,
        method="keep",
        empty_label=gettext_lazy("All"),
    )
    below = django_filters.NumberFilter(
        label=gettext_lazy("Completeness below (%)"),
        method="keep",
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"min": 1, "max": 100, "step": 1}),
    )
    q = django_filters.CharFilter(
        label=gettext_lazy("Name or code"), method="search", max_length=100
    )
    sort = django_filters.ChoiceFilter(
        label=gettext_lazy("Sort by"), method="keep", empty_label=None
    )

    class Meta:
        model = LAO
        fields: list[str] = []

    def __init__(
        self,
        data=None,
        queryset=None,
        *,
        today: datetime.date,
        without: tuple[str, ...] = (),
        **kwargs,
    ):
        """``without`` names filters a page does not offer (a page without an LAO table has
        no search and no sort)."""
        data = data.copy() if data is not None else QueryDict(mutable=True)
        for name in without:
            data.pop(name, None)
        self.period = period = resolve_period(data, today=today)
        # The form shows what the page shows, whatever the URL asked for.
        data["year"] = str(period.fiscal_year)
        if data.get("round") and (period.round is None or data["round"] != str(period.round.pk)):
            del data["round"]
        super().__init__(data, queryset=queryset, **kwargs)
        for name in without:
            del self.filters[name]
        self.filters["year"].extra["choices"] = [(y, y) for y in period.years]
        self.filters["round"].extra["choices"] = [
            (r.pk, f"{r.circular.reference} · {_('deadline')} {be_date(r.deadline, short=True)}")
            for r in period.year_rounds
        ]
        sorts = [(key, SORT_LABELS[key]) for key in LAO_SORTS]
        sorts += [(f"-{key}", f"{SORT_LABELS[key]} ↓") for key in LAO_SORTS if key != "behind"]
        if "sort" in self.filters:
            self.filters["sort"].extra["choices"] = sorts
        _style(self.form)

    def keep(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """Read by the view, not applied to the LAOs here."""
        return queryset

    def search(self, queryset: QuerySet[LAO], name: str, value: str) -> QuerySet[LAO]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name_th__icontains=value) | Q(code__startswith=value))

    def _clean(self, name: str):
        self.form.is_valid()  # cleaned_data keeps the valid fields of an invalid form
        return self.form.cleaned_data.get(name)

    @property
    def chosen(self) -> "Chosen":
        """The valid values of the filters the view applies itself."""
        self.form.is_valid()  # cleaned_data keeps the valid fields of an invalid form
        data = self.form.cleaned_data
        below = data.get("below")
        return Chosen(
            status=(data.get("status") or None) if self.period.round is not None else None,
            below=int(below) if below else None,
            sort=data.get("sort") or "code",
            lao_type=data.get("type") or "",
            query=(data.get("q") or "").strip(),
        )

    def applied(self) -> dict[str, str]:
        """The filters in words, for the top of a download."""
        period, chosen = self.period, self.chosen
        words = {_("Fiscal year"): str(period.fiscal_year)}
        if period.round is not None:
            words[_("Round")] = period.round.circular.reference
        if chosen.lao_type:
            words[_("LAO type")] = str(LAO.Type(chosen.lao_type).label)
        if chosen.status:
            words[_("Status")] = str(RoundLAO.Status(chosen.status).label)
        if chosen.below:
            words[_("Completeness below (%)")] = str(chosen.below)
        if chosen.query:
            words[_("Name or code")] = chosen.query
        return words


@dataclass(frozen=True)
class Chosen:
    status: str | None
    below: int | None
    sort: str
    lao_type: str
    query: str

    @property
    def narrows(self) -> bool:
        """Whether LAOs are picked by their figures (status, threshold): the burn-up, which
        counts every LAO of the type chosen, is then left out rather than mixed."""
        return bool(self.status or self.below)


class FieldFilter(django_filters.FilterSet):
    """Filters of the field-level view: fiscal year, province and LAO type."""

    year = django_filters.ChoiceFilter(
        label=gettext_lazy("Fiscal year"), method="keep", empty_label=None
    )
    province = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Province"),
        field_name="district__province",
        queryset=Province.objects.order_by("name_th"),
        empty_label=gettext_lazy("Whole country"),
    )
    type = django_filters.ChoiceFilter(
        label=gettext_lazy("LAO type"), choices=LAO.Type.choices, empty_label=gettext_lazy("All")
    )

    class Meta:
        model = LAO
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, today: datetime.date, **kwargs):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        self.period = period = resolve_period(data, today=today)
        data["year"] = str(period.fiscal_year)
        super().__init__(data, queryset=queryset, **kwargs)
        self.filters["year"].extra["choices"] = [(y, y) for y in period.years]
        _style(self.form)

    def keep(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset

    def applied(self) -> dict[str, str]:
        """The filters in words, for the top of a download."""
        self.form.is_valid()
        data = self.form.cleaned_data
        words = {_("Fiscal year"): str(self.period.fiscal_year)}
        if data.get("province"):
            words[_("Province")] = data["province"].name_th
        if data.get("type"):
            words[_("LAO type")] = str(LAO.Type(data["type"]).label)
        return words
