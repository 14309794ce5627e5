from django.urls import path

from custody import views

app_name = "custody"
urlpatterns = [
    path("", views.index, name="index"),
    path("visit/", views.visit_new, name="visit-new"),
    path("visit/<str:token>/", views.visit, name="visit"),
]
