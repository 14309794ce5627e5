from django.urls import path

from complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.index, name="index"),
    path("file/", views.file, name="file"),
    path("follow/", views.follow, name="follow"),
    path("follow/add/", views.add, name="add"),
]
