from django.urls import path

from careers import views

app_name = "careers"
urlpatterns = [
    path("", views.index, name="index"),
    path("positions/<slug:slug>/", views.position, name="position"),
    path("internship/", views.internship, name="internship"),
    path("internship/apply/", views.apply, name="apply"),
    path("internship/status/<str:token>/", views.status, name="status"),
]
