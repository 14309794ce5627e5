"""Bookings and slots for the custody tests."""

import datetime

from django.utils import timezone

from custody import services
from custody.models import BookingSystem, VisitSlot
from portal.localtime import local_today


def payload(number="EB-1", **fields) -> dict:
    data = {
        "booking_number": number,
        "last_name": "Rivera",
        "first_name": "Daniel",
        "date_of_birth": "1990-04-12",
        "charge_category": "misdemeanor",
        "bond": "500.00",
        "court_date": (local_today() + datetime.timedelta(days=3)).isoformat(),
        "court_time": "09:30",
        "court_name": "District Court",
        "court_address": "12 Court Street",
        "booked_at": (timezone.now() - datetime.timedelta(hours=5)).isoformat(),
    }
    data.update(fields)
    return data


def booking(number="EB-1", **fields):
    record, _created = services.booking_import(data=payload(number, **fields))
    return record


def booking_system(name="County booking") -> tuple[BookingSystem, str]:
    return services.booking_system_create(name=name, actor=None)


def slot(days=2, hour=14, capacity=2) -> VisitSlot:
    return VisitSlot.objects.create(
        date=local_today() + datetime.timedelta(days=days),
        starts_at=datetime.time(hour, 0),
        capacity=capacity,
    )
