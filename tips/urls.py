from django.urls import path

from tips import views

app_name = "tips"
urlpatterns = [
    path("", views.index, name="index"),
    path("confirm/", views.confirm, name="confirm"),
    path("check/", views.check, name="check"),
    path("check/reply/", views.reply, name="reply"),
]
