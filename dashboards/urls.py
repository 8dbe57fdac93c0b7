from django.urls import include, path

from dashboards import views

app_name = "dashboards"

# Each level of the hierarchy: its page, its reminders and its progress over time.
district_urls = [
    path("", views.district_detail, name="district"),
    path("remind/", views.district_remind, name="district-remind"),
]
province_urls = [
    path("", views.province_detail, name="province"),
    path("remind/", views.province_remind, name="province-remind"),
]
national_urls = [
    path("", views.national, name="national"),
    path("progress/", views.progress, {"level": "nation"}, name="national-progress"),
    path("fields/", views.fields, name="fields"),
    path("fields/<str:field_code>/", views.field_detail, name="field"),
]

urlpatterns = [
    path("district/<str:district_code>/", include(district_urls)),
    path(
        "district/<str:code>/progress/",
        views.progress,
        {"level": "district"},
        name="district-progress",
    ),
    path("province/<str:province_code>/", include(province_urls)),
    path(
        "province/<str:code>/progress/",
        views.progress,
        {"level": "province"},
        name="province-progress",
    ),
    path("national/", include(national_urls)),
]
