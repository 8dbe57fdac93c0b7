"""The circulars list's search and filters, kept in the URL (?q=…&level=…&year=…)."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from deadlines.models import Circular
from deadlines.parsing import normalise_reference

BE_OFFSET = 543


class CircularFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=gettext_lazy("Reference or subject"),
        method="search",
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )
    level = django_filters.ChoiceFilter(
        label=gettext_lazy("From"),
        choices=Circular.Level.choices,
        empty_label=gettext_lazy("All"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    year = django_filters.ChoiceFilter(
        label=gettext_lazy("Year (BE)"),
        method="in_year",
        empty_label=gettext_lazy("All"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = Circular
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        years = sorted({d.year for d in queryset.dates("date", "year")}, reverse=True)
        self.filters["year"].extra["choices"] = [(y + BE_OFFSET, y + BE_OFFSET) for y in years]

    @property
    def active(self) -> bool:
        """Whether the user searched or filtered (an unknown year is then simply not applied)."""
        return self.is_bound and any(self.data.get(k, "").strip() for k in ("q", "level", "year"))

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """A reference as typed (Thai or Arabic digits, any spacing) or words of the subject."""
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(reference__icontains=value)
            | Q(reference_normalised__icontains=normalise_reference(value))
            | Q(subject__icontains=value)
        )

    def in_year(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(date__year=int(value) - BE_OFFSET) if value else qs
