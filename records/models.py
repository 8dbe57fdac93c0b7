"""The real hierarchy: provinces, districts, subdistricts (DOPA codes) and the LAOs in them."""

import datetime

from django.conf import settings
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

    @property
    def display_name(self) -> str:
        """ "จังหวัดเพชรบูรณ์"; Bangkok is not a จังหวัด."""
        return self.name_th if self.code == "10" else f"จังหวัด{self.name_th}"


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

    def gone_on(self, day: datetime.date) -> "LAOQuerySet":
        """LAOs that do not exist on a day (not yet started, or dissolved or merged): the
        rest of ``active_on``, asked so that the indexes on the two dates answer it."""
        return self.filter(Q(active_from__gt=day) | Q(active_until__lt=day))

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
    # The DLA registry's own word for each type, and the type each word names in a registry file.
    TYPE_WORDS = {
        Type.PAO: "อบจ.",
        Type.CITY: "เทศบาลนคร",
        Type.TOWN: "เทศบาลเมือง",
        Type.SUBDISTRICT: "เทศบาลตำบล",
        Type.SAO: "อบต.",
        Type.SPECIAL: "ท้องถิ่นรูปแบบพิเศษ",
    }
    REGISTRY_WORDS = {word: lao_type for lao_type, word in TYPE_WORDS.items()}
    # The type in full, as official texts name an LAO ("องค์การบริหารส่วนตำบลนาป่า").
    FULL_TYPE_NAMES = {
        Type.PAO: "องค์การบริหารส่วนจังหวัด",
        Type.CITY: "เทศบาลนคร",
        Type.TOWN: "เทศบาลเมือง",
        Type.SUBDISTRICT: "เทศบาลตำบล",
        Type.SAO: "องค์การบริหารส่วนตำบล",
        Type.SPECIAL: "",
    }
    # The title of the LAO's head, to whom a letter to the LAO is addressed.
    HEAD_TITLES = {
        Type.PAO: "นายกองค์การบริหารส่วนจังหวัด",
        Type.CITY: "นายกเทศมนตรีนคร",
        Type.TOWN: "นายกเทศมนตรีเมือง",
        Type.SUBDISTRICT: "นายกเทศมนตรีตำบล",
        Type.SAO: "นายกองค์การบริหารส่วนตำบล",
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
        # The dashboards ask for the few LAOs that do not exist on a day and for the newest
        # registry change (dashboards.figures): each an index lookup, not a scan.
        indexes = [
            models.Index(fields=["active_from"], name="lao_active_from"),
            models.Index(fields=["active_until"], name="lao_active_until"),
            models.Index(fields=["updated_at"], name="lao_updated_at"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @classmethod
    def written_name(cls, lao_type: str, name_th: str) -> str:
        """The name as officials write it: type abbreviation then name, no space ("อบต.นาป่า");
        for rows read without the model (exports, the API, the key figures)."""
        return f"{cls.ABBREVIATIONS[lao_type]}{name_th}"

    @property
    def display_name(self) -> str:
        return self.written_name(self.type, self.name_th)

    @property
    def full_name(self) -> str:
        """The name in full, as a letter writes it: "องค์การบริหารส่วนตำบลนาป่า",
        "เทศบาลตำบลวังชมภู", "กรุงเทพมหานคร"."""
        return f"{self.FULL_TYPE_NAMES[self.type]}{self.name_th}"

    @property
    def head_title(self) -> str:
        """Whom a letter to the LAO is addressed to: "นายกองค์การบริหารส่วนตำบลนาป่า"; for the
        special forms, Bangkok's governor and Pattaya's mayor."""
        if self.type == self.Type.SPECIAL:
            bangkok = "กรุงเทพมหานคร"
            return f"ผู้ว่าราชการ{bangkok}" if self.name_th == bangkok else f"นายก{self.name_th}"
        return f"{self.HEAD_TITLES[self.type]}{self.name_th}"

    @property
    def province(self) -> Province:
        return self.district.province

    def is_active_on(self, day: datetime.date) -> bool:
        return (self.active_from is None or self.active_from <= day) and (
            self.active_until is None or day <= self.active_until
        )


# --- The record: schema as data, one record per LAO and fiscal year ---------------------------


class Schema(models.Model):
    """One version of the record's schema, loaded from records/schema/lao-record-v<N>.yaml.

    Versions are never edited in place: a new file makes a new version, and each record keeps
    the version it was made under, so a new schema never breaks an old record.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    title_th = models.CharField(_("Thai title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200)
    source_sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(_("loaded"), auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("record schema")
        verbose_name_plural = _("record schemas")

    def __str__(self) -> str:
        return f"{self.title_th} v{self.version}"


class Section(models.Model):
    """A section (ด้าน) of the record."""

    schema = models.ForeignKey(Schema, on_delete=models.CASCADE, related_name="sections")
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"))
    label_th = models.CharField(_("Thai label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200)

    class Meta:
        ordering = ["schema", "order"]
        constraints = [
            models.UniqueConstraint(fields=["schema", "code"], name="section_code_unique")
        ]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.label_th


class Field(models.Model):
    """A field of a section: its type, unit, bounds and the LAO types it applies to."""

    class Type(models.TextChoices):
        INTEGER = "integer", _("whole number")
        DECIMAL = "decimal", _("decimal number")
        MONEY = "money", _("amount of money")
        TEXT = "text", _("text")
        CHOICE = "choice", _("choice")
        DATE = "date", _("date")
        BOOLEAN = "boolean", _("yes/no")

    NUMERIC = (Type.INTEGER, Type.DECIMAL, Type.MONEY)

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="fields")
    code = models.SlugField(_("code"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"))
    label_th = models.CharField(_("Thai label"), max_length=300)
    label_en = models.CharField(_("English label"), max_length=300)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    unit_th = models.CharField(_("Thai unit"), max_length=40, blank=True)
    unit_en = models.CharField(_("English unit"), max_length=40, blank=True)
    required = models.BooleanField(_("required"), default=False)
    min_value = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    help_th = models.CharField(max_length=500, blank=True)
    help_en = models.CharField(max_length=500, blank=True)
    choices = models.JSONField(default=list, blank=True)
    applies_to = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["section", "order"]
        constraints = [
            models.UniqueConstraint(fields=["section", "code"], name="field_code_unique")
        ]
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self) -> str:
        return self.label_th

    def applies(self, lao_type: str) -> bool:
        return not self.applies_to or lao_type in self.applies_to

    @property
    def is_numeric(self) -> bool:
        return self.type in self.NUMERIC


class Rule(models.Model):
    """A cross-field rule, checked when a section is saved; a failing section is not complete."""

    class Kind(models.TextChoices):
        SUM = "sum", _("parts add up to the total")
        REQUIRES_POSITIVE = "requires_positive", _("one needs the other")
        NOT_GREATER = "not_greater", _("not more than")

    schema = models.ForeignKey(Schema, on_delete=models.CASCADE, related_name="rules")
    code = models.SlugField(max_length=80)
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    params = models.JSONField(default=dict)
    message_th = models.CharField(max_length=500)
    message_en = models.CharField(max_length=500)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["schema", "code"], name="rule_code_unique")]

    def __str__(self) -> str:
        return self.code


class RecordQuerySet(models.QuerySet):
    def for_dashboard(self) -> "RecordQuerySet":
        """Records with their LAO and place, for tables that add up stored completeness."""
        return self.select_related("lao__district__province")


class Record(models.Model):
    """One LAO's central data for one fiscal year (Buddhist Era)."""

    lao = models.ForeignKey(LAO, on_delete=models.PROTECT, related_name="records")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (BE)"))
    schema = models.ForeignKey(Schema, on_delete=models.PROTECT, related_name="records")
    # Completeness kept with every save, so dashboards add up stored numbers.
    required_count = models.PositiveSmallIntegerField(default=0)
    filled_count = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["lao", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["lao", "fiscal_year"], name="record_one_per_year")
        ]
        # A year's records, and the newest change among them: an index lookup (the dashboards'
        # and key figures' counts select a year's records through it).
        indexes = [models.Index(fields=["fiscal_year", "updated_at"], name="record_year_updated")]
        verbose_name = _("record")
        verbose_name_plural = _("records")

    def __str__(self) -> str:
        return f"{self.lao} {self.fiscal_year}"

    @property
    def completeness(self) -> float:
        return self.filled_count / self.required_count if self.required_count else 1.0


class SectionEntry(models.Model):
    """The values of one section of one record, kept together so a section loads and saves in
    a fixed number of queries whatever its number of fields."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="entries")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="+")
    values = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=0)
    required_count = models.PositiveSmallIntegerField(default=0)
    filled_count = models.PositiveSmallIntegerField(default=0)
    rules_pass = models.BooleanField(default=True)
    flags = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "section"], name="entry_one_per_section")
        ]

    def __str__(self) -> str:
        return f"{self.record} {self.section.code}"

    @property
    def is_complete(self) -> bool:
        return self.rules_pass and self.filled_count >= self.required_count


class ValueChange(models.Model):
    """One changed value: who, when, old, new, and how (form, import, admin)."""

    class Source(models.TextChoices):
        FORM = "form", _("form")
        IMPORT = "import", _("import")
        ADMIN = "admin", _("administrator")

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="changes")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="+")
    field_code = models.CharField(max_length=60, db_index=True)
    old_value = models.JSONField(null=True)
    new_value = models.JSONField(null=True)
    changed_at = models.DateTimeField(db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.field_code}: {self.old_value} → {self.new_value}"


class KeyFigureRollup(models.Model):
    """One indicator of the key figures added up over one district's LAOs, or one province's,
    for one fiscal year, kept current by every write that changes it (records/rollups.py;
    docs/key-figures.md, "Stored roll-ups"). The nation's figures are sums of the province rows.

    ``area`` is the district's code (``level`` "district") or the province's (``level``
    "province"); a write changes its district's rows and its province's. Sums are kept in
    hundredths (values have at most two decimals), as whole numbers, so SQL adds them up
    exactly on SQLite as on PostgreSQL. ``contributing`` counts the LAOs whose inputs are in,
    ``approved`` those of them with an approved record; the ``approved_*`` sums are the
    approved LAOs' part. Every LAO of the registry is counted here, whether or not it exists
    today: the read side takes out the few that do not."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        DISTRICT = "district", _("district")

    fiscal_year = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=8, choices=Level.choices)
    area = models.CharField(max_length=4)
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="+")
    indicator = models.CharField(max_length=60)
    numerator = models.BigIntegerField(default=0)
    denominator = models.BigIntegerField(default=0)
    contributing = models.IntegerField(default=0)
    approved = models.IntegerField(default=0)
    approved_numerator = models.BigIntegerField(default=0)
    approved_denominator = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "area", "indicator"], name="rollup_one_per_area"
            )
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "level", "province"], name="rollup_level_province")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.area} {self.fiscal_year}"


class FieldGapRollup(models.Model):
    """The field-level view's counts for one province and LAO type in one fiscal year, per
    field or check of the newest schema, kept current by every write that changes them
    (records/gap_rollups.py; docs/PERFORMANCE.md). The nation's counts are sums of the
    province rows; the view's filters (province, LAO type) pick rows.

    A field's row counts the section entries where it applies (``applicable``), where it is
    required and empty (``missing``), where its value was flagged as far from last year's
    (``flagged``) and where it takes part in a failing check (``failing``); a check's row
    counts the entries that break it (``failing``); a section's row counts its entries
    (``applicable``). Rows are counted against one schema
    version (``schema``): a newly loaded schema has its rows counted again. Every LAO of the
    registry is counted, whether or not it exists today: the read side takes out the few that
    do not."""

    class Kind(models.TextChoices):
        SECTION = "section", _("section")
        FIELD = "field", _("field")
        RULE = "rule", _("check")

    fiscal_year = models.PositiveSmallIntegerField()
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="+")
    lao_type = models.CharField(max_length=12, choices=LAO.Type.choices)
    schema = models.ForeignKey(Schema, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=7, choices=Kind.choices)
    code = models.CharField(max_length=80)
    applicable = models.IntegerField(default=0)
    missing = models.IntegerField(default=0)
    flagged = models.IntegerField(default=0)
    failing = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "province", "lao_type", "schema", "kind", "code"],
                name="field_gap_rollup_one_per_code",
            )
        ]
        # The page adds up a year's rows by field in the index's order, without reading the
        # table (the nation's ~80,000 rows a year: 48 -> 15 ms on SQLite).
        indexes = [
            models.Index(
                fields=[
                    "fiscal_year",
                    "schema",
                    "kind",
                    "code",
                    "applicable",
                    "missing",
                    "flagged",
                    "failing",
                ],
                name="field_gap_rollup_sums",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.code} {self.province_id} {self.lao_type} {self.fiscal_year}"
