"""Public pages of programs and events: what they show, and a constant number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal import roles
from programs.models import Event
from programs.services import publishing
from programs.services.publishing import content_changed
from tests.factories import UserFactory
from tests.programs.factories import (
    EventFactory,
    MeetingFactory,
    ProblemNoteFactory,
    ProgramFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["program", "events", "home"])
def test_query_count_is_the_same_with_5_or_500_events(client, page):
    program = ProgramFactory()

    def url():
        return {"program": program.get_absolute_url(), "events": "/events/", "home": "/"}[page]

    for _ in range(5):
        RegistrationFactory(event=EventFactory(program=program, registration="simple"))
    client.get(url())  # the department's settings are cached from here on
    content_changed()  # measure the page as built after a change, not served from the cache
    few = _queries(client, url())
    EventFactory.create_batch(495, program=program, capacity=10, registration="simple")
    content_changed()
    assert _queries(client, url()) == few


def test_event_list_filters_by_program_and_shows_places_left(client):
    pal = ProgramFactory(title_en="PAL")
    event = EventFactory(program=pal, capacity=3, registration=Event.Registration.SIMPLE)
    RegistrationFactory(event=event)
    other = EventFactory()
    page = client.get(f"/events/?program={pal.slug}").content.decode()
    assert event.title_en in page and other.title_en not in page
    assert "2 places left" in page


def test_event_page_links_the_address_search_and_no_third_party_embed(client):
    event = EventFactory(address="45 Park Avenue, Eastbrook, CT")
    page = client.get(event.get_absolute_url()).content.decode()
    assert "https://www.openstreetmap.org/search?query=45+Park+Avenue%2C+Eastbrook%2C+CT" in page
    assert "<iframe" not in page


def test_numeric_event_address_redirects_to_the_readable_one(client):
    event = EventFactory()
    response = client.get(f"/events/{event.pk}/")
    assert response.status_code == 301 and response["Location"] == event.get_absolute_url()


def test_home_page_lists_upcoming_events(client):
    event = EventFactory(title_en="Spring buy-back")
    page = client.get("/").content.decode()
    assert 'id="panel-upcoming-events"' in page and event.title_en in page


def test_program_page_shows_partners_contact_events_and_spanish_text(client):
    program = ProgramFactory(title_es="Liga juvenil", body_es="## Horario\n\nLos martes.")
    program.partners.create(name="Eastbrook Hospital", url="https://hospital.example")
    EventFactory(program=program, title_es="Noche de baloncesto")
    page = client.get(f"/es{program.get_absolute_url()}").content.decode()
    assert "<h2>Horario</h2>" in page
    assert "Eastbrook Hospital" in page and "Noche de baloncesto" in page
    assert program.contact_officer.email in page


def test_neighborhood_page_query_count_is_the_same_with_5_or_500_meetings(client):
    meeting = MeetingFactory()
    neighborhood = meeting.neighborhood
    ProblemNoteFactory(problem__neighborhood=neighborhood)
    MeetingFactory.create_batch(4, neighborhood=neighborhood)
    url = f"/neighborhoods/{neighborhood.slug}/"
    client.get(url)
    content_changed()  # measure the page as built, not served whole from the cache
    few = _queries(client, url)
    assert _queries(client, url) == 0  # and then served whole from the cache
    MeetingFactory.create_batch(495, neighborhood=neighborhood)
    ProblemNoteFactory.create_batch(20, problem__neighborhood=neighborhood)
    content_changed()
    assert _queries(client, url) == few


def test_a_cached_program_page_costs_no_query_and_an_edit_shows_at_once(
    client, django_capture_on_commit_callbacks
):
    program = ProgramFactory()
    EventFactory.create_batch(3, program=program)
    client.get(program.get_absolute_url())
    assert _queries(client, program.get_absolute_url()) == 0  # served whole from the cache
    editor = UserFactory(roles=[roles.SITE_ADMINISTRATORS])
    program.body_en = "## New timetable"
    program.save()
    with django_capture_on_commit_callbacks(execute=True):
        publishing.program_save(actor=editor, program=program, changed_fields=["body_en"])
    assert "New timetable" in client.get(program.get_absolute_url()).content.decode()


def test_event_list_shows_events_from_a_chosen_date_and_explains_a_bad_date(client):
    soon = EventFactory(starts_at=timezone.now() + timedelta(days=1))
    later = EventFactory(starts_at=timezone.now() + timedelta(days=30))
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    page = client.get("/events/", {"from": day}).content.decode()
    assert later.title_en in page and soon.title_en not in page
    bad = client.get("/events/", {"from": "next tuesday"})
    assert bad.status_code == 400
    assert "Enter a date such as 2025-06-30." in bad.content.decode()
    assert 'aria-describedby="filter-from-hint filter-from-error"' in bad.content.decode()
