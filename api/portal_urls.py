"""The API's pages outside /api/v1/: token management and the open-data downloads."""

from django.urls import path

from api import page_views

app_name = "api-pages"

urlpatterns = [
    path("api/tokens/", page_views.tokens, name="tokens"),
    path("api/tokens/<int:token_id>/revoke/", page_views.token_revoke, name="token-revoke"),
    path(
        "opendata/lao-completeness.<str:fmt>",
        page_views.open_data_file,
        name="open-data",
    ),
]
