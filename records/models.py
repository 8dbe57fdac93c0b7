"""The real hierarchy: provinces, districts, subdistricts (DOPA codes) and the LAOs in them."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Province(models.Model):
    """A province (จังหวัด), keyed by its two-digit DOPA code; Bangkok is 10."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name_th = models.CharField(_("Thai name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name_th


class District(models.Model):
    """A district (อำเภอ, or เขต in Bangkok), keyed by its four-digit DOPA code."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="districts", verbose_name=_("province")
    )
    name_th = models.CharField(_("Thai name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name_th

    @property
    def is_khet(self) -> bool:
        return self.province_id == "10"

    @property
    def display_name(self) -> str:
        """ "อำเภอเมืองเพชรบูรณ์"; Bangkok's khet names already carry "เขต"."""
        return self.name_th if self.is_khet else f"อำเภอ{self.name_th}"


class Subdistrict(models.Model):
    """A subdistrict (ตำบล / แขวง), keyed by its six-digit DOPA code."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="subdistricts", verbose_name=_("district")
    )
    name_th = models.CharField(_("Thai name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    postal_codes = models.CharField(_("postcodes"), max_length=60, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")

    def __str__(self) -> str:
        return self.name_th


def active_lao_q(day: datetime.date | None = None, prefix: str = "") -> Q:
    """The condition "the LAO exists on this day", optionally through a relation (``laos__``)."""
    day = day or datetime.date.today()
    return (
        Q(**{f"{prefix}active_from__isnull": True}) | Q(**{f"{prefix}active_from__lte": day})
    ) & (Q(**{f"{prefix}active_until__isnull": True}) | Q(**{f"{prefix}active_until__gte": day}))


class LAOQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date) -> "LAOQuerySet":
        """LAOs that exist on a day: started on or before it and not yet dissolved or merged."""
        return self.filter(active_lao_q(day))

    def active(self) -> "LAOQuerySet":
        """LAOs that exist today."""
        return self.active_on(datetime.date.today())

    def in_province(self, province_code: str) -> "LAOQuerySet":
        return self.filter(district__province_id=province_code)

    def for_listing(self) -> "LAOQuerySet":
        """What a list page shows: the district and province in the same query."""
        return self.select_related("district__province")


class LAO(models.Model):
    """A Local Administrative Organisation (อปท.) with its seven-digit DLA code."""

    class Type(models.TextChoices):
        PAO = "pao", _("Provincial Administrative Organisation (อบจ.)")
        CITY = "city", _("City municipality (เทศบาลนคร)")
        TOWN = "town", _("Town municipality (เทศบาลเมือง)")
        SUBDISTRICT = "subdistrict", _("Subdistrict municipality (เทศบาลตำบล)")
        SAO = "sao", _("Subdistrict Administrative Organisation (อบต.)")
        SPECIAL = "special", _("Special form (รูปแบบพิเศษ)")

    # How officials write the type before the name: "อบต.คลองท่อมเหนือ", "ทต.คลองพน".
    ABBREVIATIONS = {
        Type.PAO: "อบจ.",
        Type.CITY: "ทน.",
        Type.TOWN: "ทม.",
        Type.SUBDISTRICT: "ทต.",
        Type.SAO: "อบต.",
        Type.SPECIAL: "",
    }
    # The DLA registry's own words for each type.
    REGISTRY_WORDS = {
        "อบจ.": Type.PAO,
        "เทศบาลนคร": Type.CITY,
        "เทศบาลเมือง": Type.TOWN,
        "เทศบาลตำบล": Type.SUBDISTRICT,
        "อบต.": Type.SAO,
        "ท้องถิ่นรูปแบบพิเศษ": Type.SPECIAL,
    }

    code = models.CharField(_("DLA code"), max_length=7, unique=True)
    type = models.CharField(_("type"), max_length=12, choices=Type.choices, db_index=True)
    name_th = models.CharField(_("Thai name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="laos", verbose_name=_("district")
    )
    subdistricts = models.ManyToManyField(
        Subdistrict, blank=True, related_name="laos", verbose_name=_("subdistricts covered")
    )
    office_house_no = models.CharField(_("office house number"), max_length=40, blank=True)
    office_moo = models.PositiveSmallIntegerField(_("village number (หมู่ที่)"), null=True, blank=True)
    office_subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("office subdistrict"),
    )
    office_postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    website = models.URLField(_("website"), max_length=200, blank=True)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_until = models.DateField(
        _("active until"),
        null=True,
        blank=True,
        help_text=_("Last day before the LAO was upgraded, merged or dissolved."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = LAOQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("LAO")
        verbose_name_plural = _("LAOs")
        constraints = [
            models.CheckConstraint(
                condition=Q(active_until__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_until__gte=models.F("active_from")),
                name="lao_active_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name as officials write it: type abbreviation then name, no space."""
        return f"{self.ABBREVIATIONS[self.type]}{self.name_th}"

    @property
    def province(self) -> Province:
        return self.district.province

    def is_active_on(self, day: datetime.date) -> bool:
        return (self.active_from is None or self.active_from <= day) and (
            self.active_until is None or day <= self.active_until
        )
