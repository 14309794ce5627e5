"""Tip line reads."""

import math
import statistics

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from portal import roles
from tips.models import Tip, TipAttachment, TipCategory, TipMessage, round_to_hour


def category_list() -> QuerySet[TipCategory]:
    return TipCategory.objects.filter(is_active=True)


def _own(tip: Tip) -> Q:
    """What belongs to this tip's tipster: its own rows, and rows a merge moved elsewhere."""
    return Q(tip=tip, merged_from__isnull=True) | Q(merged_from=tip)


def tip_thread(*, tip: Tip) -> list[TipMessage]:
    """The tipster's conversation: never what another tipster wrote on a tip merged into theirs."""
    return list(TipMessage.objects.filter(_own(tip)).order_by("created_at", "id"))


def tip_can_reply(*, tip: Tip) -> bool:
    """Whether the tipster may still write: their tip, or the one it was merged into, is open."""
    seen = {tip.pk}
    while tip.duplicate_of_id and tip.duplicate_of_id not in seen:
        seen.add(tip.duplicate_of_id)
        tip = tip.duplicate_of
    return tip.status != Tip.Status.CLOSED


def tip_own_attachment_count(*, tip: Tip) -> int:
    return TipAttachment.objects.filter(_own(tip)).count()


def tip_queue() -> QuerySet[Tip]:
    """The investigators' queue: urgent categories first, then priority, then oldest first."""
    return (
        Tip.objects.select_related("category", "neighborhood", "assigned_to")
        .annotate(
            urgent_rank=Case(
                When(category__urgent=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            attachment_total=Count("attachments", distinct=True),
        )
        .order_by("urgent_rank", "priority", "received_at", "id")
    )


TRIAGE_RESOLUTION_HOURS = 1


def triage_figures(*, since=None) -> dict:
    """Median and 90th-percentile (nearest rank) hours from submission to first triage, hour to
    hour: the received time is kept only to the hour (the exact second could identify a
    tipster), so the first-triage time is rounded down the same way and the figure is a whole
    number of hours (a median may fall halfway). Both ends rounded alike, the rounding adds no
    bias; an exact triage time against a rounded received time added half an hour to every
    delay. Rows triaged before first_triaged_at was rounded are rounded here."""
    qs = Tip.objects.exclude(first_triaged_at=None)
    if since is not None:
        qs = qs.filter(received_at__gte=since)
    delays = sorted(
        max(0, round((round_to_hour(t) - round_to_hour(r)).total_seconds() / 3600))
        for r, t in qs.values_list("received_at", "first_triaged_at")[:5000]
    )
    figures = {"count": len(delays), "median_hours": None, "p90_hours": None}
    if delays:
        figures["median_hours"] = _whole_or_half(statistics.median(delays))
        figures["p90_hours"] = delays[math.ceil(0.9 * len(delays)) - 1]
    return {**figures, "resolution_hours": TRIAGE_RESOLUTION_HOURS}


def _whole_or_half(value: float) -> int | float:
    return int(value) if value == int(value) else value


def tip_assignee_list() -> QuerySet:
    """Who may be given a tip: active members of the Tip investigators role. The triage service
    enforces it (tips/services/triage.py); the admin offers only these people."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.TIP_INVESTIGATORS)
        .distinct()
        .order_by("username")
    )
