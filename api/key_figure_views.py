"""The key figures for machines: the catalogue (``/api/v1/indicators/``), an indicator's values
by area (``/api/v1/indicators/<code>/values/``) and the records that changed
(``/api/v1/changes/``), with the same tokens, errors, rate limit and ETag / 304 as the rest of
the API (api/views.py).

Scope as on the pages: area figures (provinces, districts) for every token but a clerk's; an
LAO's figures and changes only within the token user's scope. The figures come from
dashboards.key_figures, whose one-query fingerprint is also the ETag's.

The changes feed is a keyset over (saved at, record id): the cursor carries both, so a client
walking it while clerks save sees every record saved before its last page, and a record saved
again later comes back later. Records saved in the last ``SETTLE`` seconds are held back, so
that a save still committing cannot land behind a cursor already handed out.
"""

import base64
import binascii
import datetime

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from accounts import access
from api.conditional import Validators
from api.errors import InvalidParameter
from api.key_figure_serializers import (
    CatalogueQuery,
    ChangesPageSerializer,
    ChangesQuery,
    IndicatorListSerializer,
    IndicatorValuesPageSerializer,
    IndicatorValuesQuery,
)
from api.pagination import list_page
from api.views import ERRORS, ReadOnlyAPIView
from dashboards import key_figures
from lgdata.thai import fiscal_year_of
from records.indicators import Indicator, load_catalogue
from records.models import Province, Record

SETTLE = datetime.timedelta(seconds=2)


class IndicatorListView(ReadOnlyAPIView):
    query_class = CatalogueQuery

    @extend_schema(
        operation_id="indicators_list",
        summary="The key figures' catalogue",
        description="Every indicator: names, unit, formula over the record's field codes, how "
        "it adds up, the LAO types it applies to; and the PAO rule (docs/key-figures.md).",
        responses={200: IndicatorListSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        self.query(request)
        catalogue = load_catalogue()
        validators = Validators.of(request, [catalogue.digest], [])
        if not_modified := validators.not_modified(request):
            return not_modified
        data = {
            "version": catalogue.version,
            "schema_version": catalogue.schema_version,
            "min_coverage": float(catalogue.min_coverage),
            "pao_coverage_fields": sorted(catalogue.pao_coverage_fields),
            "results": [_indicator(i) for i in catalogue.indicators],
        }
        return self.respond(validators, data)


def _indicator(indicator: Indicator) -> dict:
    return {
        "code": indicator.code,
        "name_th": indicator.name_th,
        "name_en": indicator.name_en,
        "unit_th": indicator.unit_th,
        "unit_en": indicator.unit_en,
        "kind": indicator.kind,
        "aggregation": indicator.aggregation,
        "numerator": list(indicator.numerator),
        "denominator": list(indicator.denominator) if indicator.is_ratio else [],
        "per": str(indicator.per),
        "applies_to": list(indicator.applies_to),
        "na_is_zero": indicator.na_is_zero,
        "decimals": indicator.decimals,
    }


class IndicatorValuesView(ReadOnlyAPIView):
    query_class = IndicatorValuesQuery

    @extend_schema(
        operation_id="indicator_values",
        summary="One indicator's values by province, district or LAO",
        description="Each row: the value, its numerator and denominator (a ratio adds up as "
        "the sum of numerators over the sum of denominators), the LAOs of the area, how many "
        "gave the inputs (coverage) and how many of those are approved. Areas in code order.",
        parameters=[
            IndicatorValuesQuery,
            OpenApiParameter("indicator_code", str, OpenApiParameter.PATH),
        ],
        responses={200: IndicatorValuesPageSerializer, **ERRORS},
    )
    def get(self, request: Request, indicator_code: str) -> Response:
        indicator = load_catalogue().get(indicator_code)
        if indicator is None:
            raise NotFound
        query = self.query(request)
        user, today = request.user, timezone.localdate()
        level, parent = query["level"], query.get("parent")
        year = query.get("year") or fiscal_year_of(today)
        approved_only = query["approved"] == "1"
        self._check_parent(user, level, parent)
        fp = key_figures.fingerprint()
        validators = Validators.of(
            request,
            [fp["laos"], fp["value_change"], fp["transition"], load_catalogue().digest],
            [fp["record_changed"], fp["lao_changed"]],
        )
        if not_modified := validators.not_modified(request):
            return not_modified
        common = {"year": year, "approved_only": approved_only, "today": today, "fp": fp}
        if level == "lao":
            laos = access.laos_visible_to(user)
            if parent:
                key = "district_id" if len(parent) == 4 else "district__province_id"
                laos = laos.filter(**{key: parent})
            rows = key_figures.lao_figure_rows(
                lao_ids=set(laos.values_list("pk", flat=True)), **common
            )
            total = None
        else:
            rows, total = key_figures.area_table(
                level=level, parent=parent, codes=[indicator.code], **common
            )
        results = [_value(r, indicator) for r in rows if indicator.code in r.figures]
        page = list_page(
            results, request=request, after=query.get("after"), page_size=query["page_size"]
        )
        data = {
            "indicator": indicator.code,
            "level": level,
            "parent": parent,
            "fiscal_year": year,
            "approved_only": approved_only,
            "total": _value(total, indicator) if total else None,
            "count": len(results),
            "next": page.next,
            "results": page.results,
        }
        return self.respond(validators, data)

    @staticmethod
    def _check_parent(user, level: str, parent: str | None) -> None:
        """Areas for officers (a clerk's token sees its own LAO only); a parent that fits the
        level, and for LAOs one inside the token's scope (else 404)."""
        if level != "lao" and not access.can_see_key_figures(user):
            raise NotFound
        if parent is None:
            return
        if level == "province":
            raise InvalidParameter({"parent": [_("Provinces have no parent: leave it out.")]})
        if level == "district" and len(parent) != 2:
            raise InvalidParameter(
                {"parent": [_("Districts are inside a province: give a two-digit code.")]}
            )
        if level == "district":
            if not Province.objects.filter(code=parent).exists():
                raise NotFound
        elif len(parent) == 2:
            if not access.provinces_visible_to(user).filter(code=parent).exists():
                raise NotFound
        elif not access.districts_visible_to(user).filter(code=parent).exists():
            raise NotFound


def _decimal(value, places: int | None = None) -> str | None:
    if value is None:
        return None
    if places is not None:
        value = value.quantize(type(value)(1).scaleb(-places))
    return format(value.normalize() if places is None else value, "f")


def _value(row: key_figures.Row, indicator: Indicator) -> dict:
    figure = row.figures[indicator.code]
    return {
        "code": row.code,
        "name_th": row.name_th,
        "name_en": row.name_en,
        "type": row.lao_type or None,
        "value": _decimal(figure.value, indicator.decimals),
        "numerator": _decimal(figure.numerator),
        "denominator": _decimal(figure.denominator) if indicator.is_ratio else None,
        "laos": figure.laos,
        "contributing": figure.contributing,
        "coverage": figure.coverage,
        "approved": figure.approved,
        "below_coverage": figure.greyed,
    }


# --- Changes ----------------------------------------------------------------------------------


def encode_cursor(at: datetime.datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{pk}".encode()).decode()


def decode_cursor(text: str) -> tuple[datetime.datetime, int]:
    try:
        at, pk = base64.urlsafe_b64decode(text.encode()).decode().split("|")
        moment = datetime.datetime.fromisoformat(at)
        if moment.tzinfo is None:
            raise ValueError("no time zone")
        return moment, int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise InvalidParameter(
            {"after": [_("Give the cursor exactly as the last answer gave it.")]}
        ) from None


class ChangesView(ReadOnlyAPIView):
    query_class = ChangesQuery

    @extend_schema(
        operation_id="changes_list",
        summary="Records saved since a time, for incremental sync",
        description="Records of LAOs in the token's scope, oldest save first. Start with "
        "`since` (or nothing, for everything); follow `next` to the end, keep `cursor`, and "
        "next time send it as `after` to get only what was saved since.",
        parameters=[ChangesQuery],
        responses={200: ChangesPageSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = self.query(request)
        horizon = timezone.now() - SETTLE
        records = Record.objects.filter(
            lao__in=access.laos_visible_to(request.user).values("pk"),
            updated_at__isnull=False,
            updated_at__lte=horizon,
        )
        if "year" in query:
            records = records.filter(fiscal_year=query["year"])
        if "after" in query:
            at, pk = decode_cursor(query["after"])
        else:
            at, pk = query.get("since") or datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC), 0
        records = records.filter(Q(updated_at__gt=at) | Q(updated_at=at, pk__gt=pk))
        seen = records.aggregate(n=Count("pk"), latest=Max("updated_at"))
        validators = Validators.of(request, [seen["n"], seen["latest"]], [seen["latest"]])
        if not_modified := validators.not_modified(request):
            return not_modified
        found = list(
            records.select_related("lao")
            .order_by("updated_at", "pk")
            .values("pk", "fiscal_year", "updated_at", "lao__code", "lao__name_th")[
                : query["page_size"] + 1
            ]
        )
        more = len(found) > query["page_size"]
        found = found[: query["page_size"]]
        cursor = encode_cursor(found[-1]["updated_at"], found[-1]["pk"]) if found else None
        cursor = cursor or encode_cursor(at, pk)
        url = remove_query_param(request.build_absolute_uri(), "since")
        data = {
            "cursor": cursor,
            "next": replace_query_param(url, "after", cursor) if more else None,
            "results": [
                {
                    "lao": row["lao__code"],
                    "name_th": row["lao__name_th"],
                    "fiscal_year": row["fiscal_year"],
                    "updated_at": timezone.localtime(row["updated_at"]).isoformat(),
                    "url": request.build_absolute_uri(
                        reverse("api:lao", args=[row["lao__code"]]) + f"?year={row['fiscal_year']}"
                    ),
                }
                for row in found
            ],
        }
        return self.respond(validators, data)
