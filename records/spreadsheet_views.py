"""The Excel round trip for clerks and district officers: download a fill-in template, upload it
filled in, preview, confirm (all or nothing, refused when the record changed meanwhile)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from lgdata.thai import fiscal_year_of
from records import spreadsheet, uploads
from records.models import Section
from records.schema import current_schema
from records.views import fiscal_year_or_404, request_language


def _template_uploads(request: HttpRequest) -> uploads.KeptUploads:
    return uploads.KeptUploads(request.session, "spreadsheet_uploads")


@login_required
def spreadsheet_upload(request: HttpRequest) -> HttpResponse:
    """The round trip's page: download a template; upload it filled in for a dry-run preview."""
    laos = access.template_laos(request.user).select_related("district")
    if not laos.exists():
        raise Http404
    form = spreadsheet.TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        filename = form.cleaned_data["file"].name
        try:
            data = form.read()
            result = spreadsheet.template_import(data=data, by=request.user, commit=False)
        except uploads.UploadError as exc:
            form.add_error("file", str(exc))
        else:
            token = ""
            if result.ok and result.laos:  # the file stays on the server; the form sends a token
                token = _template_uploads(request).keep(data, filename)
            return render(
                request,
                "records/spreadsheet_preview.html",
                {"result": result, "filename": filename, "token": token},
                status=200 if result.ok else 422,
            )
    this_year = fiscal_year_of(timezone.localdate())
    return render(
        request,
        "records/spreadsheet_upload.html",
        {
            "form": form,
            "laos": laos.order_by("code"),
            "sections": current_schema().sections.all(),
            "years": [this_year + 1, this_year, this_year - 1],
            "this_year": this_year,
        },
        status=422 if form.is_bound else 200,
    )


@login_required
def spreadsheet_template(request: HttpRequest, year: int) -> HttpResponse:
    """The fill-in XLSX template of one LAO (``?lao=``) or all the user's LAOs, for the whole
    record or one section (``?section=``)."""
    year = fiscal_year_or_404(year)
    laos = access.template_laos(request.user).select_related("district")
    if request.GET.get("lao"):
        laos = laos.filter(code=request.GET["lao"])
    laos = list(laos)
    if not laos:
        raise Http404
    section_code = request.GET.get("section") or None
    if section_code and not Section.objects.filter(code=section_code).exists():
        raise Http404
    try:
        data = spreadsheet.template_build(
            laos=laos,
            fiscal_year=year,
            section_codes=[section_code] if section_code else None,
            language=request_language(request),
        )
    except spreadsheet.TemplateBuildError as exc:
        messages.error(request, str(exc))
        return redirect("records:spreadsheet")
    response = HttpResponse(data, content_type=spreadsheet.CONTENT_TYPE)
    filename = spreadsheet.template_filename(laos=laos, fiscal_year=year, section_code=section_code)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def spreadsheet_confirm(request: HttpRequest) -> HttpResponse:
    """Applies a previewed template, all or nothing, checking it again against the database."""
    if not access.template_laos(request.user).exists():
        raise Http404
    form = uploads.ConfirmForm(request.POST)
    kept = _template_uploads(request)
    token = form.cleaned_data["token"] if form.is_valid() else ""
    upload = kept.get(token)
    if upload is None:
        messages.error(
            request, _("This upload has expired or was already imported. Upload it again.")
        )
        return redirect("records:spreadsheet")
    data, filename = upload
    try:
        result = spreadsheet.template_import(data=data, by=request.user, commit=True)
    except uploads.UploadError as exc:
        messages.error(request, str(exc))
        return redirect("records:spreadsheet")
    kept.discard(token)
    if not result.committed:  # changed since the preview: nothing was written
        return render(
            request,
            "records/spreadsheet_preview.html",
            {"result": result, "filename": filename, "token": ""},
            status=409,
        )
    messages.success(
        request,
        _("Imported: %(values)s values changed in %(sections)s sections.")
        % {"values": result.history_rows, "sections": result.sections_saved},
    )
    return redirect("records:spreadsheet")
