"""URLs of the record exports and the printable province report (docs/exports.md)."""

from django.urls import path

from dashboards import export_views

app_name = "exports"

urlpatterns = [
    path("exports/records/", export_views.records_export, name="records"),
    path("exports/jobs/<str:token>/", export_views.export_job, name="job"),
    path(
        "exports/jobs/<str:token>/download/",
        export_views.export_job_download,
        name="job-download",
    ),
    path("exports/jobs/<str:token>/retry/", export_views.export_job_retry, name="job-retry"),
    path(
        "province/<str:province_code>/report/",
        export_views.province_report,
        name="province-report",
    ),
]
