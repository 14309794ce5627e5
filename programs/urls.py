from django.urls import path

from programs import views

app_name = "programs"
urlpatterns = [
    path("programs/", views.index, name="index"),
    path("events/", views.events, name="events"),
]
