"""/api/v1/: the read-only API (bearer token), its OpenAPI schema and its docs page (public)."""

from django.urls import path, re_path

from api import errors, key_figure_views, page_views, views

app_name = "api"

urlpatterns = [
    path("laos/", views.LAOListView.as_view(), name="laos"),
    path("laos/<str:lao_code>/", views.LAODetailView.as_view(), name="lao"),
    path("completeness/", views.CompletenessView.as_view(), name="completeness"),
    path("circulars/", views.CircularListView.as_view(), name="circulars"),
    path("indicators/", key_figure_views.IndicatorListView.as_view(), name="indicators"),
    path(
        "indicators/<slug:indicator_code>/values/",
        key_figure_views.IndicatorValuesView.as_view(),
        name="indicator-values",
    ),
    path("changes/", key_figure_views.ChangesView.as_view(), name="changes"),
    path("openapi.json", views.openapi_json, name="openapi"),
    path("docs/", page_views.api_docs, name="docs"),
    re_path(r"^.*$", errors.not_found),
]
