from django.urls import path

from complaints import staff_views

app_name = "complaints_staff"
urlpatterns = [
    path("", staff_views.queue, name="queue"),
    path("new/", staff_views.enter, name="enter"),
    path("<int:pk>/", staff_views.case, name="case"),
    path("<int:pk>/files/<int:attachment_pk>/", staff_views.attachment, name="attachment"),
    path("officers/<int:pk>/", staff_views.officer, name="officer"),
    path("board/", staff_views.board, name="board"),
    path("board/<int:pk>/", staff_views.board_case, name="board_case"),
]
