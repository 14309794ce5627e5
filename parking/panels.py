"""Parking's block on the home page: a snow emergency parking ban, or a blanket night soon.
Shown only when there is one, so residents who would otherwise park on the street find out."""

import datetime

from django.utils import timezone

from parking import nights as n
from parking.models import BlanketNight, SnowEmergency
from portal.localtime import department_zone


def home_notice(request, **kwargs) -> dict | None:
    now = timezone.now()
    zone = department_zone()
    bans = list(SnowEmergency.objects.filter(ends_at__gt=now).order_by("starts_at")[:2])
    first = n.tonight(now, zone)  # in the small hours, last night is still on
    blankets = list(
        BlanketNight.objects.filter(night__gte=first, night__lte=first + datetime.timedelta(days=7))
    )
    if not bans and not blankets:
        return None
    return {"bans": bans, "blankets": blankets}
