from django.urls import path

from records import registry_views, spreadsheet_views, views

app_name = "records"

urlpatterns = [
    path("registry/import/", registry_views.registry_import, name="registry-import"),
    path(
        "registry/import/confirm/",
        registry_views.registry_import_confirm,
        name="registry-import-confirm",
    ),
    path(
        "registry/import/checks/<str:token>/",
        registry_views.registry_import_check,
        name="registry-import-check",
    ),
    path(
        "registry/import/jobs/<str:token>/",
        registry_views.registry_import_job,
        name="registry-import-job",
    ),
    path(
        "registry/import/jobs/<str:token>/retry/",
        registry_views.registry_import_job_retry,
        name="registry-import-job-retry",
    ),
    path("template/", spreadsheet_views.spreadsheet_upload, name="spreadsheet"),
    path("template/confirm/", spreadsheet_views.spreadsheet_confirm, name="spreadsheet-confirm"),
    path("template/jobs/<str:token>/", spreadsheet_views.spreadsheet_job, name="spreadsheet-job"),
    path(
        "template/jobs/<str:token>/retry/",
        spreadsheet_views.spreadsheet_job_retry,
        name="spreadsheet-job-retry",
    ),
    path(
        "template/<int:year>/", spreadsheet_views.spreadsheet_template, name="spreadsheet-template"
    ),
    path("lao/", views.lao_search, name="lao-search"),
    path("lao/<str:lao_code>/", views.lao_overview, name="lao-overview"),
    path("lao/<str:lao_code>/<int:year>/history/", views.record_history, name="history"),
    path(
        "lao/<str:lao_code>/<int:year>/<slug:section_code>/",
        views.section_edit,
        name="section-edit",
    ),
]
