"""parking's endpoints under /api/v1/parking/ (see portal/urls.py)."""

from django.urls import path

from parking import api

app_name = "parking-api"
urlpatterns = [
    path("nights/", api.PermitNightList.as_view(), name="nights"),
    path("check/", api.PlateCheck.as_view(), name="check"),
    path("floor/", api.PlateFloor.as_view(), name="floor"),
]
