"""The Excel round trip for clerks and district officers: download a fill-in template, upload it
filled in, preview, confirm (all or nothing, refused when the record changed meanwhile).

A template above ``tasks.TEMPLATE_BACKGROUND_BYTES`` is read by a task worker, for the preview
and for the import (records/tasks.py); the request only checks what is cheap and keeps it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from lgdata import jobs
from lgdata.thai import fiscal_year_of
from records import spreadsheet, tasks, template_workbook, uploads
from records.models import Section
from records.schema import current_schema
from records.views import (
    fiscal_year_or_404,
    import_job_waiting_page,
    request_language,
    upload_job_start,
)

_SESSION_KEY = "spreadsheet_uploads"
_KINDS = (tasks.TEMPLATE_PREVIEW_KIND, tasks.TEMPLATE_KIND)


def _template_uploads(request: HttpRequest) -> uploads.KeptUploads:
    return uploads.KeptUploads(request.session, _SESSION_KEY)


def _import_job(request: HttpRequest, token: str):
    """The user's template job under a token, or 404 (also for anyone
    who may not open these pages)."""
    if not access.template_laos(request.user).exists():
        raise Http404
    job = jobs.job_get(token, user=request.user, kind=_KINDS)
    if job is None:
        raise Http404
    return job


def _expired(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("This upload has expired or was already imported. Upload it again."))
    return redirect("records:spreadsheet")


def _job_start(request: HttpRequest, *, kind: str, token: str, filename: str) -> HttpResponse:
    job = upload_job_start(request, kind=kind, token=token, filename=filename)
    return redirect("records:spreadsheet-job", token=job.token)


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
            if len(data) > tasks.TEMPLATE_BACKGROUND_BYTES:
                spreadsheet.template_precheck(data)
                token = _template_uploads(request).keep(data, filename)
                return _job_start(
                    request, kind=tasks.TEMPLATE_PREVIEW_KIND, token=token, filename=filename
                )
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
        data = template_workbook.template_build(
            laos=laos,
            fiscal_year=year,
            section_codes=[section_code] if section_code else None,
            language=request_language(request),
        )
    except template_workbook.TemplateBuildError as exc:
        messages.error(request, str(exc))
        return redirect("records:spreadsheet")
    response = HttpResponse(data, content_type=template_workbook.CONTENT_TYPE)
    filename = template_workbook.template_filename(
        laos=laos, fiscal_year=year, section_code=section_code
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def spreadsheet_confirm(request: HttpRequest) -> HttpResponse:
    """Applies a previewed template, all or nothing, checking it again against the database."""
    if not access.template_laos(request.user).exists():
        raise Http404
    kept = _template_uploads(request)
    token, upload = kept.confirmed(request.POST)
    if upload is None:
        return _expired(request)
    data, filename = upload
    if len(data) > tasks.TEMPLATE_BACKGROUND_BYTES:
        kept.hand_over(token)
        return _job_start(request, kind=tasks.TEMPLATE_KIND, token=token, filename=filename)
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


@login_required
def spreadsheet_job(request: HttpRequest, token: str) -> HttpResponse:
    """A large template read by a worker: its progress, then the preview to confirm, or (once
    confirmed) the outcome of its import."""
    job = _import_job(request, token)
    preview = job.kind == tasks.TEMPLATE_PREVIEW_KIND
    waiting = import_job_waiting_page(
        request,
        job,
        title=_("Template import preview") if preview else _("Template import"),
        retry_url=reverse("records:spreadsheet-job-retry", args=[job.token]),
        back_url=reverse("records:spreadsheet"),
    )
    if waiting is not None:
        return waiting
    result = spreadsheet.TemplateImportResult.from_json(job.result["result"])
    confirmable = preview and result.ok and result.laos
    confirm_token = _template_uploads(request).waiting(job.params["upload"]) if confirmable else ""
    if not preview and result.committed:
        messages.success(
            request,
            _("Imported: %(values)s values changed in %(sections)s sections.")
            % {"values": result.history_rows, "sections": result.sections_saved},
        )
        return redirect("records:spreadsheet")
    return render(
        request,
        "records/spreadsheet_preview.html",
        {
            "result": result,
            "filename": job.params["filename"],
            "token": confirm_token,
        },
        status=200 if result.ok else (422 if preview else 409),
    )


@login_required
@require_POST
def spreadsheet_job_retry(request: HttpRequest, token: str) -> HttpResponse:
    """Runs a failed large preview or import again (a new task), if its upload is still kept."""
    job = _import_job(request, token)
    if uploads.kept_read(job.params["upload"]) is None:
        return _expired(request)
    jobs.job_retry(job, task=tasks.TASKS[job.kind])
    return redirect("records:spreadsheet-job", token=job.token)
