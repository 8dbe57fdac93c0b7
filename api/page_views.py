"""The API's server-rendered pages: tokens (department staff and administrators), the API docs
page and the open-data downloads (public, when switched on)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers, get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import access
from api import opendata
from api.forms import TokenIssueForm
from api.models import APIToken
from api.services import token_issue
from api.services import token_revoke as revoke
from api.views import openapi_schema


def _check_token_manager(request: HttpRequest) -> None:
    if not access.can_manage_api_tokens(request.user):
        raise Http404


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """Issue a token (its text is shown on this answer only), and list every token."""
    _check_token_manager(request)
    form = TokenIssueForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        token, text = token_issue(
            user=form.cleaned_data["user"], name=form.cleaned_data["name"], by=request.user
        )
        issued = {"token": token, "text": text}
        form = TokenIssueForm()
    page = Paginator(APIToken.objects.for_listing(), 50).get_page(request.GET.get("page"))
    response = render(request, "api/tokens.html", {"form": form, "page": page, "issued": issued})
    if issued:
        add_never_cache_headers(response)  # the token's text must not stay in any cache
        response["Cache-Control"] += ", no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    _check_token_manager(request)
    token = get_object_or_404(APIToken, pk=token_id)
    if revoke(token=token, by=request.user):
        messages.success(
            request, _("Token “%(name)s” revoked: it no longer works.") % {"name": token.name}
        )
    else:
        messages.info(request, _("Token “%(name)s” was already revoked.") % {"name": token.name})
    return redirect("api-pages:tokens")


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    """The endpoints as the OpenAPI schema describes them, for people."""
    schema = openapi_schema()
    endpoints = [
        {
            "path": path,
            "method": method.upper(),
            "summary": operation.get("summary", ""),
            "description": operation.get("description", ""),
            "parameters": operation.get("parameters", []),
            "responses": sorted(operation.get("responses", {}).items()),
        }
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    return render(request, "api/docs.html", {"schema": schema, "endpoints": endpoints})


@require_GET
def open_data_file(request: HttpRequest, fmt: str) -> HttpResponse:
    """The day's open-data file; 404 while the feed is switched off or not built yet."""
    if not settings.OPEN_DATA_FEED or fmt not in opendata.FORMATS:
        raise Http404
    path = opendata.path_of(fmt)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise Http404 from None
    modified = int(stat.st_mtime)
    etag = f'"{modified:x}-{stat.st_size:x}"'
    headers = {
        "ETag": etag,
        "Last-Modified": http_date(modified),
        "Cache-Control": "public, max-age=3600",
    }
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        response = FileResponse(
            path.open("rb"), content_type=opendata.FORMATS[fmt], filename=path.name
        )
    for name, value in headers.items():
        response[name] = value
    return response
