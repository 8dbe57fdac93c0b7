from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from dashboards import views as dashboards_views
from lgdata import views

admin.site.site_header = _("LAO central data portal: administration")
admin.site.site_title = _("LAO data portal")
admin.site.index_title = _("Administration")
handler500 = "lgdata.views.server_error"  # a Thai 503 page when the database is out of reach

urlpatterns = [
    path("", dashboards_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("security-log/", include("accounts.security_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("records.urls")),
    path("", include("deadlines.urls")),
    path("", include("dashboards.urls")),
    path("", include("dashboards.export_urls")),
    path("", include("dashboards.key_figure_urls")),
    path("api/v1/", include("api.urls")),
    path("", include("api.portal_urls")),  # /api/tokens/ and /opendata/
]

if settings.DEBUG:
    # Lets the error pages be looked at in development.
    from django.views.defaults import page_not_found, permission_denied, server_error

    urlpatterns += [
        path("_errors/403/", permission_denied, {"exception": Exception()}),
        path("_errors/404/", page_not_found, {"exception": Exception()}),
        path("_errors/500/", server_error),
    ]
