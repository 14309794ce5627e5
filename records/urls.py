from django.urls import path

from records import views

app_name = "records"
urlpatterns = [
    path("", views.index, name="index"),
    path("request/<slug:kind>/", views.request_form, name="request"),
    path("track/", views.track_lookup, name="track-lookup"),
    path("track/code/", views.track_code, name="track-code"),
    path("track/<str:token>/", views.track, name="track"),
    path("track/<str:token>/reply/", views.track_reply, name="track-reply"),
    path("track/<str:token>/reschedule/", views.track_reschedule, name="track-reschedule"),
    path("track/<str:token>/cancel/", views.track_cancel, name="track-cancel"),
    path("track/<str:token>/pay/", views.track_pay, name="track-pay"),
    path("download/<str:token>/", views.download, name="download"),
    path("verify/", views.verify, name="verify"),
    path("figures/", views.figures, name="figures"),
]
