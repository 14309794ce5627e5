"""The department's clock: one place that says which time zone "today" and "5 p.m." are in.

Datetimes are stored in UTC; a night, a business day or a printed time is on the department's
clocks, in the zone set in admin (`DepartmentSettings.time_zone`), or the settings' default when
none is set. The settings singleton is held a second in each process (portal/singletons.py), so
calling these often costs no round trip.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone

from portal.selectors import department_get


def department_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(department_get().time_zone or settings.TIME_ZONE)


def local_now() -> datetime.datetime:
    """Now, on the department's clocks."""
    return timezone.now().astimezone(department_zone())


def local_today() -> datetime.date:
    return local_now().date()


def to_local(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(department_zone())
