"""Public program, event and neighborhood pages are cached whole; every change that shows on
them is seen on the next visit."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal import registry
from portal.services.page_cache import HIT_HEADER
from programs.models import Event, Program, Registration
from programs.services import events, publishing, registrations
from tests.programs.factories import EventFactory, MeetingFactory, ProgramFactory
from tests.support.program_forms import program_form_data

pytestmark = pytest.mark.django_db


def _cached(client, url) -> str:
    """Visit twice; the second answer must come from the cache. Returns its text."""
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    assert response[HIT_HEADER] == "hit", url
    return response.content.decode()


@pytest.mark.parametrize("url", ["/programs/", "/events/", "/es/events/", "/neighborhoods/"])
def test_public_pages_are_served_whole_from_the_cache(client, url):
    EventFactory()
    MeetingFactory()
    _cached(client, url)


def test_an_edit_in_admin_shows_on_the_next_public_visit(client, publisher):
    program = ProgramFactory(title_en="Youth league")
    event = EventFactory(program=program)
    for url in (program.get_absolute_url(), "/programs/", event.get_absolute_url()):
        assert "Youth league" in _cached(client, url)
    staff = Client()
    staff.force_login(publisher)
    response = staff.post(
        reverse("admin:programs_program_change", args=[program.pk]),
        program_form_data(program, title_en="Police Activities League"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    for url in (program.get_absolute_url(), "/programs/", event.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Police Activities League" in page and "Youth league" not in page, url


def test_moving_or_cancelling_an_event_shows_at_once(client, publisher):
    event = EventFactory(title_en="Buy-back day")
    assert "Buy-back day" in _cached(client, "/events/")
    event.title_en = "Buy-back day (moved)"
    event.save()
    assert "Buy-back day (moved)" in client.get("/events/").content.decode()
    events.event_cancel(actor=publisher, event=event)
    assert "This event is cancelled" in client.get(event.get_absolute_url()).content.decode()


def test_sign_ups_and_cancellations_change_the_places_left_at_once(client):
    event = EventFactory(capacity=2, registration=Event.Registration.SIMPLE)
    url = event.get_absolute_url()
    assert "2 places left" in _cached(client, url)
    response = client.post(url, {"name": "Ana Ruiz", "email": "ana@example.org"})
    assert response.status_code == 200  # "check your e-mail" (issue 13, finding 8)
    assert "1 place left" in client.get(url).content.decode()
    assert "1 place left" in client.get("/events/").content.decode()
    registration = Registration.objects.get(email="ana@example.org")
    registrations.registration_cancel(registration_id=registration.pk)
    assert "2 places left" in client.get(url).content.decode()


def test_publishing_and_taking_down_show_at_once(client, publisher):
    program = ProgramFactory(status=Program.Status.DRAFT, title_en="Faith partners")
    assert "Faith partners" not in _cached(client, "/programs/")
    publishing.program_transition(actor=publisher, program=program, transition="publish")
    assert "Faith partners" in client.get("/programs/").content.decode()
    _cached(client, program.get_absolute_url())
    publishing.program_transition(actor=publisher, program=program, transition="unpublish")
    assert client.get(program.get_absolute_url()).status_code == 404
    assert "Faith partners" not in client.get("/programs/").content.decode()


def test_scheduled_publishing_by_beat_shows_at_once(client, publisher):
    start = timezone.now() + timedelta(hours=2)
    program = ProgramFactory(status=Program.Status.DRAFT, title_en="Dialogues", publish_at=start)
    publishing.program_transition(actor=publisher, program=program, transition="publish")
    with time_machine.travel(start - timedelta(minutes=1)):
        assert "Dialogues" not in _cached(client, "/programs/")
    with time_machine.travel(start + timedelta(minutes=1)):
        assert "Dialogues" not in _cached(client, "/programs/")  # the list stored before
        publishing.programs_schedule_run()
        assert "Dialogues" in client.get("/programs/").content.decode()


def test_staff_see_their_preview_and_the_public_never_does(client, publisher):
    program = ProgramFactory(status=Program.Status.DRAFT)
    staff = Client()
    staff.force_login(publisher)
    assert staff.get(program.get_absolute_url()).status_code == 200
    assert client.get(program.get_absolute_url()).status_code == 404


def test_event_page_has_no_csrf_token_and_refuses_cross_site_sign_ups(client):
    event = EventFactory(capacity=5, registration=Event.Registration.SIMPLE)
    url = event.get_absolute_url()
    page = client.get(url)
    assert b"csrfmiddlewaretoken" not in page.content and not page.cookies
    data = {"name": "Ana Ruiz", "email": "ana@example.org"}
    refused = client.post(url, data, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403
    refused = client.post(url, data, headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403
    assert not Registration.objects.exists()
    ours = client.post(
        url, data, headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    )
    assert ours.status_code == 200 and Registration.objects.count() == 1


def test_neighborhood_page_is_cached_and_its_subscribe_form_refuses_cross_site_posts(client):
    meeting = MeetingFactory(title_en="Spring meeting")
    neighborhood = meeting.neighborhood
    url = f"/neighborhoods/{neighborhood.slug}/"
    page = _cached(client, url)
    assert "Spring meeting" in page and "csrfmiddlewaretoken" not in page
    subscribe = reverse("programs:subscribe", args=[neighborhood.slug])
    refused = client.post(
        subscribe, {"email": "a@example.org"}, headers={"Origin": "https://evil.example"}
    )
    assert refused.status_code == 403
    assert client.post(subscribe, {"email": "a@example.org"}).status_code == 200


def test_programs_panels_say_they_keep_the_page_cache_up_to_date():
    ours = [
        panel
        for panels in (registry.home_panels, registry.neighborhood_panels)
        for panel in panels.all()
        if panel.template.startswith("programs/")
    ]
    assert ours and all(panel.cacheable for panel in ours)


def test_home_page_is_cached_and_shows_event_changes(client):
    """The home page is cached once every panel on it keeps the cache up to date (all do)."""
    assert all(panel.cacheable for panel in registry.home_panels._items.values())
    event = EventFactory(title_en="Spring buy-back")
    assert "Spring buy-back" in _cached(client, "/")
    event.title_en = "Autumn buy-back"
    event.save()
    page = client.get("/")
    assert page[HIT_HEADER] == "miss" and "Autumn buy-back" in page.content.decode()


def test_calendar_and_news_feeds_are_cached_and_follow_changes(client):
    program = ProgramFactory(slug="pal")
    event = EventFactory(program=program, title_en="Spring league")
    meeting = MeetingFactory()
    program.news.create(title_en="Sign-ups open", body_en="Come by the gym.")
    urls = [
        "/events.ics",
        "/programs/pal/events.ics",
        f"/neighborhoods/{meeting.neighborhood.slug}/meetings.ics",
        f"/events/{event.slug}/event.ics",
        "/programs/news.atom",
        "/es/programs/news.atom",
    ]
    for url in urls:
        _cached(client, url)
    assert "Spring league" in _cached(client, "/events.ics")
    assert "text/calendar" in client.get("/events.ics")["Content-Type"]
    event.title_en = "Summer league"
    event.save()
    calendar = client.get("/programs/pal/events.ics")
    assert calendar[HIT_HEADER] == "miss" and "Summer league" in calendar.content.decode()
    program.news.create(title_en="Gym closed Monday", body_en="Back on Tuesday.")
    feed = client.get("/programs/news.atom")
    assert feed[HIT_HEADER] == "miss" and "Gym closed Monday" in feed.content.decode()
