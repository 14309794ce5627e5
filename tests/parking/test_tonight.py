"""The officer's "tonight" follows the nightly ban: until the ban ends in the morning it is the
night that started the previous evening; once it has ended, the coming night. The ban hours are
the ones set in admin, on America/New_York's clocks, right across the daylight-saving changes."""

import datetime
import zoneinfo

import pytest
import time_machine

from parking import nights as n
from portal.services import staff
from tests.parking.factories import hold_nights

pytestmark = pytest.mark.django_db

D = datetime.date
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
SIX = datetime.time(6, 0)


def _at(year, month, day, hour, minute=0) -> datetime.datetime:
    """A wall-clock time in New York (the first one, when the clocks fall back)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def _utc(year, month, day, hour, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("moment", "night"),
    [
        (_at(2026, 11, 23, 21, 0), D(2026, 11, 23)),  # the evening: the night just starting
        (_at(2026, 11, 24, 0, 30), D(2026, 11, 23)),  # after midnight: still that night
        (_at(2026, 11, 24, 3, 0), D(2026, 11, 23)),  # during the ban
        (_at(2026, 11, 24, 5, 59), D(2026, 11, 23)),  # the last minute of the ban
        (_at(2026, 11, 24, 6, 0), D(2026, 11, 24)),  # the ban has ended: the coming night
        (_at(2026, 11, 24, 10, 0), D(2026, 11, 24)),  # mid-morning (it used to switch at noon)
    ],
)
def test_tonight_switches_when_the_ban_ends(moment, night):
    assert n.tonight(moment, NEW_YORK, SIX) == night


def test_tonight_switches_at_the_end_of_the_ban_on_the_spring_change():
    # 8 March 2026: the clocks jump from 02:00 EST to 03:00 EDT; the ban ends at 06:00 EDT,
    # 10:00 UTC (at 11:00 UTC had the offset of the evening before been used).
    assert n.tonight(_utc(2026, 3, 8, 9, 59), NEW_YORK, SIX) == D(2026, 3, 7)
    assert n.tonight(_utc(2026, 3, 8, 10, 0), NEW_YORK, SIX) == D(2026, 3, 8)


def test_tonight_switches_at_the_end_of_the_ban_on_the_autumn_change():
    # 1 November 2026: the clocks fall back from 02:00 EDT to 01:00 EST; the ban ends at
    # 06:00 EST, 11:00 UTC (at 10:00 UTC had the offset of the evening before been used).
    assert n.tonight(_utc(2026, 11, 1, 10, 30), NEW_YORK, SIX) == D(2026, 10, 31)
    assert n.tonight(_utc(2026, 11, 1, 11, 0), NEW_YORK, SIX) == D(2026, 11, 1)


def test_tonight_reads_the_end_of_the_ban_from_the_rules_in_admin(rules):
    rules.ban_end = datetime.time(7, 30)
    rules.save()
    assert n.tonight(_at(2026, 11, 24, 7, 29), NEW_YORK) == D(2026, 11, 23)
    assert n.tonight(_at(2026, 11, 24, 7, 30), NEW_YORK) == D(2026, 11, 24)


def test_officer_page_and_api_move_to_the_coming_night_once_the_ban_has_ended(
    client, officer, rules, street
):
    hold_nights("LAST1", [D(2026, 11, 23)], street=street)
    hold_nights("NEXT1", [D(2026, 11, 24)], street=street)
    token = staff.staff_token_issue(user=officer, name="Handheld", actor=None)[1]

    def api(plate):
        return client.get(
            "/api/v1/parking/check/", {"plate": plate}, HTTP_AUTHORIZATION=f"Token {token}"
        ).json()

    with time_machine.travel(_at(2026, 11, 24, 5, 30), tick=False):
        assert api("LAST1")["permitted"] is True
        assert api("NEXT1")["permitted"] is False
        assert api("LAST1")["night"] == "2026-11-23"
        client.force_login(officer)  # in each moment: idle staff sessions expire
        page = client.get("/parking/officer/", {"plate": "LAST1"}).content.decode()
        assert "Permitted tonight" in page
    with time_machine.travel(_at(2026, 11, 24, 6, 30), tick=False):
        assert api("LAST1")["permitted"] is False
        assert api("NEXT1")["permitted"] is True
        assert api("NEXT1")["night"] == "2026-11-24"
        client.force_login(officer)
        page = client.get("/parking/officer/", {"plate": "NEXT1"}).content.decode()
        assert "Permitted tonight" in page
