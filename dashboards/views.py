"""The oversight pages: home by role, and the district, province and national dashboards.

Read side only: these views add up what records and deadlines store and change nothing.
Every view asks accounts.access; a place outside the user's scope is a 404.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts import access
from records.models import LAO, District, Province, active_lao_q
from records.views import search_laos


def _get_district_for_user(request: HttpRequest, code: str) -> District:
    return get_object_or_404(
        access.districts_visible_to(request.user).select_related("province"), code=code
    )


def _get_province_for_user(request: HttpRequest, code: str) -> Province:
    return get_object_or_404(access.provinces_visible_to(request.user), code=code)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    name, args = access.home_url_name(request.user)
    return redirect(name, *args)


@login_required
def district_detail(request: HttpRequest, district_code: str) -> HttpResponse:
    district = _get_district_for_user(request, district_code)
    laos, query, sort = search_laos(district.laos.active(), request)
    return render(
        request,
        "dashboards/district.html",
        {
            "district": district,
            "laos": laos,
            "query": query,
            "sort": sort,
            "lao_types": LAO.Type.choices,
            "selected_type": request.GET.get("type", ""),
        },
    )


@login_required
def province_detail(request: HttpRequest, province_code: str) -> HttpResponse:
    province = _get_province_for_user(request, province_code)
    query = request.GET.get("q", "").strip()[:100]
    districts = province.districts.annotate(
        lao_count=Count("laos", filter=active_lao_q(prefix="laos__"))
    ).order_by("code")
    if query:
        districts = districts.filter(Q(name_th__icontains=query) | Q(name_en__icontains=query))
    pao = LAO.objects.active().filter(district__province=province, type=LAO.Type.PAO).first()
    return render(
        request,
        "dashboards/province.html",
        {"province": province, "districts": districts, "query": query, "pao": pao},
    )


@login_required
def national(request: HttpRequest) -> HttpResponse:
    if not access.can_see_nation(request.user):
        raise Http404
    query = request.GET.get("q", "").strip()[:100]
    provinces = Province.objects.annotate(
        district_count=Count("districts", distinct=True),
        lao_count=Count("districts__laos", filter=active_lao_q(prefix="districts__laos__")),
    ).order_by("code")
    if query:
        provinces = provinces.filter(Q(name_th__icontains=query) | Q(name_en__icontains=query))
    return render(request, "dashboards/national.html", {"provinces": provinces, "query": query})
