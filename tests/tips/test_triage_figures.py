"""The time-to-first-triage figure (issue 13, low): measured hour to hour, because the received
time is kept only to the hour, and so is the first-triage time. Both ends rounded down the same
way, the difference has no bias (a tip received at 10:50 and triaged at 11:10 counts 1 h, one
received at 10:10 and triaged at 10:50 counts 0 h); measured from the rounded received time to an
exact triage time, every delay came out half an hour long on average. Resolution: one hour."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group

from portal import roles
from tests.factories import UserFactory
from tests.tips.factories import TipFactory
from tips import selectors, services
from tips.models import Tip

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def investigator():
    user = UserFactory(username="figures-ivy")
    user.groups.add(Group.objects.get(name=roles.TIP_INVESTIGATORS))
    return user


def _tip_triaged(investigator, received: dt.datetime, triaged: dt.datetime) -> Tip:
    with time_machine.travel(received, tick=False):
        tip = TipFactory()
    with time_machine.travel(triaged, tick=False):
        services.tip_triage(tip=tip, actor=investigator, status=Tip.Status.REVIEWING)
    return Tip.objects.get(pk=tip.pk)


def test_first_triage_is_kept_to_the_hour(investigator):
    tip = _tip_triaged(investigator, _at(3, 10, 50), _at(3, 11, 10))
    assert tip.first_triaged_at == _at(3, 11)
    assert tip.triage_delay == dt.timedelta(hours=1)


def test_the_figure_is_hour_to_hour_with_no_half_hour_bias(investigator):
    # Exact delays: 20 min, 40 min, 2 h 20, 3 h 40, 5 h (median 2 h 20, mean 2 h 24).
    # Hour to hour: 1, 0, 3, 3, 5 (mean 2 h 24 too). From the rounded received time to the exact
    # triage time, as before: 0.3, 0.8, 3, 3.8, 5.5 (each half an hour long on average).
    pairs = [
        (_at(3, 10, 50), _at(3, 11, 10)),
        (_at(3, 10, 10), _at(3, 10, 50)),
        (_at(4, 8, 40), _at(4, 11, 0)),
        (_at(4, 9, 5), _at(4, 12, 45)),
        (_at(5, 14, 30), _at(5, 19, 30)),
    ]
    for received, triaged in pairs:
        _tip_triaged(investigator, received, triaged)
    figures = selectors.triage_figures()
    assert figures == {"count": 5, "median_hours": 3, "p90_hours": 5, "resolution_hours": 1}


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two(investigator):
    for hours in (1, 2, 4, 9):
        _tip_triaged(investigator, _at(6, 8, 15), _at(6, 8 + hours, 15))
    figures = selectors.triage_figures()
    assert figures["median_hours"] == 3
    assert figures["p90_hours"] == 9


def test_ninety_tips_of_ten_take_the_ninth_delay_as_the_90th_percentile(investigator):
    for hours in range(1, 11):
        _tip_triaged(investigator, _at(7, 0), _at(7, hours))
    figures = selectors.triage_figures()
    assert (figures["median_hours"], figures["p90_hours"]) == (5.5, 9)


def test_rows_triaged_before_the_hour_rule_are_measured_hour_to_hour_too(investigator):
    tip = TipFactory()
    Tip.objects.filter(pk=tip.pk).update(received_at=_at(8, 10), first_triaged_at=_at(8, 12, 59))
    assert selectors.triage_figures()["median_hours"] == 2


def test_no_triaged_tips_no_figure():
    TipFactory()
    assert selectors.triage_figures() == {
        "count": 0,
        "median_hours": None,
        "p90_hours": None,
        "resolution_hours": 1,
    }


def test_the_admin_states_the_figure_and_its_resolution(client, investigator):
    investigator.is_staff = True
    investigator.save()
    client.force_login(investigator)
    _tip_triaged(investigator, _at(3, 10, 50), _at(3, 13, 10))
    with time_machine.travel(_at(4, 9), tick=False):
        html = client.get("/admin/tips/tip/").content.decode()
    assert "median 3 h" in html
    assert "counted to the hour" in html
