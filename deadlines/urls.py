from django.urls import include, path

from deadlines import views

app_name = "deadlines"

# One LAO's part in a round (rounds/<round_id>/lao/<lao_code>/): its page and the workflow's moves.
participant_urls = [
    path("", views.participant_detail, name="participant"),
    path("review/", views.participant_review, name="review"),
    path("acknowledge/", views.participant_acknowledge, name="acknowledge"),
    path("submit/", views.participant_submit, name="submit"),
    path("approve/", views.participant_approve, name="approve"),
    path("return/", views.participant_return, name="return"),
    path("exception/", views.participant_exception, name="exception"),
    path("letter/", views.reminder_letter, name="reminder-letter"),
]

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
    path("rounds/<int:round_id>/lao/<str:lao_code>/", include(participant_urls)),
]
