"""Nights, cut-offs and confirmation codes: pure functions the services and views share.

A night is a `date`, named by the evening it starts. Every clock time (the cut-off, the ban) is
a wall-clock time in the department's time zone, turned into an aware datetime for that date with
zoneinfo, so the daylight-saving changes move the UTC instant and not the local time.
"""

import datetime
import re
import secrets
import zoneinfo

from django.utils import formats, timezone

from parking.models import ParkingRules
from portal.localtime import department_zone

# The evening a night starts, for deciding which nights a parking ban overlaps.
EVENING = datetime.time(17, 0)
NOON = datetime.time(12, 0)

# Crockford's base 32: no I, L, O or U, so a code read aloud or copied by hand is unambiguous.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_RANDOM_LENGTH = 8  # 40 random bits
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})


def local_at(day: datetime.date, at: datetime.time, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """`at` on `day` on the department's clocks. On the autumn change, when 01:30 happens
    twice, the first one counts (fold=0): nobody gets an hour more than the sign says."""
    return datetime.datetime.combine(day, at, tzinfo=zone)


def in_utc(moment: datetime.datetime) -> datetime.datetime:
    """Arithmetic on an aware datetime in a zoneinfo zone is wall-clock arithmetic (01:45 is
    "15 minutes before 02:00" even when the clocks fall back in between), so subtract in UTC."""
    return moment.astimezone(datetime.UTC)


def cutoff_for(
    night: datetime.date, cutoff: datetime.time, zone: zoneinfo.ZoneInfo, lead_minutes: int = 0
) -> datetime.datetime:
    """The last moment a request for `night` is accepted. A cut-off after noon is on the
    evening itself; one before noon (the usual 01:30) on the following morning."""
    day = night if cutoff >= NOON else night + datetime.timedelta(days=1)
    return in_utc(local_at(day, cutoff, zone)) - datetime.timedelta(minutes=lead_minutes)


def night_window(
    night: datetime.date, ban_end: datetime.time, zone: zoneinfo.ZoneInfo
) -> tuple[datetime.datetime, datetime.datetime]:
    """From the evening of `night` to the end of the ban the next morning."""
    return local_at(night, EVENING, zone), local_at(
        night + datetime.timedelta(days=1), ban_end, zone
    )


def tonight(
    now: datetime.datetime | None = None,
    zone: zoneinfo.ZoneInfo | None = None,
    ban_end: datetime.time | None = None,
) -> datetime.date:
    """The night an officer on the street is in. Until the nightly ban ends in the morning it
    is the night that started the previous evening; once the ban has ended, the coming night.
    The end of the ban is a wall-clock time (ParkingRules.ban_end, read when not given) turned
    into an instant for today's date, so the switch stays at 06:00 on the days the clocks
    change."""
    zone = zone or department_zone()
    if ban_end is None:
        ban_end = ParkingRules.get_solo().ban_end
    now = now or timezone.now()
    today = now.astimezone(zone).date()
    if now < local_at(today, ban_end, zone):
        return today - datetime.timedelta(days=1)
    return today


def first_open_night(cutoff: datetime.time, zone, lead_minutes: int = 0, now=None):
    """The earliest night that can still be asked for now."""
    now = now or timezone.now()
    candidate = now.astimezone(zone).date() - datetime.timedelta(days=1)
    while cutoff_for(candidate, cutoff, zone, lead_minutes) <= now:
        candidate += datetime.timedelta(days=1)
    return candidate


def night_label(night: datetime.date) -> str:
    """ "November 23" / "23 de noviembre", in the active language."""
    return formats.date_format(night, "MONTH_DAY_FORMAT")


def nights_from(first: datetime.date, count: int) -> list[datetime.date]:
    return [first + datetime.timedelta(days=i) for i in range(count)]


# --- Plates and codes --------------------------------------------------------------------------


def normalise_plate(raw: str) -> str:
    """Upper case, spaces, hyphens and dots removed: "abc-123" and "ABC 123" are one plate."""
    return re.sub(r"[\s\-.·]", "", raw or "").upper()


def _check_character(payload: str) -> str:
    """Luhn mod 32: catches every single wrong character and most swapped neighbours."""
    factor, total, n = 2, 0, len(ALPHABET)
    for char in reversed(payload):
        addend = factor * ALPHABET.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def code_generate() -> str:
    payload = "".join(secrets.choice(ALPHABET) for _ in range(CODE_RANDOM_LENGTH))
    return payload + _check_character(payload)


def normalise_code(raw: str) -> str:
    return re.sub(r"[\s\-]", "", raw or "").upper().translate(_CONFUSABLE)


def code_is_valid(code: str) -> bool:
    code = normalise_code(code)
    if len(code) != CODE_RANDOM_LENGTH + 1 or any(c not in ALPHABET for c in code):
        return False
    return _check_character(code[:-1]) == code[-1]
