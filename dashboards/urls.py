from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("district/<str:district_code>/", views.district_detail, name="district"),
    path("district/<str:district_code>/remind/", views.district_remind, name="district-remind"),
    path(
        "district/<str:code>/progress/",
        views.progress,
        {"level": "district"},
        name="district-progress",
    ),
    path("province/<str:province_code>/", views.province_detail, name="province"),
    path("province/<str:province_code>/remind/", views.province_remind, name="province-remind"),
    path(
        "province/<str:code>/progress/",
        views.progress,
        {"level": "province"},
        name="province-progress",
    ),
    path("national/", views.national, name="national"),
    path("national/progress/", views.progress, {"level": "nation"}, name="national-progress"),
    path("national/fields/", views.fields, name="fields"),
    path("national/fields/<str:field_code>/", views.field_detail, name="field"),
]
