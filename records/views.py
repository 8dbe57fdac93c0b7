"""The hierarchy pages: home by role, the LAO card, and the district, province and national lists.

Every view asks accounts.access; an object outside the user's scope is a 404, so a guessed URL
tells nothing about what exists.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from records import registry
from records.forms import RegistryConfirmForm, RegistryUploadForm
from records.models import LAO, District, Province, active_lao_q


def _get_lao_for_user(request: HttpRequest, code: str) -> LAO:
    return get_object_or_404(access.laos_visible_to(request.user).for_listing(), code=code)


def _get_district_for_user(request: HttpRequest, code: str) -> District:
    return get_object_or_404(
        access.districts_visible_to(request.user).select_related("province"), code=code
    )


def _get_province_for_user(request: HttpRequest, code: str) -> Province:
    return get_object_or_404(access.provinces_visible_to(request.user), code=code)


LAO_SORTS = {
    "code": "code",
    "name": "name_th",
    "type": "type",
    "-code": "-code",
    "-name": "-name_th",
}


def _search_laos(qs: QuerySet[LAO], request: HttpRequest) -> tuple[QuerySet[LAO], str, str]:
    query = request.GET.get("q", "").strip()[:100]
    if query:
        qs = qs.filter(Q(name_th__icontains=query) | Q(code__startswith=query))
    lao_type = request.GET.get("type", "")
    if lao_type in LAO.Type.values:
        qs = qs.filter(type=lao_type)
    sort = request.GET.get("sort", "code")
    return qs.order_by(LAO_SORTS.get(sort, "code")), query, sort


@login_required
def home(request: HttpRequest) -> HttpResponse:
    name, args = access.home_url_name(request.user)
    return redirect(name, *args)


@login_required
def lao_overview(request: HttpRequest, lao_code: str) -> HttpResponse:
    lao = _get_lao_for_user(request, lao_code)
    subdistricts = lao.subdistricts.order_by("code")
    return render(
        request,
        "records/lao_overview.html",
        {
            "lao": lao,
            "subdistricts": subdistricts,
            "can_edit": access.can_edit_lao_record(request.user, lao),
        },
    )


@login_required
def district_detail(request: HttpRequest, district_code: str) -> HttpResponse:
    district = _get_district_for_user(request, district_code)
    laos, query, sort = _search_laos(district.laos.active(), request)
    return render(
        request,
        "records/district_detail.html",
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
        "records/province_detail.html",
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
    return render(request, "records/national.html", {"provinces": provinces, "query": query})


@login_required
def lao_search(request: HttpRequest) -> HttpResponse:
    """Every LAO in the user's scope, searchable and paged (the list behind the home pages)."""
    laos, query, sort = _search_laos(access.laos_visible_to(request.user).for_listing(), request)
    page = Paginator(laos, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "records/lao_search.html",
        {
            "page": page,
            "query": query,
            "sort": sort,
            "lao_types": LAO.Type.choices,
            "selected_type": request.GET.get("type", ""),
        },
    )


# Uploads waiting for confirmation: {token: file name}; only the uploader's session holds them.
REGISTRY_UPLOADS_SESSION_KEY = "registry_uploads"


@login_required
def registry_import(request: HttpRequest) -> HttpResponse:
    """Upload the department's LAO registry and preview what it would change (a dry run)."""
    if not access.can_import_registry(request.user):
        raise Http404
    form = RegistryUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        filename = form.cleaned_data["file"].name
        try:
            data = form.read()
            result = registry.registry_import(
                data=data, filename=filename, commit=False, by=request.user
            )
        except registry.RegistryFileError as exc:
            form.add_error("file", str(exc))
        else:
            token = ""
            if result.ok:  # keep the file on the server; the confirmation sends only the token
                token = registry.upload_keep(data)
                uploads = request.session.get(REGISTRY_UPLOADS_SESSION_KEY, {})
                request.session[REGISTRY_UPLOADS_SESSION_KEY] = {**uploads, token: filename}
            return render(
                request,
                "records/registry_import_preview.html",
                {"result": result, "confirm_form": RegistryConfirmForm(initial={"token": token})},
            )
    return render(request, "records/registry_import.html", {"form": form})


@login_required
@require_POST
def registry_import_confirm(request: HttpRequest) -> HttpResponse:
    """Apply a previewed upload, all or nothing, checking it again against today's database."""
    if not access.can_import_registry(request.user):
        raise Http404
    form = RegistryConfirmForm(request.POST)
    uploads = request.session.get(REGISTRY_UPLOADS_SESSION_KEY, {})
    token = form.cleaned_data["token"] if form.is_valid() else ""
    path = registry.upload_path(token) if token in uploads else None
    if path is None:
        messages.error(
            request, _("This upload has expired or was already imported. Upload it again.")
        )
        return redirect("records:registry-import")
    try:
        result = registry.registry_import(
            data=path.read_bytes(), filename=uploads[token], commit=True, by=request.user
        )
    except registry.RegistryFileError as exc:
        messages.error(request, str(exc))
        return redirect("records:registry-import")
    if not result.ok:  # the database changed since the preview; nothing was written
        return render(request, "records/registry_import_preview.html", {"result": result})
    registry.upload_discard(token)
    request.session[REGISTRY_UPLOADS_SESSION_KEY] = {
        key: name for key, name in uploads.items() if key != token
    }
    messages.success(
        request,
        _(
            "Registry imported: %(created)s LAOs created, %(updated)s updated, "
            "%(unchanged)s unchanged."
        )
        % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
    )
    return redirect("records:registry-import")
