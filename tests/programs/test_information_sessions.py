"""Programs marks an event as an information session; its careers panel lists the upcoming ones."""

from datetime import timedelta

import pytest
from django.utils import timezone

from programs import panels, selectors
from tests.programs.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_event_list_filters_information_sessions():
    session = EventFactory(information_session=True)
    EventFactory()
    assert list(selectors.event_list(information_session=True)) == [session]


def test_careers_panel_lists_upcoming_sessions_only(rf):
    upcoming = EventFactory(information_session=True)
    EventFactory(
        information_session=True,
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=1),
    )
    assert panels.careers_information_sessions(rf.get("/careers/")) == {"events": [upcoming]}


def test_careers_panel_shows_nothing_without_sessions(rf):
    EventFactory()
    assert panels.careers_information_sessions(rf.get("/careers/")) is None
