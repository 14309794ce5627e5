from django.urls import path

from service_requests import views

app_name = "service_requests"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/<slug:code>/", views.request_new, name="new"),
    path("streets/", views.street_suggest, name="streets"),
    path("map.svg", views.map_svg, name="map_svg"),
    path("track/", views.track_lookup, name="track_lookup"),
    path("t/<str:token>/", views.track, name="track"),
    path("t/<str:token>/photos/<int:photo_id>/", views.track_photo, name="track_photo"),
    path("r/<uuid:public_id>/", views.public_detail, name="public_detail"),
    path("r/<uuid:public_id>/follow/", views.follow, name="follow"),
    path("neighborhood/<slug:slug>/", views.neighborhood, name="neighborhood"),
    path("on-time/", views.on_time, name="on_time"),
]
