"""Reads of the custody app. The public search is the only public door to the records, and it
never shows a juvenile, a confidential record or a released person."""

import datetime

from django.db.models import Count, F, Q, QuerySet

from custody.models import CustodyRecord, VisitRequest, VisitSlot
from portal.localtime import local_today

MIN_LAST_NAME = 2
MAX_RESULTS = 20


def public_records() -> QuerySet[CustodyRecord]:
    """Every record the public may ever see: adults held now, not confidential."""
    today = local_today()
    try:
        adult_born_by = today.replace(year=today.year - 18)
    except ValueError:  # 29 February
        adult_born_by = today.replace(year=today.year - 18, day=28)
    return CustodyRecord.objects.filter(
        released_at__isnull=True,
        juvenile=False,
        confidential=False,
        date_of_birth__lte=adult_born_by,
    )


def custody_search(*, last_name: str, first_initial: str = "") -> list[CustodyRecord]:
    """The held people of that last name (and first initial). A query too short to name
    someone returns nothing: the list is never browsed whole."""
    last_name = (last_name or "").strip()
    if len(last_name) < MIN_LAST_NAME:
        return []
    found = public_records().filter(last_name__iexact=last_name)
    initial = (first_initial or "").strip()[:1]
    if initial:
        found = found.filter(first_name__istartswith=initial)
    return list(found.order_by("last_name", "first_name", "booked_at")[:MAX_RESULTS])


def open_slots(*, today: datetime.date | None = None) -> QuerySet[VisitSlot]:
    """Slots from today on with a free place."""
    return (
        VisitSlot.objects.filter(date__gte=today or local_today())
        .annotate(taken=Count("requests", filter=Q(requests__status=VisitRequest.Status.BOOKED)))
        .filter(taken__lt=F("capacity"))
        .order_by("date", "starts_at")
    )
