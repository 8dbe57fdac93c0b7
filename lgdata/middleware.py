from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control


class ThaiFirstLocaleMiddleware(LocaleMiddleware):
    """Thai unless the user chose English with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and most office PCs
    here ship with English browsers; the portal is Thai first, so only the switch's cookie counts.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PrivatePagesMiddleware:
    """A page or download made for a logged-in user is never kept by a browser or proxy cache.

    Records, dashboards and exports are scoped to one person: `private, no-store` keeps them out
    of shared caches and off the disk of a shared office PC. The permissions policy switches off
    browser features the portal never uses. The API is left alone: its answers are for
    machines with tokens and revalidate with ETags (`private, no-cache`, see docs/api.md).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if request.user.is_authenticated and not request.path.startswith("/api/"):
            patch_cache_control(response, private=True, no_store=True)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
