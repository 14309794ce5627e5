"""Parking reads. Each answers in a constant number of queries, however much data there is."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from parking import nights as n
from parking.models import BlanketNight, ParkingRules, Permit, PermitNight, Refusal, SnowEmergency
from portal.models import Street, number_range


def permit_by_code(*, code: str, plate: str) -> Permit | None:
    """Both are needed: the code alone is not enough to see someone's permit."""
    return (
        Permit.objects.select_related("street")
        .filter(code=n.normalise_code(code), plate=n.normalise_plate(plate))
        .first()
    )


def street_choices() -> tuple[tuple[int, str], ...]:
    """The town's streets for the request form, as (id, label), by name: the label gives the
    street's house numbers when the town's list has them ("Main Street (numbers 1–250)"), as
    service requests' street suggestions do, so a resident sees the numbers before sending."""
    streets = Street.objects.order_by("name").values_list("pk", "name", "number_from", "number_to")
    choices = []
    for pk, name, low, high in streets:
        numbers = number_range(low, high)
        label = _("%(street)s (numbers %(numbers)s)") % {"street": name, "numbers": numbers}
        choices.append((pk, label if numbers else name))
    return tuple(choices)


def public_notices(*, rules: ParkingRules, zone) -> dict:
    """Blanket nights and parking bans the form must mention."""
    now = timezone.now()
    today = now.astimezone(zone).date()
    blankets = list(
        BlanketNight.objects.filter(
            night__gte=n.tonight(now, zone, rules.ban_end),
            night__lte=today + datetime.timedelta(days=rules.max_days_ahead),
        )
    )
    bans = list(SnowEmergency.objects.filter(ends_at__gt=now).order_by("starts_at")[:3])
    # For a resident, "tonight" is the first night still open to requests.
    tonight = n.first_open_night(rules.cutoff_time, zone, rules.lead_time_minutes, now)
    return {
        "blanket_nights": blankets,
        "blanket_tonight": next((b for b in blankets if b.night == tonight), None),
        "bans": bans,
        "tonight": tonight,
        "tonight_label": n.night_label(tonight),
        "tomorrow_label": n.night_label(tonight + datetime.timedelta(days=1)),
    }


def cancellable_nights(*, permit: Permit, rules: ParkingRules, zone) -> list[datetime.date]:
    now = timezone.now()
    return [
        night.night
        for night in permit.nights.filter(status=PermitNight.Status.ACTIVE).order_by("night")
        if now < n.cutoff_for(night.night, rules.cutoff_time, zone)
    ]


def permit_overview(*, permit: Permit, rules: ParkingRules, zone) -> dict:
    """The permit's nights, the plate's history over the past year, and nights remaining."""
    today = timezone.now().astimezone(zone).date()
    history = list(
        PermitNight.objects.select_related("permit", "street")
        .filter(
            plate=permit.plate,
            plate_state=permit.plate_state,
            night__gte=today - datetime.timedelta(days=365),
        )
        .order_by("-night")[:60]
    )
    counted = PermitNight.objects.filter(
        plate=permit.plate, plate_state=permit.plate_state, status=PermitNight.Status.ACTIVE
    )
    used_year = counted.filter(night__year=today.year).count()
    span = datetime.timedelta(days=rules.window_days - 1)
    used_window = counted.filter(night__gte=today - span, night__lte=today + span).count()
    return {
        "nights": list(permit.nights.order_by("night")),
        "history": history,
        "remaining_year": max(rules.nights_per_year - used_year, 0),
        "used_window": used_window,
        "rules": rules,
        "year": today.year,
    }


def statistics(*, days: int = 30) -> dict:
    """Requests per night (approved nights and refusals) and refusals by rule."""
    since = timezone.now().date() - datetime.timedelta(days=days)
    per_night = {
        row["night"]: {"night": row["night"], "approved": row["approved"], "refused": 0}
        for row in PermitNight.objects.filter(night__gte=since)
        .values("night")
        .annotate(approved=Count("id", filter=~Q(status="cancelled")))
    }
    for row in Refusal.objects.filter(night__gte=since).values("night").annotate(c=Count("id")):
        entry = per_night.setdefault(
            row["night"], {"night": row["night"], "approved": 0, "refused": 0}
        )
        entry["refused"] = row["c"]
    by_rule = list(
        Refusal.objects.filter(at__date__gte=since)
        .values("rule")
        .annotate(count=Count("id"))
        .order_by("-count")
    )
    return {"per_night": sorted(per_night.values(), key=lambda r: r["night"]), "by_rule": by_rule}


def ban_for_night(*, night: datetime.date, rules: ParkingRules, zone) -> SnowEmergency | None:
    """The snow emergency whose ban covers `night`, if any."""
    start, end = n.night_window(night, rules.ban_end, zone)
    return SnowEmergency.objects.filter(starts_at__lt=end, ends_at__gt=start).first()


def night_status(*, night: datetime.date, rules: ParkingRules, zone) -> dict:
    """What holds for everyone on `night`: a blanket night (anyone may park) or a snow
    emergency (no one may, permit or not). The officer sees it above any plate's answer."""
    return {
        "blanket": BlanketNight.objects.filter(night=night).first(),
        "ban": ban_for_night(night=night, rules=rules, zone=zone),
    }
