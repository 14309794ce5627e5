"""custody's endpoints under /api/v1/custody/ (see portal/urls.py)."""

from django.urls import path

from custody import api

app_name = "custody-api"

urlpatterns = [
    path("bookings/", api.BookingCollection.as_view(), name="bookings"),
    path("bookings/<str:booking_number>/", api.BookingItem.as_view(), name="booking"),
    path(
        "bookings/<str:booking_number>/release/",
        api.BookingRelease.as_view(),
        name="booking-release",
    ),
]
