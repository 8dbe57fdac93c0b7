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

# The notices of the portal (notices/): the list and marking them read.
notice_urls = [
    path("", views.notices, name="notices"),
    path("read/", views.notices_read, name="notices-read"),
    path("<int:notice_id>/read/", views.notices_read, name="notice-read"),
]

# Circulars (circulars/): the list, a new one pasted in, one circular and its attachments.
circular_urls = [
    path("", views.circular_list, name="circulars"),
    path("new/", views.circular_new, name="circular-new"),
    path("<int:circular_id>/", views.circular_detail, name="circular"),
    path(
        "<int:circular_id>/files/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]

# A round (rounds/<round_id>/): its page, approving many at once, and each LAO's part.
round_urls = [
    path("", views.round_detail, name="round"),
    path("approve/", views.participant_approve_many, name="approve-many"),
    path("lao/<str:lao_code>/", include(participant_urls)),
]

urlpatterns = [
    path("notices/", include(notice_urls)),
    path("circulars/", include(circular_urls)),
    path("rounds/<int:round_id>/", include(round_urls)),
]
