from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("district/<str:district_code>/", views.district_detail, name="district"),
    path("province/<str:province_code>/", views.province_detail, name="province"),
    path("national/", views.national, name="national"),
]
