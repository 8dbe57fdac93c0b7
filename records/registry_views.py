"""The registry import for department staff: upload, preview what would change, confirm.

The file stays on the server between preview and confirm (records/uploads.py); the confirmation
checks it again against today's database and applies it all or nothing. A large file is read
by a task worker, for the preview and for the import (records/tasks.py): the request only
checks what is cheap, keeps the file and sends the user to the job's page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from lgdata import jobs
from records import registry, tasks, uploads
from records.forms import RegistryUploadForm
from records.views import import_job_waiting_page, upload_job_start


def _registry_uploads(request: HttpRequest) -> uploads.KeptUploads:
    return uploads.KeptUploads(request.session, "registry_uploads")


def _import_job(request: HttpRequest, token: str, kind: str | tuple[str, ...]):
    """The user's registry job under a token, or 404 (also for anyone
    who may not open these pages)."""
    if not access.can_import_registry(request.user):
        raise Http404
    job = jobs.job_get(token, user=request.user, kind=kind)
    if job is None:
        raise Http404
    return job


def _job_page(job) -> HttpResponse:
    """Sends the user to a job's page: the preview's (progress, then the preview to confirm)
    or the import's."""
    page = (
        "records:registry-import-job" if job.kind == tasks.KIND else "records:registry-import-check"
    )
    return redirect(page, token=job.token)


def _job_start(
    request: HttpRequest, *, kind: str, token: str, filename: str, rows: int
) -> HttpResponse:
    job = upload_job_start(request, kind=kind, token=token, filename=filename, total=rows)
    return _job_page(job)


def _expired(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("This upload has expired or was already imported. Upload it again."))
    return redirect("records:registry-import")


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
            if len(data) > tasks.REGISTRY_BACKGROUND_BYTES:
                rows = registry.registry_precheck(data)
                token = _registry_uploads(request).keep(data, filename)
                return _job_start(
                    request, kind=tasks.PREVIEW_KIND, token=token, filename=filename, rows=rows
                )
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
def registry_import_check(request: HttpRequest, token: str) -> HttpResponse:
    """A large upload read by a worker: its progress, then the preview to confirm."""
    job = _import_job(request, token, tasks.PREVIEW_KIND)
    waiting = import_job_waiting_page(
        request,
        job,
        title=_("Registry import preview"),
        retry_url=reverse("records:registry-import-job-retry", args=[job.token]),
        back_url=reverse("records:registry-import"),
    )
    if waiting is not None:
        return waiting
    result = registry.RegistryImportResult.from_json(job.result["result"])
    confirm_token = _registry_uploads(request).waiting(job.params["upload"]) if result.ok else ""
    return render(
        request,
        "records/registry_import_preview.html",
        {"result": result, "confirm_form": uploads.ConfirmForm(initial={"token": confirm_token})},
    )


@login_required
@require_POST
def registry_import_confirm(request: HttpRequest) -> HttpResponse:
    """Apply a previewed upload, all or nothing, checking it again against today's database."""
    if not access.can_import_registry(request.user):
        raise Http404
    token, upload = _registry_uploads(request).confirmed(request.POST)
    if upload is None:
        return _expired(request)
    data, filename = upload
    try:
        # A large file is not read here at all; a small one with many rows is read (quickly)
        # but imported by a worker too.
        large = len(data) > tasks.REGISTRY_BACKGROUND_BYTES
        dataset = None if large else registry.registry_read(data)
        if large or dataset.height >= tasks.BACKGROUND_ROWS:
            _registry_uploads(request).hand_over(token)
            rows = dataset.height if dataset is not None else registry.registry_precheck(data)
            return _job_start(request, kind=tasks.KIND, token=token, filename=filename, rows=rows)
        result = registry.registry_import(
            data=dataset, filename=filename, commit=True, by=request.user
        )
    except uploads.UploadError as exc:
        messages.error(request, str(exc))
        return redirect("records:registry-import")
    if not result.ok:  # the database changed since the preview; nothing was written
        return render(request, "records/registry_import_preview.html", {"result": result})
    _registry_uploads(request).discard(token)
    messages.success(
        request,
        _(
            "Registry imported: %(created)s LAOs created, %(updated)s updated, "
            "%(unchanged)s unchanged."
        )
        % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
    )
    return redirect("records:registry-import")


@login_required
def registry_import_job(request: HttpRequest, token: str) -> HttpResponse:
    """A large registry import running in a worker: its progress, then its outcome."""
    job = _import_job(request, token, tasks.KIND)
    return render(request, "records/registry_import_job.html", {"job": job})


@login_required
@require_POST
def registry_import_job_retry(request: HttpRequest, token: str) -> HttpResponse:
    """Runs a failed large preview or import again (a new task), if its upload is still kept."""
    job = _import_job(request, token, (tasks.KIND, tasks.PREVIEW_KIND))
    if uploads.kept_read(job.params["upload"]) is None:
        return _expired(request)
    jobs.job_retry(job, task=tasks.TASKS[job.kind])
    return _job_page(job)
