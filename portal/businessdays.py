"""Business days in Connecticut: Monday to Friday, except the state's legal holidays as the
`holidays` library knows them (holidays.US(subdiv="CT"): Lincoln's Birthday, Good Friday and
the federal days, with their observed dates). C.G.S. §1-206 counts its four days this way;
records and service requests (response targets in business days) both count with it."""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.US(subdiv="CT", years=year).keys())


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_business_days(start: date, days: int) -> date:
    """The `days`-th business day after `start` (`start` itself is not counted). With 0, the
    first business day on or after `start`."""
    if days <= 0:
        day = start
        while not is_business_day(day):
            day += timedelta(days=1)
        return day
    day = start
    left = days
    while left:
        day += timedelta(days=1)
        if is_business_day(day):
            left -= 1
    return day


def business_days_between(start: date, end: date) -> int:
    """Business days after `start` up to and including `end`; negative when `end` is earlier
    (the days a deadline has been missed by).

    Counted, not walked: whole weeks give five each, the few days left over are looked at one
    by one, and the weekday holidays in the range are taken off. The clerks' queue asks this
    for every row, and a request overdue for months would otherwise cost a loop over each day.
    """
    if end == start:
        return 0
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * 5
    day = start + timedelta(days=weeks * 7)
    for _ in range(rest):
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    for year in range(start.year, end.year + 1):
        count -= sum(
            1 for h in _holidays(year) if h.year == year and start < h <= end and h.weekday() < 5
        )
    return sign * count
