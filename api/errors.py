"""Every API error is JSON with a stable `code` for programs and a `message` for people.

    {"code": "invalid_parameter", "message": "year: ...", "parameters": {"year": ["..."]}}

Messages follow the request's Accept-Language (Thai unless English is asked for); codes never
change with the language.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def api_language(request: HttpRequest) -> str:
    """Thai unless the Accept-Language asks for English first (the portal's languages only)."""
    for part in request.META.get("HTTP_ACCEPT_LANGUAGE", "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in ("th", "en"):
            return tag
    return settings.LANGUAGE_CODE


class InvalidParameter(exceptions.APIException):
    """A query parameter that cannot be used: 400 with the parameter named."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_parameter"

    def __init__(self, fields: dict[str, list[str]]):
        self.fields = fields
        super().__init__(
            "; ".join(f"{name}: {' '.join(map(str, msgs))}" for name, msgs in fields.items())
        )


def _flatten(detail) -> dict[str, list[str]]:
    """REST framework's nested error details as {parameter: [messages]}."""
    if isinstance(detail, dict):
        return {
            str(key): [str(m) for m in (value if isinstance(value, list) else [value])]
            for key, value in detail.items()
        }
    return {"": [str(m) for m in (detail if isinstance(detail, list) else [detail])]}


def describe(exc: Exception) -> tuple[str, str, dict | None]:
    """(code, message, fields) for an exception REST framework turned into a response."""
    if isinstance(exc, InvalidParameter):
        return "invalid_parameter", str(exc.detail), exc.fields
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        message = "; ".join(
            f"{name}: {' '.join(msgs)}" if name else " ".join(msgs) for name, msgs in fields.items()
        )
        return "invalid_parameter", message, fields
    if isinstance(exc, exceptions.NotAuthenticated):
        return (
            "not_authenticated",
            _("A token is needed: send the header “Authorization: Bearer <token>”."),
            None,
        )
    if isinstance(exc, exceptions.AuthenticationFailed):
        return "invalid_token", str(exc.detail), None
    if isinstance(exc, exceptions.Throttled):
        return (
            "rate_limited",
            _("Too many requests for this token. Try again in %(seconds)s seconds.")
            % {"seconds": exc.wait or 1},
            None,
        )
    if isinstance(exc, Http404 | exceptions.NotFound):
        return "not_found", _("Not found, or not in this token's scope."), None
    if isinstance(exc, exceptions.PermissionDenied):
        return "permission_denied", _("This token may not do this."), None
    if isinstance(exc, exceptions.MethodNotAllowed):
        return "method_not_allowed", _("The API is read-only: use GET."), None
    if isinstance(exc, exceptions.NotAcceptable):
        return "not_acceptable", _("The API answers in JSON only."), None
    if isinstance(exc, exceptions.APIException):
        return exc.default_code, str(exc.detail), None
    return "error", str(exc), None


def exception_handler(exc: Exception, context: dict) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real server error: Django's 500 handling and logging
    code, message, fields = describe(exc)
    response.data = {"code": code, "message": message}
    if fields:
        response.data["parameters"] = fields
    return response


def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Unknown addresses under /api/v1/ answer in the API's own format (no redirect to add a
    slash: many clients drop the Authorization header on a redirect), with a hint when only
    the final slash is missing."""
    with translation.override(api_language(request)):
        message = _("There is no such API endpoint.")
        if not request.path.endswith("/"):
            match = resolve_or_none(request.path + "/")
            if match is not None and match.func is not not_found:
                message = _("There is no such API endpoint. Did you mean %(path)s?") % {
                    "path": request.path + "/"
                }
        return JsonResponse({"code": "not_found", "message": message}, status=404)


def resolve_or_none(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None
