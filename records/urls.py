from django.urls import include, path

from records import registry_views, spreadsheet_views, views

app_name = "records"

# The DLA registry import (registry/import/): upload, confirm, checks and the job it starts.
registry_import_urls = [
    path("", registry_views.registry_import, name="registry-import"),
    path("confirm/", registry_views.registry_import_confirm, name="registry-import-confirm"),
    path("checks/<str:token>/", registry_views.registry_import_check, name="registry-import-check"),
    path("jobs/<str:token>/", registry_views.registry_import_job, name="registry-import-job"),
    path(
        "jobs/<str:token>/retry/",
        registry_views.registry_import_job_retry,
        name="registry-import-job-retry",
    ),
]

# The Excel round trip (template/): a year's workbook out, a filled workbook back in.
spreadsheet_urls = [
    path("", spreadsheet_views.spreadsheet_upload, name="spreadsheet"),
    path("confirm/", spreadsheet_views.spreadsheet_confirm, name="spreadsheet-confirm"),
    path("jobs/<str:token>/", spreadsheet_views.spreadsheet_job, name="spreadsheet-job"),
    path(
        "jobs/<str:token>/retry/",
        spreadsheet_views.spreadsheet_job_retry,
        name="spreadsheet-job-retry",
    ),
    path("<int:year>/", spreadsheet_views.spreadsheet_template, name="spreadsheet-template"),
]

# One LAO (lao/<lao_code>/): its overview, a year's history and the section forms.
lao_urls = [
    path("", views.lao_overview, name="lao-overview"),
    path("<int:year>/history/", views.record_history, name="history"),
    path("<int:year>/<slug:section_code>/", views.section_edit, name="section-edit"),
]

urlpatterns = [
    path("registry/import/", include(registry_import_urls)),
    path("template/", include(spreadsheet_urls)),
    path("lao/", views.lao_search, name="lao-search"),
    path("lao/<str:lao_code>/", include(lao_urls)),
]
