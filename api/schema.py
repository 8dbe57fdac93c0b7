"""What drf-spectacular needs to know to describe the API: the bearer token scheme."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token issued by department staff (page /api/tokens/) or with "
            "`manage.py create_api_token USERNAME`: `Authorization: Bearer <token>`.",
        }
