from django.urls import path

from deadlines import views

app_name = "deadlines"

urlpatterns = [
    path("notices/", views.notices, name="notices"),
    path("notices/read/", views.notices_read, name="notices-read"),
    path("notices/<int:notice_id>/read/", views.notices_read, name="notice-read"),
    path("circulars/", views.circular_list, name="circulars"),
    path("circulars/new/", views.circular_new, name="circular-new"),
    path("circulars/<int:circular_id>/", views.circular_detail, name="circular"),
    path(
        "circulars/<int:circular_id>/files/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/approve/", views.participant_approve_many, name="approve-many"),
    path("rounds/<int:round_id>/lao/<str:lao_code>/", views.participant_detail, name="participant"),
    path(
        "rounds/<int:round_id>/lao/<str:lao_code>/review/",
        views.participant_review,
        name="review",
    ),
    path(
        "rounds/<int:round_id>/lao/<str:lao_code>/acknowledge/",
        views.participant_acknowledge,
        name="acknowledge",
    ),
    path(
        "rounds/<int:round_id>/lao/<str:lao_code>/submit/", views.participant_submit, name="submit"
    ),
    path(
        "rounds/<int:round_id>/lao/<str:lao_code>/approve/",
        views.participant_approve,
        name="approve",
    ),
    path(
        "rounds/<int:round_id>/lao/<str:lao_code>/return/", views.participant_return, name="return"
    ),
    path(
        "rounds/<int:round_id>/lao/<str:lao_code>/exception/",
        views.participant_exception,
        name="exception",
    ),
    path(
        "rounds/<int:round_id>/lao/<str:lao_code>/letter/",
        views.reminder_letter,
        name="reminder-letter",
    ),
]
