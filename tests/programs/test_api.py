"""The read-only public API for programs and events."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from programs.models import Event, Program
from tests.programs.factories import (
    EventFactory,
    MeetingFactory,
    ProgramFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


def test_programs_endpoint_lists_only_published_programs_with_partners(client):
    program = ProgramFactory()
    program.partners.create(name="Hospital", url="https://hospital.example")
    ProgramFactory(status=Program.Status.DRAFT)
    data = client.get("/api/v1/programs/").json()
    assert data["count"] == 1
    item = data["results"][0]
    assert item["slug"] == program.slug
    assert item["partners"][0]["name"] == "Hospital"
    assert "<h2>" in item["body_html"]
    spanish = client.get(f"/api/v1/programs/{program.slug}/?lang=es").json()
    assert spanish["title"] == program.title_es


def test_events_filter_by_program_neighborhood_dates_and_places_left(client):
    pal = ProgramFactory()
    full = EventFactory(program=pal, registration=Event.Registration.SIMPLE, capacity=1)
    RegistrationFactory(event=full)
    open_event = EventFactory(program=pal, registration=Event.Registration.SIMPLE, capacity=5)
    meeting = MeetingFactory(starts_at=timezone.now() + timedelta(days=20))

    def slugs(query):
        return {e["slug"] for e in client.get(f"/api/v1/events/{query}").json()["results"]}

    assert slugs(f"?program={pal.slug}") == {full.slug, open_event.slug}
    assert slugs(f"?neighborhood={meeting.neighborhood.slug}") == {meeting.slug}
    assert slugs("?has_places_left=true") == {open_event.slug}
    assert slugs("?has_places_left=false") == {full.slug}
    after = (timezone.now() + timedelta(days=10)).isoformat().replace("+", "%2B")
    assert slugs(f"?starts_after={after}") == {meeting.slug}
    one = client.get(f"/api/v1/events/{open_event.slug}/").json()
    assert one["places_left"] == 5 and one["program"] == pal.slug


def test_events_are_paginated(client):
    EventFactory.create_batch(3)
    data = client.get("/api/v1/events/?page_size=2").json()
    assert {"count", "next", "previous", "results"} <= set(data)


def test_api_is_read_only(client):
    assert client.post("/api/v1/events/", {}).status_code in (403, 405)


def test_openapi_schema_has_the_endpoints_and_no_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(out), skip_checks=True
    )
    schema = out.read_text()
    assert "/api/v1/events/" in schema and "has_places_left" in schema
    assert "/api/v1/programs/{slug}/" in schema
