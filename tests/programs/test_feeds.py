"""Calendars, the news feed, schema.org data and the flyer, read back with the parsers that
calendar apps and feed readers use."""

import io
import json
import re
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from programs.flyer import render_flyer
from programs.models import Event, Program
from programs.services import events as event_services
from tests.programs.factories import EventFactory, MeetingFactory, NewsItemFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def _events(response):
    calendar = Calendar.from_ical(response.content)
    return calendar, list(calendar.walk("VEVENT"))


def test_calendar_of_all_events_is_valid_with_stable_uids_and_a_time_zone(client):
    event = EventFactory()
    MeetingFactory()
    response = client.get("/events.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar, events = _events(response)
    assert len(events) == 2
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "America/New_York"
    item = next(e for e in events if str(e["SUMMARY"]) == event.title_en)
    assert item["DTSTART"].dt == event.starts_at.replace(microsecond=0)
    assert str(item["DTSTART"].params["TZID"]) == "America/New_York"
    assert str(item["UID"]) == f"event-{event.pk}@127.0.0.1"
    _again, events_again = _events(client.get("/events.ics"))
    assert {str(e["UID"]) for e in events} == {str(e["UID"]) for e in events_again}


def test_program_and_neighborhood_calendars_hold_only_their_own_events(client):
    event = EventFactory()
    meeting = MeetingFactory()
    _, program_events = _events(client.get(f"/programs/{event.program.slug}/events.ics"))
    assert [str(e["SUMMARY"]) for e in program_events] == [event.title_en]
    _, meetings = _events(client.get(f"/neighborhoods/{meeting.neighborhood.slug}/meetings.ics"))
    assert [str(e["SUMMARY"]) for e in meetings] == [meeting.title_en]


def test_cancelled_event_stays_in_the_calendar_as_cancelled_with_a_higher_sequence(client):
    event = EventFactory()
    event_services.event_cancel(actor=None, event=event)
    _, events = _events(client.get("/events.ics"))
    assert str(events[0]["STATUS"]) == "CANCELLED"
    assert int(events[0]["SEQUENCE"]) == 1


def test_draft_programs_events_are_in_no_calendar(client):
    EventFactory(program=ProgramFactory(status=Program.Status.DRAFT))
    _, events = _events(client.get("/events.ics"))
    assert events == []


def test_news_feed_is_atom_in_the_language_of_the_url(client):
    item = NewsItemFactory(title_en="Gym opens", title_es="Abre el gimnasio")
    NewsItemFactory(program=ProgramFactory(status=Program.Status.DRAFT), title_en="Secret")
    english = feedparser.parse(client.get("/programs/news.atom").content)
    assert english.version == "atom10"
    assert [entry.title for entry in english.entries] == ["Gym opens"]
    assert english.entries[0].link.endswith(f"{item.program.get_absolute_url()}#news-{item.pk}")
    spanish = feedparser.parse(client.get("/es/programs/news.atom").content)
    assert [entry.title for entry in spanish.entries] == ["Abre el gimnasio"]


def _json_ld(html: str) -> dict:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(found) == 1
    return json.loads(found[0])


def test_event_page_carries_schema_org_event_data(client):
    event = EventFactory(capacity=30, registration=Event.Registration.SIMPLE)
    data = _json_ld(client.get(event.get_absolute_url()).content.decode())
    assert data["@type"] == "Event"
    assert data["name"] == event.title_en
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["location"]["address"]["streetAddress"] == event.address
    assert data["startDate"].endswith(("-05:00", "-04:00"))
    assert data["remainingAttendeeCapacity"] == 30


def test_json_ld_says_cancelled_or_rescheduled(client):
    cancelled = EventFactory()
    event_services.event_cancel(actor=None, event=cancelled)
    data = _json_ld(client.get(cancelled.get_absolute_url()).content.decode())
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    moved = EventFactory()
    start = moved.starts_at + timedelta(days=2)
    event_services.event_reschedule(
        actor=None, event=moved, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    data = _json_ld(client.get(moved.get_absolute_url()).content.decode())
    assert data["eventStatus"] == "https://schema.org/EventRescheduled"
    assert "previousStartDate" in data


def test_json_ld_cannot_be_broken_out_of_by_an_event_title(client):
    event = EventFactory(title_en="</script><script>alert(1)</script>")
    html = client.get(event.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    assert _json_ld(html)["name"] == "</script><script>alert(1)</script>"


def test_flyer_is_a_one_page_pdf_with_the_details_and_a_link_to_the_page(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    event = EventFactory(
        title_en="PAL basketball night", starts_at=timezone.now() + timedelta(days=2)
    )
    response = client.get(f"{event.get_absolute_url()}flyer.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    assert "PAL basketball night" in text
    assert f"http://127.0.0.1:8000/events/{event.slug}/" in text
    assert list(tmp_path.glob("flyers/*.pdf"))  # built once, then served from storage


def test_flyer_qr_code_points_to_the_event_page(settings):
    event = EventFactory()
    pdf = PdfReader(io.BytesIO(render_flyer(event, "es")))
    images = pdf.pages[0].images
    assert len(images) == 1  # the QR code
    assert "/es/events/" in pdf.pages[0].extract_text()
