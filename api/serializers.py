"""What the API accepts (query parameters) and answers (JSON), declared once: the views
validate and render with these, and the OpenAPI schema is generated from them.

Codes are the public keys: the DLA's seven-digit LAO code, DOPA's two-digit province and
four-digit district codes, the schema's field and section codes. Dates are ISO 8601; a fiscal
year is its Buddhist-Era number (2568 = 1 October 2024 to 30 September 2025).
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dashboards.figures import LEVELS, STATUSES
from deadlines.models import Circular
from records.models import LAO, Field

FIRST_YEAR, LAST_YEAR = 2540, 2700
# Named in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] so the schema has one enum for each.
LAO_TYPES = LAO.Type.values
FIELD_TYPES = Field.Type.values
CIRCULAR_LEVELS = Circular.Level.values
ACTIVE_CHOICES = ("true", "false", "all")


def choice_field(choices, **kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=list(choices),
        error_messages={
            "invalid_choice": format_lazy(_("Use one of: {choices}."), choices=", ".join(choices))
        },
        **kwargs,
    )


def year_field(**kwargs) -> serializers.IntegerField:
    message = _(
        "Give the fiscal year as a Buddhist-Era year from 2540 to 2700, e.g. 2568 "
        "(1 October 2024 to 30 September 2025)."
    )
    return serializers.IntegerField(
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
        **kwargs,
    )


def page_size_field(default: int, maximum: int) -> serializers.IntegerField:
    message = format_lazy(_("Give a page size from 1 to {maximum}."), maximum=maximum)
    return serializers.IntegerField(
        required=False,
        default=default,
        min_value=1,
        max_value=maximum,
        help_text=f"Rows per page, 1 to {maximum} (default {default}).",
        error_messages={"invalid": message, "min_value": message, "max_value": message},
    )


def code_field(pattern: str, message, **kwargs) -> serializers.RegexField:
    return serializers.RegexField(pattern, error_messages={"invalid": message}, **kwargs)


PROVINCE_MESSAGE = _("A province is given by its two-digit DOPA code, e.g. 67.")
DISTRICT_MESSAGE = _("A district is given by its four-digit DOPA code, e.g. 6701.")
LAO_MESSAGE = _("An LAO is given by its seven-digit DLA code, e.g. 6670101.")
YEAR_HELP = "Fiscal year, Buddhist Era (default: the current fiscal year)."
AFTER_HELP = (
    "Where the page starts: after this key. Do not build it yourself; follow the `next` link."
)


# --- Query parameters -------------------------------------------------------------------------


class LAOListQuery(serializers.Serializer):
    province = code_field(
        r"^[0-9]{2}$", PROVINCE_MESSAGE, required=False, help_text="DOPA province code, e.g. 67."
    )
    district = code_field(
        r"^[0-9]{4}$", DISTRICT_MESSAGE, required=False, help_text="DOPA district code, e.g. 6701."
    )
    type = choice_field(LAO_TYPES, required=False, help_text="LAO type.")
    active = choice_field(
        ACTIVE_CHOICES,
        required=False,
        default="true",
        help_text="LAOs that exist today (true, the default), those that no longer or not yet "
        "exist (false), or all.",
    )
    year = year_field(
        required=False, help_text=YEAR_HELP + " The completeness shown is of this year."
    )
    after = code_field(r"^[0-9]{7}$", LAO_MESSAGE, required=False, help_text=AFTER_HELP)
    page_size = page_size_field(100, 500)


class LAODetailQuery(serializers.Serializer):
    year = year_field(required=False, help_text=YEAR_HELP)


PARENT_HELP = (
    "Only places inside this one: a province code (for level district or lao) or a district "
    "code (for level lao)."
)


def parent_field(help_text: str) -> serializers.CharField:
    return code_field(
        r"^[0-9]{2}([0-9]{2})?$",
        _("The parent is a two-digit province or four-digit district code, e.g. 67 or 6701."),
        required=False,
        help_text=help_text,
    )


class AreaRowsQuery(serializers.Serializer):
    """Rows by place (completeness, an indicator's values): the level, the parent they are
    inside, the year, and pages in code order."""

    level = choice_field(LEVELS, help_text="The places the rows are: provinces, districts or LAOs.")
    parent = parent_field(PARENT_HELP + " Leave out for the whole of the token's scope.")
    year = year_field(required=False, help_text=YEAR_HELP)
    after = code_field(
        r"^[0-9]{2,7}$",
        _("Give the code the page starts after, as in the `next` link."),
        required=False,
        help_text=AFTER_HELP,
    )
    page_size = page_size_field(100, 1000)


class CompletenessQuery(AreaRowsQuery):
    pass


class CircularListQuery(serializers.Serializer):
    level = choice_field(CIRCULAR_LEVELS, required=False, help_text="Who issued the letter.")
    year = year_field(
        required=False, help_text="Only circulars whose round is of this fiscal year."
    )
    after = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text=AFTER_HELP,
        error_messages={"invalid": _("Give the id the page starts after, as in the `next` link.")},
    )
    page_size = page_size_field(50, 200)


# --- Answers ----------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Stable, for programs: not_authenticated, invalid_token, invalid_parameter, "
        "not_found, permission_denied, rate_limited, method_not_allowed."
    )
    message = serializers.CharField(help_text="For people, in the Accept-Language (th or en).")
    parameters = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For invalid_parameter: the messages per parameter.",
    )


class PlaceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()


class CompletenessSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(help_text="Fiscal year, Buddhist Era.")
    required = serializers.IntegerField(help_text="Required fields for this LAO.")
    filled = serializers.IntegerField(help_text="Of them filled (“not applicable” counts).")
    completeness = serializers.FloatField(
        help_text="filled / required, 0 to 1 (four places); 1 when nothing is required."
    )
    has_record = serializers.BooleanField(help_text="Whether a record of the year exists.")
    record_updated_at = serializers.DateTimeField(
        allow_null=True, help_text="Last change of the record; null if never changed."
    )


class LAOSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="DLA code, seven digits.")
    type = serializers.ChoiceField(choices=LAO_TYPES)
    type_th = serializers.CharField(help_text="The type in the registry's words, e.g. อบต.")
    name_th = serializers.CharField()
    name_en = serializers.CharField(help_text="May be empty.")
    display_name = serializers.CharField(help_text="As officials write it, e.g. อบต.นาป่า.")
    province = PlaceSerializer()
    district = PlaceSerializer()
    active = serializers.BooleanField(help_text="Whether the LAO exists today.")
    active_from = serializers.DateField(allow_null=True)
    active_until = serializers.DateField(allow_null=True)
    updated_at = serializers.DateTimeField(help_text="Last change of the registry entry.")
    completeness = CompletenessSerializer()


class LAOPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="LAOs matching the filters, on all pages.")
    next = serializers.URLField(allow_null=True, help_text="The next page, or null.")
    results = LAOSerializer(many=True)


@extend_schema_field(
    {
        "oneOf": [{"type": "integer"}, {"type": "string"}, {"type": "boolean"}],
        "nullable": True,
        "description": "Whole numbers as numbers; decimals and money as strings in decimal "
        "form (exact); dates as ISO strings; yes/no as booleans; null when not filled or not "
        "applicable.",
    }
)
class FieldValueField(serializers.JSONField):
    pass


class FieldValueSerializer(serializers.Serializer):
    section = serializers.CharField(help_text="Section code.")
    label_th = serializers.CharField()
    label_en = serializers.CharField()
    type = serializers.ChoiceField(choices=FIELD_TYPES)
    unit_th = serializers.CharField()
    unit_en = serializers.CharField()
    required = serializers.BooleanField()
    value = FieldValueField(allow_null=True)
    not_applicable = serializers.BooleanField(
        help_text="The LAO answered “not applicable / none here”."
    )
    changed_at = serializers.DateTimeField(
        allow_null=True, help_text="Last change of this value; null if never changed here."
    )


class SectionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label_th = serializers.CharField()
    label_en = serializers.CharField()
    required = serializers.IntegerField()
    filled = serializers.IntegerField()
    completeness = serializers.FloatField()
    rules_pass = serializers.BooleanField(help_text="Whether the section's checks pass.")
    updated_at = serializers.DateTimeField(allow_null=True)


class RecordSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(help_text="Fiscal year, Buddhist Era.")
    schema_version = serializers.IntegerField()
    required = serializers.IntegerField()
    filled = serializers.IntegerField()
    completeness = serializers.FloatField()
    updated_at = serializers.DateTimeField(allow_null=True)
    sections = SectionSerializer(many=True)
    values = serializers.DictField(
        child=FieldValueSerializer(),
        help_text="Every field that applies to this LAO, keyed by field code.",
    )


class LAODetailSerializer(LAOSerializer):
    years = serializers.ListField(
        child=serializers.IntegerField(), help_text="Fiscal years with a record, newest first."
    )
    record = RecordSerializer(allow_null=True, help_text="The record of the year, or null.")


class StatusCountsSerializer(serializers.Serializer):
    # ``total``, then a count for each status of a round, in the statuses' order: built from
    # STATUSES so that the answer, the schema and the dashboards name the same statuses. (A
    # comment, not a docstring: drf-spectacular would publish a docstring in the schema.)
    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: serializers.IntegerField() for name in ("total", *STATUSES)}


class CompletenessRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()
    type = serializers.ChoiceField(
        choices=LAO_TYPES, allow_null=True, help_text="For LAO rows; null otherwise."
    )
    laos = serializers.IntegerField(help_text="LAOs that exist today, in the token's scope.")
    required = serializers.IntegerField()
    filled = serializers.IntegerField()
    completeness = serializers.FloatField(
        allow_null=True, help_text="filled / required, 0 to 1; null for a place without LAOs."
    )
    status = serializers.ChoiceField(
        choices=list(STATUSES),
        allow_null=True,
        help_text="For LAO rows: the LAO's status in the round; null otherwise or outside it.",
    )
    status_counts = StatusCountsSerializer(
        allow_null=True, help_text="The LAOs' statuses in the round; null when there is none."
    )


class ParentSerializer(PlaceSerializer):
    level = serializers.ChoiceField(choices=["province", "district"])


class CircularRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    deadline = serializers.DateField()


class CompletenessPageSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=list(LEVELS))
    parent = ParentSerializer(allow_null=True)
    fiscal_year = serializers.IntegerField(help_text="Fiscal year, Buddhist Era.")
    circular = CircularRefSerializer(
        allow_null=True, help_text="The circular whose round the status counts are of."
    )
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    results = CompletenessRowSerializer(many=True)


class ProvinceStatusSerializer(PlaceSerializer):
    status_counts = StatusCountsSerializer()


class RoundSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(help_text="Fiscal year, Buddhist Era.")
    section_codes = serializers.ListField(child=serializers.CharField())
    lao_types = serializers.ListField(
        child=serializers.ChoiceField(choices=LAO_TYPES), help_text="Empty: every type."
    )
    starts_on = serializers.DateField()
    deadline = serializers.DateField()
    lock_date = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField(help_text="Whether the deadline has passed today.")
    status_counts = StatusCountsSerializer(help_text="In the token's scope.")
    provinces = ProvinceStatusSerializer(
        many=True, help_text="Per province in the token's scope that takes part."
    )


class CircularSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    level = serializers.ChoiceField(choices=CIRCULAR_LEVELS)
    reference = serializers.CharField(help_text="Reference number as written, e.g. มท ๐๘๐๖/ว ๓๑๓๗.")
    date = serializers.DateField()
    subject = serializers.CharField()
    issuer = serializers.CharField()
    addressees = serializers.ListField(child=serializers.CharField())
    references = serializers.ListField(child=serializers.CharField())
    enclosures = serializers.ListField(child=serializers.CharField())
    deadline = serializers.DateField(allow_null=True)
    forwards = serializers.IntegerField(
        allow_null=True, help_text="The id of the letter this one forwards."
    )
    province = serializers.CharField(allow_null=True, help_text="Issuing province's code.")
    district = serializers.CharField(allow_null=True, help_text="Issuing district's code.")
    round = RoundSerializer(allow_null=True, help_text="For a department circular: its round.")


class CircularPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    results = CircularSerializer(many=True)
