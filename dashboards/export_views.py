"""Downloads of the records (CSV streamed, XLSX at once or as a background job) and the printable
province report.

Every view asks accounts.access (through ``export_scope.export_scope``); a place outside the
user's scope is a 404, so a guessed address tells nothing.
"""

import tempfile

from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from accounts.security import Kind, security_log
from dashboards import charts, export_jobs
from dashboards.export_scope import ExportScopeError, export_scope, export_years
from dashboards.export_writers import records_csv, records_xlsx_write
from dashboards.exports import FORMATS, XLSX_TYPE
from dashboards.province_report import ProvinceReport, province_report_build
from lgdata.thai import fiscal_year_of
from lgdata.thai import to_arabic_digits as _digits


def _language(request: HttpRequest) -> str:
    return "en" if getattr(request, "LANGUAGE_CODE", "th") == "en" else "th"


def _year_or_404(text: str) -> int | None:
    """The fiscal year asked for (None: the current one); anything else is a mistyped URL."""
    if not text:
        return None
    try:
        year = int(_digits(text.strip()))
    except ValueError:
        raise Http404 from None
    if not 2540 <= year <= fiscal_year_of(timezone.localdate()) + 1:
        raise Http404
    return year


@login_required
def records_export(request: HttpRequest) -> HttpResponse:
    """The records of the user's scope (or a province, district or LAO in it) as CSV or XLSX;
    without a format, the page that offers them."""
    fmt = request.GET.get("format", "")
    if fmt not in FORMATS:
        return _export_page(request)
    language = _language(request)
    where = {
        "province": request.GET.get("province", "").strip(),
        "district": request.GET.get("district", "").strip(),
        "lao": request.GET.get("lao", "").strip(),
        "year": _year_or_404(request.GET.get("year", "")),
    }
    try:
        scope = export_scope(user=request.user, language=language, **where)
    except ExportScopeError:
        raise Http404 from None
    if not scope.laos.exists():
        raise Http404
    if not scope.has_records():
        # Nothing to give: say so on the export page rather than send a file of empty rows.
        return _export_page(
            request,
            empty=_("No LAO in this area has a record of fiscal year %(year)s yet.")
            % {"year": scope.fiscal_year},
        )
    security_log(Kind.EXPORT, request=request, detail=f"{scope.filename}.{fmt}")
    disposition = f'attachment; filename="{scope.filename}.{fmt}"'
    if fmt == "csv":
        response = StreamingHttpResponse(
            records_csv(scope, language=language),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = disposition
        return response
    if scope.laos.count() >= export_jobs.BACKGROUND_LAOS:
        job = export_jobs.export_job_start(user=request.user, language=language, where=where)
        return redirect("exports:job", token=job.token)
    # A file on disk, not bytes in memory: FileResponse sends it in blocks and closes it.
    target = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    records_xlsx_write(scope, target, language=language)
    target.seek(0)
    response = FileResponse(target, content_type=XLSX_TYPE)
    response["Content-Disposition"] = disposition
    return response


def _export_page(request: HttpRequest, *, empty: str = "") -> HttpResponse:
    """The export form offers the areas the user may export: a national user the whole country
    or one province, a province officer the province or one of its districts, a district officer
    the district."""
    user = request.user
    years = export_years(today=timezone.localdate())
    this_year = fiscal_year_of(timezone.localdate())
    if this_year not in years:
        this_year = years[0]
    national = access.can_see_nation(user)
    provinces = list(access.provinces_visible_to(user).order_by("code"))
    districts = [] if national else list(access.districts_visible_to(user).order_by("code"))
    return render(
        request,
        "dashboards/export_records.html",
        {
            "provinces": provinces,
            "districts": districts,
            "whole_country": national,
            "all_districts": bool(provinces) and not national,
            "years": years,
            "this_year": this_year,
            "empty": empty,
            "background_laos": export_jobs.BACKGROUND_LAOS,
        },
    )


@login_required
def export_job(request: HttpRequest, token: str) -> HttpResponse:
    """A background export's progress; the page reloads itself until the file is ready."""
    job = export_jobs.export_job_get(token, user=request.user)
    if job is None:
        raise Http404
    return render(request, "dashboards/export_job.html", {"job": job})


@login_required
def export_job_download(request: HttpRequest, token: str) -> FileResponse:
    """The finished file of a background export, for the user who started it only."""
    job = export_jobs.export_job_get(token, user=request.user)
    if job is None or not job.ready:
        raise Http404
    return FileResponse(
        export_jobs.export_job_open(job),
        as_attachment=True,
        filename=job.filename,
        content_type=XLSX_TYPE,
    )


@login_required
@require_POST
def export_job_retry(request: HttpRequest, token: str) -> HttpResponse:
    """Runs the user's failed export again (a new task); back to its page."""
    job = export_jobs.export_job_retry(token, user=request.user)
    if job is None:
        raise Http404
    return redirect("exports:job", token=job.token)


@login_required
def province_report(request: HttpRequest, province_code: str) -> HttpResponse:
    """The printable report of a province: province officers of it, department staff and
    executives."""
    province = access.get_visible_or_404(
        request, access.provinces_visible_to(request.user), code=province_code
    )
    report = province_report_build(province=province, today=timezone.localdate())
    return render(
        request,
        "dashboards/report_province.html",
        {"report": report, "chart": _chart(report), "now": timezone.now()},
    )


def _chart(report: ProvinceReport) -> str:
    """The province dashboard's completeness chart (``dashboards.charts``), by district."""
    bars = [
        charts.Bar(label=row.display_name, value=row.percent, code=row.code)
        for row in report.districts
    ]
    return charts.bar_chart(bars, title=_("Completeness by district (%)"), testid="report-chart")
