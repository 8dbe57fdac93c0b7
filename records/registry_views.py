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
from records import registry, uploads
from records.forms import RegistryUploadForm


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
