"""URLs of the key figures (docs/key-figures.md)."""

from django.urls import path

from dashboards import key_figure_views

app_name = "figures"

urlpatterns = [
    path("figures/", key_figure_views.figures_index, name="index"),
    path("figures/<slug:indicator_code>/", key_figure_views.figure_detail, name="indicator"),
    path("lao/<str:lao_code>/figures/", key_figure_views.lao_figures, name="lao"),
]
