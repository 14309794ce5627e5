"""Reads for the records pages. Each returns what a page needs in a constant number of queries."""

import zoneinfo
from datetime import datetime

from django.conf import settings
from django.db.models import F, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format

from portal.selectors import department_get
from records.models import (
    Document,
    FingerprintSlot,
    Message,
    RecordRequest,
    Status,
    TimelineEntry,
)


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(department_get().time_zone or settings.TIME_ZONE)


def slot_list_open(*, now: datetime | None = None, limit: int = 40) -> list[FingerprintSlot]:
    """Times with a place left, soonest first, each with a `label` in the department's zone."""
    now = now or timezone.now()
    slots = list(
        FingerprintSlot.objects.filter(starts_at__gt=now, booked__lt=F("capacity")).order_by(
            "starts_at"
        )[:limit]
    )
    zone = _zone()
    for slot in slots:
        slot.label = date_format(slot.starts_at.astimezone(zone), "DATETIME_FORMAT")
    return slots


def request_for_requester(*, public_id: str) -> RecordRequest:
    """A request as its requester sees it: public timeline, messages (no internal notes), files
    they may see, fees. 404 for anything else."""
    timeline = Prefetch(
        "timeline", queryset=TimelineEntry.objects.filter(public=True).order_by("at", "id")
    )
    messages = Prefetch(
        "messages",
        queryset=Message.objects.exclude(author=Message.Author.NOTE).prefetch_related(
            Prefetch(
                "documents",
                queryset=Document.objects.filter(kind=Document.Kind.REQUESTER_UPLOAD),
            )
        ),
    )
    released = Prefetch(
        "documents",
        queryset=Document.objects.filter(kind=Document.Kind.RELEASED, purged_at__isnull=True),
        to_attr="released_documents",
    )
    try:
        return (
            RecordRequest.objects.select_related("slot")
            .prefetch_related(timeline, messages, released, "fees")
            .get(public_id=public_id)
        )
    except (RecordRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def document_for_download(*, document_id: int, public_id: str) -> Document:
    document = (
        Document.objects.select_related("request")
        .filter(
            pk=document_id,
            request__public_id=public_id,
            kind=Document.Kind.RELEASED,
            purged_at__isnull=True,
        )
        .first()
    )
    if document is None:
        raise Http404
    return document


def request_queue() -> QuerySet[RecordRequest]:
    """The clerks' queue: open requests first by due date."""
    return RecordRequest.objects.select_related("assigned_to").order_by("due_date", "id")


def local_datetime(moment: datetime) -> datetime:
    return moment.astimezone(_zone())


__all__ = ["Status"]
