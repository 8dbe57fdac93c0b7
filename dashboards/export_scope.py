"""Which LAOs and which fiscal year a records export covers, for whom.

The web export, the background job and ``manage.py export_records`` all start here: the scope
is what the user may read (``accounts.access``), narrowed by the filters in the address, and a
filter outside it is an error rather than an empty file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from deadlines.models import Round
from lgdata.thai import fiscal_year_of
from records.models import LAO, District, Province, Record

if TYPE_CHECKING:
    from accounts.models import User


class ExportScopeError(Exception):
    """A filter that names a place the user may not see, or that does not exist."""


@dataclass
class ExportScope:
    """Which LAOs and which fiscal year an export covers, and how its filters read."""

    laos: QuerySet[LAO]
    fiscal_year: int
    filters: dict[str, str] = field(default_factory=dict)
    slug: str = "national"  # for the file name: records-<slug>-<year>

    @property
    def filename(self) -> str:
        return f"records-{self.slug}-{self.fiscal_year}"

    def has_records(self) -> bool:
        """Whether any LAO of the scope has a record of the year: without one, an export says
        so instead of giving a file of empty rows."""
        return Record.objects.filter(fiscal_year=self.fiscal_year, lao__in=self.laos).exists()


def export_years(*, today) -> list[int]:
    """The fiscal years worth exporting, newest first: those with records or a round (the
    current year when nothing has either yet)."""
    years = set(Record.objects.order_by().values_list("fiscal_year", flat=True).distinct())
    years |= set(Round.objects.order_by().values_list("fiscal_year", flat=True).distinct())
    return sorted(years or {fiscal_year_of(today)}, reverse=True)


def export_scope(
    *,
    user: User | None,
    province: str = "",
    district: str = "",
    lao: str = "",
    year: int | None = None,
    language: str = "th",
) -> ExportScope:
    """The LAOs an export covers: those the user may read (``accounts.access``; every LAO for
    ``user=None``, the command line), narrowed by a province, district or LAO code.

    A filter naming a place outside the user's scope, or one that does not exist, raises
    ``ExportScopeError`` (a 404 on the web): a district officer cannot export another district
    by editing the address. LAOs that exist today and LAOs that have a record of the year are
    exported; an LAO without a record has an empty row.
    """
    year = year or fiscal_year_of(timezone.localdate())
    laos = access.laos_visible_to(user) if user is not None else LAO.objects.all()
    filters: dict[str, str] = {_("Fiscal year"): str(year)}
    slug = "national"
    places = (
        (province, access.provinces_visible_to, Province, "district__province", _("Province")),
        (district, access.districts_visible_to, District, "district", _("District")),
    )
    unknown = {
        Province: _("Unknown province “%(code)s”."),
        District: _("Unknown district “%(code)s”."),
    }
    for code, visible_to, model, lookup, label in places:
        if not code:
            continue
        place = (visible_to(user) if user is not None else model.objects).filter(pk=code).first()
        if place is None:
            raise ExportScopeError(unknown[model] % {"code": code})
        laos = laos.filter(**{lookup: place})
        filters[label] = f"{_name(place, language)} ({place.code})"
        slug = place.code
    if lao:
        one = laos.filter(code=lao).first()
        if one is None:
            raise ExportScopeError(_("Unknown LAO code “%(code)s”.") % {"code": lao})
        laos = laos.filter(pk=one.pk)
        filters[_("LAO")] = f"{one.display_name} ({one.code})"
        slug = one.code
    if not (province or district or lao) and user is not None and not user.is_national:
        filters[_("Scope")] = user.scope_label
        slug = "scope"
    with_record = Record.objects.filter(lao=OuterRef("pk"), fiscal_year=year)
    today = timezone.localdate()
    laos = laos.filter(
        (Q(active_from__isnull=True) | Q(active_from__lte=today))
        & (Q(active_until__isnull=True) | Q(active_until__gte=today))
        | Exists(with_record)
    )
    return ExportScope(laos=laos, fiscal_year=year, filters=filters, slug=slug)


def _name(place: Province | District, language: str) -> str:
    return place.name_en if language == "en" and place.name_en else place.name_th
