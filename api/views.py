"""The read-only JSON API for the Ministry of Interior Operations Center (`/api/v1/`).

Every endpoint: a bearer token (api.authentication), the token user's scope from
accounts.access (anything outside it is a 404 like anything that does not exist), checked
query parameters (400 names the parameter), a per-token rate limit (429), and ETag /
Last-Modified validators worked out before the answer so that polling gets a cheap 304.
"""

import functools

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from api import reads
from api.conditional import Validators
from api.errors import InvalidParameter, api_language
from api.pagination import Page, keyset_page, list_page, page_of
from api.serializers import (
    CircularListQuery,
    CircularPageSerializer,
    CompletenessPageSerializer,
    CompletenessQuery,
    ErrorSerializer,
    LAODetailQuery,
    LAODetailSerializer,
    LAOListQuery,
    LAOPageSerializer,
)
from dashboards import figures
from deadlines.models import Circular
from lgdata.thai import fiscal_year_of
from records.models import LAO, District, Province, active_lao_q

ERRORS = {
    304: OpenApiResponse(
        description="Not modified: the If-None-Match / If-Modified-Since sent still holds. No body."
    ),
    400: OpenApiResponse(ErrorSerializer, description="A query parameter cannot be used."),
    401: OpenApiResponse(ErrorSerializer, description="No token, or an invalid one."),
    404: OpenApiResponse(ErrorSerializer, description="Not found, or not in the token's scope."),
    429: OpenApiResponse(
        ErrorSerializer, description="Too many requests; the Retry-After header says when."
    ),
}


class ReadOnlyAPIView(APIView):
    http_method_names = ["get", "head"]
    query_class: type[serializers.Serializer]

    def initial(self, request: Request, *args, **kwargs) -> None:
        translation.activate(api_language(request))
        super().initial(request, *args, **kwargs)

    def query(self, request: Request) -> dict:
        """The checked query parameters; unknown ones are refused, not ignored, so that a
        misspelt filter does not quietly return everything."""
        unknown = sorted(set(request.query_params) - set(self.query_class().fields))
        if unknown:
            raise InvalidParameter({name: [_("Unknown parameter.")] for name in unknown})
        checked = self.query_class(data=request.query_params)
        if not checked.is_valid():
            raise ValidationError(checked.errors)
        return checked.validated_data

    def respond(self, validators: Validators, data: dict) -> Response:
        """The answer with its validators. `data` is built JSON-ready by api.reads: the
        serializers in api.serializers declare its shape for the schema (the schemathesis test
        holds the two together), and running them over 500 rows would triple the time."""
        return validators.apply(Response(data))


class LAOListView(ReadOnlyAPIView):
    query_class = LAOListQuery

    @extend_schema(
        operation_id="laos_list",
        summary="LAOs in the token's scope, with completeness",
        description="In code order, a page at a time: follow `next` until it is null.",
        parameters=[LAOListQuery],
        responses={200: LAOPageSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = self.query(request)
        today = timezone.localdate()
        year = query.get("year") or fiscal_year_of(today)
        laos = access.laos_visible_to(request.user)
        if "province" in query:
            laos = laos.filter(district__province_id=query["province"])
        if "district" in query:
            laos = laos.filter(district_id=query["district"])
        if "type" in query:
            laos = laos.filter(type=query["type"])
        if query["active"] == "true":
            laos = laos.filter(active_lao_q(today))
        elif query["active"] == "false":
            laos = laos.exclude(active_lao_q(today))

        fingerprint = reads.lao_fingerprint(laos, year)
        validators = Validators.of(
            request,
            [fingerprint["count"], fingerprint["records"], fingerprint["schema"]],
            [fingerprint["changed"], fingerprint["record_changed"]],
        )
        if not_modified := validators.not_modified(request):
            return not_modified
        cut = keyset_page(
            reads.lao_values(laos, year),
            key="code",
            after=query.get("after"),
            page_size=query["page_size"],
        )
        page = page_of(
            reads.lao_payloads(list(cut), fiscal_year=year, today=today),
            request=request,
            key=lambda row: row["code"],
            page_size=query["page_size"],
        )
        data = {"count": fingerprint["count"], "next": page.next, "results": page.results}
        return self.respond(validators, data)


class LAODetailView(ReadOnlyAPIView):
    query_class = LAODetailQuery

    @extend_schema(
        operation_id="laos_retrieve",
        summary="One LAO with its record of a fiscal year",
        description="Values keyed by field code, with units, last change and completeness. "
        "`record` is null when the LAO has no record of that year.",
        parameters=[LAODetailQuery],
        responses={200: LAODetailSerializer, **ERRORS},
    )
    def get(self, request: Request, lao_code: str) -> Response:
        query = self.query(request)
        today = timezone.localdate()
        year = query.get("year") or fiscal_year_of(today)
        row = reads.lao_with_record(access.laos_visible_to(request.user), lao_code, year)
        if row is None:
            access.log_if_denied(request, LAO, code=lao_code)
            raise NotFound
        validators = Validators.of(
            request,
            [row["rec__id"], row["rec__required_count"], row["years"], row["schema"]],
            [row["updated_at"], row["rec__updated_at"], row["years_changed"]],
        )
        if not_modified := validators.not_modified(request):
            return not_modified
        data = reads.lao_payloads([row], fiscal_year=year, today=today)[0]
        data["years"] = reads.lao_years(row["pk"])
        data["record"] = (
            {"fiscal_year": year, **reads.record_detail(row, lao_type=row["type"])}
            if row["rec__id"] is not None
            else None
        )
        return self.respond(validators, data)


class CompletenessView(ReadOnlyAPIView):
    query_class = CompletenessQuery

    @extend_schema(
        operation_id="completeness_list",
        summary="Completeness added up by province, district or LAO",
        description="Rows are the places of `level` inside `parent` (or the token's whole "
        "scope) that the token may open, in code order, with the LAOs' status counts in the "
        "fiscal year's round (the one with the latest deadline).",
        parameters=[CompletenessQuery],
        responses={200: CompletenessPageSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = self.query(request)
        user, today = request.user, timezone.localdate()
        level, parent_code = query["level"], query.get("parent")
        year = query.get("year") or fiscal_year_of(today)
        parent = self._parent(request, level, parent_code)
        laos = access.laos_visible_to(user).active_on(today)
        if parent is not None:
            laos = laos.filter(
                **{"district__province" if len(parent_code) == 2 else "district": parent}
            )

        round_ = figures.current_round(year)
        fingerprint = reads.participants_fingerprint(laos, year, round_)
        validators = Validators.of(
            request,
            [fingerprint, round_.pk if round_ else None, round_.deadline if round_ else None],
            [
                fingerprint["changed"],
                fingerprint["record_changed"],
                fingerprint.get("parts_changed"),
            ],
        )
        if not_modified := validators.not_modified(request):
            return not_modified
        page, count = self._page(
            request, query, laos=laos, lao_count=fingerprint["count"], year=year, round_=round_
        )
        data = {
            "level": level,
            "parent": reads.place_ref(parent),
            "fiscal_year": year,
            "circular": reads.round_ref(round_),
            "count": count,
            "next": page.next,
            "results": page.results,
        }
        return self.respond(validators, data)

    @staticmethod
    def _page(
        request: Request, query: dict, *, laos, lao_count: int, year: int, round_
    ) -> tuple[Page, int]:
        """(this page of rows, rows on all pages). Areas come from dashboards.figures, added
        up; LAOs one by one, paged in the database."""
        today = timezone.localdate()
        if query["level"] == "lao":
            cut = keyset_page(
                reads.lao_progress(laos, round_=round_, fiscal_year=year, today=today),
                key="code",
                after=query.get("after"),
                page_size=query["page_size"],
            )
            rows = [reads.lao_progress_row(row, has_round=round_ is not None) for row in cut]
            page = page_of(
                rows, request=request, key=lambda r: r["code"], page_size=query["page_size"]
            )
            return page, lao_count
        rows = figures.completeness_by(
            level=query["level"],
            parent=query.get("parent"),
            fiscal_year=year,
            user=request.user,
            today=today,
        )
        page = list_page(
            [reads.completeness_row(row) for row in rows],
            request=request,
            after=query.get("after"),
            page_size=query["page_size"],
        )
        return page, len(rows)

    @staticmethod
    def _parent(request: Request, level: str, code: str | None) -> Province | District | None:
        """The parent place, which the token must be allowed to open (else 404)."""
        if code is None:
            return None
        if level == "province":
            raise InvalidParameter({"parent": [_("Provinces have no parent: leave it out.")]})
        if len(code) == 2:
            return access.get_visible_or_404(
                request, access.provinces_visible_to(request.user), code=code
            )
        if level == "district":
            raise InvalidParameter(
                {"parent": [_("Districts are inside a province: give a two-digit code.")]}
            )
        return access.get_visible_or_404(
            request, access.districts_visible_to(request.user), code=code
        )


class CircularListView(ReadOnlyAPIView):
    query_class = CircularListQuery

    @extend_schema(
        operation_id="circulars_list",
        summary="Circulars the token may read, with their rounds",
        description="Oldest first, a page at a time. A department circular carries its round: "
        "fiscal year, deadlines and the status counts of the LAOs in the token's scope, in "
        "total and per province (per district and per LAO: /api/v1/completeness/ with "
        "`circular`).",
        parameters=[CircularListQuery],
        responses={200: CircularPageSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = self.query(request)
        today = timezone.localdate()
        circulars = Circular.objects.visible_to(request.user)
        if "level" in query:
            circulars = circulars.filter(level=query["level"])
        if "year" in query:
            circulars = circulars.filter(round__fiscal_year=query["year"])
        laos = access.laos_visible_to(request.user)

        fingerprint, times = reads.circular_fingerprint(circulars, laos)
        validators = Validators.of(request, fingerprint, times)
        if not_modified := validators.not_modified(request):
            return not_modified
        cut = keyset_page(
            circulars.select_related("round").order_by("pk"),
            key="pk",
            after=query.get("after"),
            page_size=query["page_size"],
        )
        page = page_of(list(cut), request=request, key=lambda c: c.pk, page_size=query["page_size"])
        data = {
            "count": fingerprint[0],
            "next": page.next,
            "results": reads.circular_rows(page.results, laos, today),
        }
        return self.respond(validators, data)


# --- The schema and its page ------------------------------------------------------------------


@functools.cache
def openapi_schema() -> dict:
    """The OpenAPI 3 document, generated from the views and serializers once per process."""
    with translation.override("en"):
        return SchemaGenerator().get_schema(request=None, public=True)


@require_GET
def openapi_json(request: HttpRequest) -> JsonResponse:
    """Public: it describes the API's shape and holds no data, and integrators need it before
    they have a token."""
    return JsonResponse(
        openapi_schema(), encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False}
    )
