from django.urls import path

from parking import views

app_name = "parking"
urlpatterns = [
    path("", views.index, name="index"),
    path("permit/<str:token>/", views.permit, name="permit"),
    path("find/", views.find, name="find"),
    path("officer/", views.officer, name="officer"),
    path("list/<str:night>.csv", views.list_csv, name="list-csv"),
    path("list/<str:night>.pdf", views.list_pdf, name="list-pdf"),
]
