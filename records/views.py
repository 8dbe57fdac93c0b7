"""The hierarchy pages: home by role, the LAO card, and the district, province and national lists.

Every view asks accounts.access; an object outside the user's scope is a 404, so a guessed URL
tells nothing about what exists.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import access
from lgdata.thai import fiscal_year_of
from records import hooks, registry, uploads
from records.forms import RegistryUploadForm, SectionForm
from records.models import (
    LAO,
    Field,
    Record,
    Section,
    SectionEntry,
)
from records.schema import current_schema
from records.services import (
    EditBlockedError,
    SaveResult,
    StaleSectionError,
    applicable_fields,
    failing_rules,
    previous_values,
    record_get_or_create,
    record_progress,
    section_save,
)
from records.values import show_value


def _get_lao_for_user(request: HttpRequest, code: str) -> LAO:
    return get_object_or_404(access.laos_visible_to(request.user).for_listing(), code=code)


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


def _registry_uploads(request: HttpRequest) -> uploads.KeptUploads:
    return uploads.KeptUploads(request.session, "registry_uploads")


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
        except uploads.UploadError as exc:
            form.add_error("file", str(exc))
        else:
            # The file stays on the server; the confirmation sends only the token.
            token = _registry_uploads(request).keep(data, filename) if result.ok else ""
            return render(
                request,
                "records/registry_import_preview.html",
                {"result": result, "confirm_form": uploads.ConfirmForm(initial={"token": token})},
            )
    return render(request, "records/registry_import.html", {"form": form})


@login_required
@require_POST
def registry_import_confirm(request: HttpRequest) -> HttpResponse:
    """Apply a previewed upload, all or nothing, checking it again against today's database."""
    if not access.can_import_registry(request.user):
        raise Http404
    form = uploads.ConfirmForm(request.POST)
    kept = _registry_uploads(request)
    token = form.cleaned_data["token"] if form.is_valid() else ""
    upload = kept.get(token)
    if upload is None:
        messages.error(
            request, _("This upload has expired or was already imported. Upload it again.")
        )
        return redirect("records:registry-import")
    data, filename = upload
    try:
        result = registry.registry_import(
            data=data, filename=filename, commit=True, by=request.user
        )
    except uploads.UploadError as exc:
        messages.error(request, str(exc))
        return redirect("records:registry-import")
    if not result.ok:  # the database changed since the preview; nothing was written
        return render(request, "records/registry_import_preview.html", {"result": result})
    kept.discard(token)
    messages.success(
        request,
        _(
            "Registry imported: %(created)s LAOs created, %(updated)s updated, "
            "%(unchanged)s unchanged."
        )
        % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
    )
    return redirect("records:registry-import")


# --- The record: overview, section forms, history (issue 3) ---------------------------------


def _fiscal_year_or_404(year: int) -> int:
    """Fiscal years from 2540 to next year exist; anything else is a mistyped URL."""
    if not 2540 <= year <= fiscal_year_of(timezone.localdate()) + 1:
        raise Http404
    return year


def _language(request: HttpRequest) -> str:
    return "en" if getattr(request, "LANGUAGE_CODE", "th") == "en" else "th"


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
    required = sum(r.required for r in rows)
    filled = sum(r.filled for r in rows)
    return render(
        request,
        "records/lao_overview.html",
        {
            "lao": lao,
            "subdistricts": lao.subdistricts.order_by("code"),
            "can_edit": access.can_edit_lao_record(request.user, lao),
            "years": years,
            "year": year,
            "record": record,
            "rows": rows,
            "percent": round(100 * filled / required) if required else 100,
            "filled": filled,
            "required": required,
        },
    )


@login_required
def section_edit(request: HttpRequest, lao_code: str, year: int, section_code: str) -> HttpResponse:
    """One section of a record as a form. Opening it writes nothing: a year without a record
    shows an empty form, and the first save makes the record."""
    lao = _get_lao_for_user(request, lao_code)
    year = _fiscal_year_or_404(year)
    can_edit = access.can_edit_lao_record(request.user, lao)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    record = Record.objects.filter(lao=lao, fiscal_year=year).select_related("schema").first()
    schema = record.schema if record else current_schema()
    section = get_object_or_404(
        Section.objects.prefetch_related("fields", "rules"), schema=schema, code=section_code
    )
    entry = (
        SectionEntry.objects.select_related("updated_by")
        .filter(record=record, section=section)
        .first()
        if record
        else None
    )
    fields = applicable_fields(section, lao.type)
    previous = previous_values(lao=lao, fiscal_year=year, section_code=section.code)
    language = _language(request)
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
    return render(
        request,
        "records/section_form.html",
        {
            "lao": lao,
            "year": year,
            "record": record,
            "section": section,
            "sections": schema.sections.all(),
            "entry": entry,
            "form": form,
            "can_edit": can_edit and not blocked,
            "blocked": blocked,
            "conflict": conflict,
            "failing_rules": _failing_messages(section, entry, language),
        },
        status=409 if conflict else 200,
    )


@transaction.atomic
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
    """Saves the form, making the record on the first save (undone if the save is refused)."""
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


def _failing_messages(section: Section, entry: SectionEntry | None, language: str) -> list[str]:
    if entry is None or entry.rules_pass:
        return []
    # Rules may look at other sections' fields: check them against the whole record.
    values = {}
    for other in SectionEntry.objects.filter(record_id=entry.record_id).only("values"):
        values.update(other.values)
    return [
        r.message_th if language == "th" else r.message_en
        for r in failing_rules(list(section.rules.all()), values)
    ]


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
    for rule in result.rule_messages:
        messages.warning(request, rule.message_th if language == "th" else rule.message_en)
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
    year = _fiscal_year_or_404(year)
    record = get_object_or_404(Record.objects.select_related("schema"), lao=lao, fiscal_year=year)
    language = _language(request)
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


# --- The Excel round trip: fill-in template and its upload (issue 6) --------------------------

from records import spreadsheet  # noqa: E402  (kept with the views that use it)


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
    year = _fiscal_year_or_404(year)
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
            language=_language(request),
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
