"""Query parameters and answers of the key-figure endpoints (the catalogue, an indicator's
values by area, and the changes feed), declared once for the views and the OpenAPI schema."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers import (
    PARENT_HELP,
    AreaRowsQuery,
    choice_field,
    code_field,
    page_size_field,
    parent_field,
    year_field,
)

CURSOR_PATTERN = r"^[A-Za-z0-9_=-]{8,200}$"

# --- Query parameters -------------------------------------------------------------------------


class CatalogueQuery(serializers.Serializer):
    """The catalogue takes no parameters."""


class IndicatorValuesQuery(AreaRowsQuery):
    parent = parent_field(
        PARENT_HELP + " Leave out for the whole country (areas) or the token's whole scope (LAOs)."
    )
    approved = choice_field(
        ("0", "1"),
        required=False,
        default="0",
        help_text="1: only records approved by the province count; 0 (default): the latest "
        "entered values.",
    )


class ChangesQuery(serializers.Serializer):
    since = serializers.DateTimeField(
        required=False,
        error_messages={
            "invalid": _(
                "Give the time as ISO 8601 with its time zone, e.g. 2025-02-01T10:15:00+07:00."
            )
        },
        help_text="Records saved at or after this time (ISO 8601). Leave out on the first sync "
        "to get every record; afterwards send `cursor` as `after` instead.",
    )
    year = year_field(required=False, help_text="Only records of this fiscal year (Buddhist Era).")
    after = code_field(
        CURSOR_PATTERN,
        _("Give the cursor exactly as the last answer gave it."),
        required=False,
        help_text="Where to go on: the `cursor` of the last answer (or the `next` link).",
    )
    page_size = page_size_field(100, 1000)

    def validate(self, attrs: dict) -> dict:
        if "since" in attrs and "after" in attrs:
            raise serializers.ValidationError(
                {"after": [_("Give either since or after, not both.")]}
            )
        return attrs


# --- Answers ----------------------------------------------------------------------------------


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()
    unit_th = serializers.CharField()
    unit_en = serializers.CharField()
    kind = serializers.ChoiceField(choices=["sum", "ratio", "per_person", "per_km2", "share"])
    aggregation = serializers.ChoiceField(choices=["sum", "ratio_of_sums"])
    numerator = serializers.ListField(child=serializers.CharField(), help_text="Field codes.")
    denominator = serializers.ListField(
        child=serializers.CharField(), help_text="Field codes (empty for a sum)."
    )
    per = serializers.CharField(help_text="The ratio is multiplied by this (a decimal string).")
    applies_to = serializers.ListField(child=serializers.CharField(), help_text="LAO types.")
    na_is_zero = serializers.BooleanField()
    decimals = serializers.IntegerField()


class IndicatorListSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    schema_version = serializers.IntegerField()
    min_coverage = serializers.FloatField(help_text="Below this coverage a figure is flagged.")
    pao_coverage_fields = serializers.ListField(
        child=serializers.CharField(),
        help_text="Fields of a PAO that are not added into an area (its area covers the "
        "province's other LAOs).",
    )
    results = IndicatorSerializer(many=True)


class IndicatorValueSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_th = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    type = serializers.CharField(allow_null=True, help_text="The LAO's type (LAO rows only).")
    value = serializers.CharField(
        allow_null=True, help_text="Decimal string, rounded to the indicator's decimals."
    )
    numerator = serializers.CharField(help_text="Decimal string.")
    denominator = serializers.CharField(
        allow_null=True, help_text="Decimal string; null for a sum."
    )
    laos = serializers.IntegerField(help_text="LAOs of the area the indicator applies to.")
    contributing = serializers.IntegerField(help_text="Of them, those that gave the inputs.")
    coverage = serializers.FloatField(allow_null=True, help_text="contributing / laos, 0 to 1.")
    approved = serializers.IntegerField(help_text="Contributing LAOs with an approved record.")
    below_coverage = serializers.BooleanField(
        help_text="True when coverage is under min_coverage or there is no value."
    )


class IndicatorValuesPageSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    level = serializers.CharField(help_text="province, district or lao, as asked.")
    parent = serializers.CharField(allow_null=True)
    fiscal_year = serializers.IntegerField()
    approved_only = serializers.BooleanField()
    total = IndicatorValueSerializer(
        allow_null=True, help_text="The parent's (or the whole country's) figure; null for LAOs."
    )
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    results = IndicatorValueSerializer(many=True)


class ChangeSerializer(serializers.Serializer):
    lao = serializers.CharField(help_text="DLA code.")
    name_th = serializers.CharField()
    fiscal_year = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    url = serializers.URLField(help_text="The LAO's record of that year in this API.")


class ChangesPageSerializer(serializers.Serializer):
    cursor = serializers.CharField(
        help_text="Send as `after` to get what changed after this answer (keep it between runs)."
    )
    next = serializers.URLField(allow_null=True, help_text="The next page now; null at the end.")
    results = ChangeSerializer(many=True)
