"""/api/v1/: the read-only API (bearer token), its OpenAPI schema and its docs page (public)."""

from django.urls import path, re_path

from api import errors, page_views, views

app_name = "api"

urlpatterns = [
    path("laos/", views.LAOListView.as_view(), name="laos"),
    path("laos/<str:lao_code>/", views.LAODetailView.as_view(), name="lao"),
    path("completeness/", views.CompletenessView.as_view(), name="completeness"),
    path("circulars/", views.CircularListView.as_view(), name="circulars"),
    path("openapi.json", views.openapi_json, name="openapi"),
    path("docs/", page_views.api_docs, name="docs"),
    re_path(r"^.*$", errors.not_found),
]
