"""The record's pages: finding an LAO, its record overview, the section forms and the history.

Every view asks accounts.access; an object outside the user's scope is a 404, so a guessed URL
tells nothing about what exists. The registry import (records/registry_views.py) and the Excel
round trip (records/spreadsheet_views.py) have their own modules.
"""

from contextlib import nullcontext

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import access
from lgdata import jobs
from lgdata.thai import fiscal_year_of
from records import hooks, tasks, uploads
from records.completeness import percent
from records.forms import SectionForm, rows_html
from records.models import (
    LAO,
    Field,
    Record,
    Section,
    SectionEntry,
)
from records.schema import current_schema, schema_sections
from records.services import (
    EditBlockedError,
    SaveResult,
    StaleSectionError,
    applicable_fields,
    record_get_or_create,
    record_progress,
    rule_messages,
    section_save,
)
from records.values import show_value


def _get_lao_for_user(request: HttpRequest, code: str) -> LAO:
    lao = access.get_visible_or_404(
        request, access.laos_visible_to(request.user).for_listing(), code=code
    )
    if request.user.lao_id == lao.pk:
        # A clerk's own LAO: the page header names it (user.scope_label); not read twice.
        request.user.lao = lao
    return lao


LAO_SORTS = {
    "code": "code",
    "name": "name_th",
    "type": "type",
    "-code": "-code",
    "-name": "-name_th",
}


def search_laos(qs: QuerySet[LAO], request: HttpRequest) -> tuple[QuerySet[LAO], str, str]:
    query = request.GET.get("q", "").strip()[:100]
    if query:
        qs = qs.filter(Q(name_th__icontains=query) | Q(code__startswith=query))
    lao_type = request.GET.get("type", "")
    if lao_type in LAO.Type.values:
        qs = qs.filter(type=lao_type)
    sort = request.GET.get("sort", "code")
    return qs.order_by(LAO_SORTS.get(sort, "code")), query, sort


@login_required
def lao_search(request: HttpRequest) -> HttpResponse:
    """Every LAO in the user's scope, searchable and paged (the list behind the home pages)."""
    laos, query, sort = search_laos(access.laos_visible_to(request.user).for_listing(), request)
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


def fiscal_year_or_404(year: int) -> int:
    """Fiscal years from 2540 to next year exist; anything else is a mistyped URL."""
    if not 2540 <= year <= fiscal_year_of(timezone.localdate()) + 1:
        raise Http404
    return year


def _crumbs(request: HttpRequest, lao: LAO) -> dict:
    """Which levels above the LAO the breadcrumb may link to: only pages the user may open."""
    return {
        "crumb_district": access.can_view_district(request.user, lao.district),
        "crumb_province": access.can_view_province(request.user, lao.district.province),
    }


def request_language(request: HttpRequest) -> str:
    return "en" if getattr(request, "LANGUAGE_CODE", "th") == "en" else "th"


def upload_job_start(request: HttpRequest, *, kind: str, token: str, filename: str, total=0):
    """Starts the background task of ``kind`` (records/tasks.py) on an upload kept under
    ``token``, in the language of the request; returns the job."""
    return jobs.job_start(
        kind=kind,
        user=request.user,
        task=tasks.TASKS[kind],
        params={
            "upload": token,
            "files": [uploads.kept_name(token)],
            "filename": filename,
            "language": request_language(request),
        },
        total=total,
    )


def import_job_waiting_page(
    request: HttpRequest, job, *, title: str, retry_url: str, back_url: str
) -> HttpResponse | None:
    """The page of a background import (records/tasks.py) that has no outcome to show yet:
    waiting or running (it refreshes itself), failed (with a retry) or its file refused on
    reading (the message). None once it has an outcome, which the caller shows."""
    waiting = job.status in ("queued", "running")
    refused = job.result.get("refused", "") if job.status == "done" else ""
    if job.status == "done" and not refused:
        return None
    return render(
        request,
        "records/import_job.html",
        {
            "job": job,
            "title": title,
            "waiting": waiting,
            "refused": refused,
            "percent": percent(job.done, job.total) if job.total else 0,
            "retry_url": retry_url,
            "back_url": back_url,
        },
        status=422 if refused else 200,
    )


@login_required
def lao_overview(request: HttpRequest, lao_code: str) -> HttpResponse:
    lao = _get_lao_for_user(request, lao_code)
    this_year = fiscal_year_of(timezone.localdate())
    years = sorted(
        set(lao.records.values_list("fiscal_year", flat=True)) | {this_year}, reverse=True
    )
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    if year not in years:
        year = this_year
    record = lao.records.select_related("schema", "updated_by").filter(fiscal_year=year).first()
    rows = record_progress(lao=lao, record=record)
    checks = _rule_messages_by_section(record, rows, request_language(request))
    for row in rows:
        row.checks = checks.get(row.section.pk, [])
    required = sum(r.required for r in rows)
    filled = sum(r.filled for r in rows)
    return render(
        request,
        "records/lao_overview.html",
        {
            "lao": lao,
            **_crumbs(request, lao),
            "subdistricts": lao.subdistricts.order_by("code"),
            "can_edit": access.can_edit_lao_record(request.user, lao),
            "years": years,
            "year": year,
            "record": record,
            "rows": rows,
            "percent": percent(filled, required),
            "filled": filled,
            "required": required,
        },
    )


def _section_entries(
    lao: LAO, year: int, section_code: str
) -> tuple[SectionEntry | None, Record | None, dict]:
    """The section's entry of the year (with its record and schema), its record, and last
    year's values of the same section (matched by code, as records.services.previous_values):
    one query when the record exists, two when it does not."""
    entry, previous = None, {}
    for row in SectionEntry.objects.filter(
        record__lao=lao, record__fiscal_year__in=(year, year - 1), section__code=section_code
    ).select_related("record__schema", "updated_by"):
        if row.record.fiscal_year == year:
            entry = row
        else:
            previous = row.values
    if entry is not None:
        return entry, entry.record, previous
    record = Record.objects.filter(lao=lao, fiscal_year=year).select_related("schema").first()
    return None, record, previous


@login_required
def section_edit(request: HttpRequest, lao_code: str, year: int, section_code: str) -> HttpResponse:
    """One section of a record as a form. Opening it writes nothing: a year without a record
    shows an empty form, and the first save makes the record."""
    lao = _get_lao_for_user(request, lao_code)
    year = fiscal_year_or_404(year)
    can_edit = access.can_edit_lao_record(request.user, lao)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    entry, record, previous = _section_entries(lao, year, section_code)
    schema = record.schema if record else current_schema()
    sections = schema_sections(schema)
    section = sections.get(section_code)
    if section is None:
        raise Http404
    if record is not None:
        record.lao = lao
    if entry is not None:
        entry.section = section
    fields = applicable_fields(section, lao.type)
    language = request_language(request)
    form_args = {"schema_fields": fields, "previous": previous, "language": language}
    conflict = None

    if request.method == "POST":
        form = SectionForm(request.POST, **form_args)
        if form.is_valid():
            try:
                result = _save_section(
                    request, lao, year, record, section, entry, form, fields, previous
                )
            except EditBlockedError as blocked:
                raise PermissionDenied(blocked.reason) from None
            except StaleSectionError as stale:
                conflict = _conflict_rows(fields, form.stored_values(), stale.current, language)
                entry = stale.current
                form = SectionForm(
                    initial={**request.POST.dict(), "version": stale.current.version}, **form_args
                )
            else:
                _report_save(request, result, fields, language)
                return redirect(
                    "records:section-edit", lao_code=lao.code, year=year, section_code=section.code
                )
    else:
        stored = entry.values if entry else {}
        form = SectionForm(
            initial=SectionForm.initial_for(stored, fields, entry.version if entry else 0),
            **form_args,
        )
    # Only to show the page read-only with the reason; section_save refuses the write itself.
    blocked = hooks.edit_blocked_reason(lao, year, timezone.localdate()) if can_edit else None
    if blocked or not can_edit:
        # A form that cannot be saved is shown with its inputs disabled, not as a trap.
        for form_field in form.fields.values():
            form_field.disabled = True
    return render(
        request,
        "records/section_form.html",
        {
            "lao": lao,
            **_crumbs(request, lao),
            "year": year,
            "record": record,
            "section": section,
            "sections": sections.values(),
            "entry": entry,
            "form": form,
            "rows": rows_html(
                form.rows(flagged=entry.flags if entry else ()),
                history_url=reverse("records:history", args=[lao.code, year]) if record else None,
            ),
            "can_edit": can_edit and not blocked,
            "blocked": blocked,
            "conflict": conflict,
            "failing_rules": _failing_messages(section, entry, fields, language),
        },
        status=409 if conflict else 200,
    )


def _save_section(
    request: HttpRequest,
    lao: LAO,
    year: int,
    record: Record | None,
    section: Section,
    entry: SectionEntry | None,
    form: SectionForm,
    fields: list[Field],
    previous: dict,
) -> SaveResult:
    """Saves the form, making the record on the first save (undone if the save is refused).

    Only a first save needs a transaction of its own around section_save's: otherwise one
    would only add a savepoint (two more round trips) to every save."""
    with transaction.atomic() if record is None else nullcontext():
        if record is None:
            record = record_get_or_create(lao=lao, fiscal_year=year)
        if entry is None:
            entry = SectionEntry.objects.get(record=record, section=section)
        # Already loaded: spares section_save a query for each.
        record.lao = lao
        entry.record, entry.section = record, section
        return section_save(
            entry=entry,
            values=form.stored_values(),
            expected_version=form.cleaned_data["version"],
            by=request.user,
            fields=fields,
            previous=previous,
        )


def _conflict_rows(fields, mine: dict, current: SectionEntry, language: str) -> list[dict]:
    """Field by field, the user's values beside the ones saved meanwhile (differences first)."""
    rows = []
    for f in fields:
        theirs = current.values.get(f.code)
        rows.append(
            {
                "label": f.label_th if language == "th" else f.label_en,
                "mine": show_value(mine.get(f.code), f, language),
                "theirs": show_value(theirs, f, language),
                "differs": mine.get(f.code) != theirs,
            }
        )
    return sorted(rows, key=lambda row: not row["differs"])


def _rule_messages_by_section(record: Record | None, rows, language: str) -> dict[int, list]:
    """For the sections that need checking, their failing rules with the numbers."""
    failing = [row.section for row in rows if row.entry and not row.entry.rules_pass]
    if not failing:
        return {}
    values = {}
    for row in rows:
        values.update(row.entry.values if row.entry else {})
    return {
        section.pk: rule_messages(list(section.rules.all()), values, language=language)
        for section in failing
    }


def _failing_messages(
    section: Section, entry: SectionEntry | None, fields: list[Field], language: str
) -> list[str]:
    if entry is None or entry.rules_pass:
        return []
    # Rules may look at other sections' fields: check them against the whole record.
    values = {}
    for other in SectionEntry.objects.filter(record_id=entry.record_id).only("values"):
        values.update(other.values)
    return rule_messages(list(section.rules.all()), values, language=language, fields=fields)


def _report_save(request: HttpRequest, result: SaveResult, fields, language: str) -> None:
    labels = {f.code: (f.label_th if language == "th" else f.label_en) for f in fields}
    if result.changed:
        messages.success(
            request,
            ngettext(
                "Saved: %(count)d value changed.",
                "Saved: %(count)d values changed.",
                len(result.changed),
            )
            % {"count": len(result.changed)},
        )
    else:
        messages.info(request, _("Nothing changed."))
    for message in rule_messages(
        result.rule_messages, result.record_values, language=language, fields=fields
    ):
        messages.warning(request, message)
    if result.entry.flags:
        names = ", ".join(labels[c] for c in result.entry.flags if c in labels)
        messages.warning(
            request,
            _("Please check these values, they are far from last year's: %(names)s")
            % {"names": names},
        )


@login_required
def record_history(request: HttpRequest, lao_code: str, year: int) -> HttpResponse:
    lao = _get_lao_for_user(request, lao_code)
    year = fiscal_year_or_404(year)
    record = get_object_or_404(Record.objects.select_related("schema"), lao=lao, fiscal_year=year)
    language = request_language(request)
    fields = {
        f.code: f
        for f in Field.objects.filter(section__schema=record.schema).select_related("section")
    }
    changes = record.changes.select_related("changed_by", "section")
    section_code = request.GET.get("section", "")
    field_code = request.GET.get("field", "")
    if section_code:
        changes = changes.filter(section__code=section_code)
    if field_code:
        changes = changes.filter(field_code=field_code)
    page = Paginator(changes, 100).get_page(request.GET.get("page"))
    rows = []
    for change in page.object_list:
        f = fields.get(change.field_code)
        rows.append(
            {
                "change": change,
                "label": (f.label_th if language == "th" else f.label_en)
                if f
                else change.field_code,
                "old": show_value(change.old_value, f, language) if f else change.old_value,
                "new": show_value(change.new_value, f, language) if f else change.new_value,
            }
        )
    return render(
        request,
        "records/history.html",
        {
            "lao": lao,
            **_crumbs(request, lao),
            "year": year,
            "record": record,
            "rows": rows,
            "page": page,
            "sections": record.schema.sections.all(),
            "section_code": section_code,
            "field_code": field_code,
            "field_label": rows[0]["label"] if field_code and rows else field_code,
        },
    )
