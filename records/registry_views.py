"""The registry import for department staff: upload, preview what would change, confirm.

The file stays on the server between preview and confirm (records/uploads.py); the confirmation
checks it again against today's database and applies it all or nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from lgdata import jobs
from records import registry, tasks, uploads
from records.forms import RegistryUploadForm
from records.views import request_language


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
        dataset = registry.registry_read(data)
        if dataset.height >= tasks.BACKGROUND_ROWS:
            # A large file runs in a worker; the page follows it (records/tasks.py).
            kept.hand_over(token)
            job = jobs.job_start(
                kind=tasks.KIND,
                user=request.user,
                task=tasks.registry_import,
                params={
                    "upload": token,
                    "filename": filename,
                    "language": request_language(request),
                },
                total=dataset.height,
            )
            return redirect("records:registry-import-job", token=job.token)
        result = registry.registry_import(
            data=dataset, filename=filename, commit=True, by=request.user
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


@login_required
def registry_import_job(request: HttpRequest, token: str) -> HttpResponse:
    """A large registry import running in a worker: its progress, then its outcome."""
    if not access.can_import_registry(request.user):
        raise Http404
    job = jobs.job_get(token, user=request.user, kind=tasks.KIND)
    if job is None:
        raise Http404
    return render(request, "records/registry_import_job.html", {"job": job})


@login_required
@require_POST
def registry_import_job_retry(request: HttpRequest, token: str) -> HttpResponse:
    """Runs a failed large import again (a new task), if its upload is still kept."""
    if not access.can_import_registry(request.user):
        raise Http404
    job = jobs.job_get(token, user=request.user, kind=tasks.KIND)
    if job is None:
        raise Http404
    if uploads.kept_read(job.params["upload"]) is None:
        messages.error(
            request, _("This upload has expired or was already imported. Upload it again.")
        )
        return redirect("records:registry-import")
    jobs.job_retry(job, task=tasks.registry_import)
    return redirect("records:registry-import-job", token=job.token)
