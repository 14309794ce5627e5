from django.urls import path

from parking import views

app_name = "parking"
urlpatterns = [path("", views.index, name="index")]
