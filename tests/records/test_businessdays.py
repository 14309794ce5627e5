"""The business-day calculator: weekends and Connecticut's legal holidays do not count."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from records.businessdays import add_business_days, business_days_between, is_business_day


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 23), True),  # a Monday
        (date(2026, 11, 21), False),  # Saturday
        (date(2026, 11, 22), False),  # Sunday
        (date(2026, 11, 26), False),  # Thanksgiving
        (date(2026, 2, 12), False),  # Lincoln's Birthday: a Connecticut holiday, not federal
        (date(2026, 4, 3), False),  # Good Friday: a Connecticut holiday
        (date(2026, 7, 3), False),  # Independence Day observed on the Friday
        (date(2026, 11, 27), True),  # the day after Thanksgiving is a working day
    ],
)
def test_weekends_and_connecticut_holidays_are_not_business_days(day, expected):
    assert is_business_day(day) is expected


def test_four_business_days_from_a_monday_is_the_friday():
    assert add_business_days(date(2026, 11, 16), 4) == date(2026, 11, 20)


def test_four_business_days_skip_the_weekend():
    assert add_business_days(date(2026, 11, 19), 4) == date(2026, 11, 25)  # Thu -> Wed


def test_four_business_days_skip_thanksgiving_and_the_weekend():
    # Tue 24th: Wed 25, (Thu 26 holiday) Fri 27, (weekend) Mon 30, Tue 1 Dec.
    assert add_business_days(date(2026, 11, 24), 4) == date(2026, 12, 1)


def test_request_received_on_a_saturday_counts_from_monday():
    assert add_business_days(date(2026, 11, 21), 4) == date(2026, 11, 27)


def test_lincolns_birthday_and_washingtons_birthday_are_skipped():
    # Wed 11 Feb 2026: Thu 12 (Lincoln) skipped, Fri 13, Mon 16 (Washington) skipped,
    # Tue 17, Wed 18, Thu 19.
    assert add_business_days(date(2026, 2, 11), 4) == date(2026, 2, 19)


def test_deadline_across_new_year():
    # Wed 30 Dec 2026: Thu 31, (Fri 1 Jan holiday), Mon 4, Tue 5, Wed 6.
    assert add_business_days(date(2026, 12, 30), 4) == date(2027, 1, 6)


def test_zero_days_from_a_holiday_is_the_next_business_day():
    assert add_business_days(date(2026, 11, 26), 0) == date(2026, 11, 27)


def test_days_between_counts_business_days_and_goes_negative_when_overdue():
    assert business_days_between(date(2026, 11, 24), date(2026, 12, 1)) == 4
    assert business_days_between(date(2026, 12, 1), date(2026, 11, 24)) == -4
    assert business_days_between(date(2026, 11, 24), date(2026, 11, 24)) == 0


def _walked(start, end):
    """The plain definition: walk the days one by one."""
    from datetime import timedelta

    from records.businessdays import is_business_day

    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_business_day(day)
    return sign * count


@given(
    start=st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31)),
    span=st.integers(min_value=-800, max_value=800),
)
@settings(max_examples=400, deadline=None)
def test_counted_business_days_match_walking_the_calendar(start, span):
    from datetime import timedelta

    end = start + timedelta(days=span)
    assert business_days_between(start, end) == _walked(start, end)
