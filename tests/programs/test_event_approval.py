"""Issue 13 (Programs): an officer's new or changed event on a program waits for a
publisher's approval, as program pages do; a publisher's goes live. Held at every door:
the service, the admin, the public pages and the API."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import localtime

from portal.errors import DomainError
from portal.models import AuditEntry, Notification
from programs.models import Event, Registration
from programs.services import events
from tests.programs.factories import (
    EventFactory,
    MeetingFactory,
    ProgramFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


def _new_event(program, **kwargs):
    start = timezone.now() + timedelta(days=4)
    values = {
        "slug": "bike-rodeo",
        "program": program,
        "title_en": "Bike rodeo",
        "title_es": "Rodeo de bicicletas",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "place_name": "Park",
        "address": "1 Main St",
        "is_published": True,
    }
    values.update(kwargs)
    return Event(**values)


def _public(client, event):
    listed = client.get("/events/").content.decode()
    api = client.get("/api/v1/events/").json()
    slugs = [row["slug"] for row in api.get("results", api)]
    return event.title_en in listed, event.slug in slugs, client.get(f"/events/{event.slug}/")


def test_an_officers_new_event_waits_for_a_publisher(client, officer, publisher):
    program = ProgramFactory(editors=[officer])
    event = events.event_update(actor=officer, event=_new_event(program))
    assert event.is_published is False and event.pending_change == {"is_published": True}
    in_list, in_api, page = _public(client, event)
    assert not in_list and not in_api and page.status_code == 404
    assert AuditEntry.objects.filter(action="programs.event.proposed", actor=officer).exists()

    with pytest.raises(DomainError) as error:
        events.event_change_approve(actor=officer, event=event)
    assert error.value.domain_code == "forbidden"

    events.event_change_approve(actor=publisher, event=event)
    event.refresh_from_db()
    assert event.is_published and event.pending_change is None
    in_list, in_api, page = _public(client, event)
    assert in_list and in_api and page.status_code == 200
    assert AuditEntry.objects.filter(
        action="programs.event.change_approved", actor=publisher
    ).exists()


def test_a_publishers_new_event_goes_live(client, publisher):
    event = events.event_update(actor=publisher, event=_new_event(ProgramFactory()))
    assert event.is_published and event.pending_change is None
    assert _public(client, event)[2].status_code == 200


def test_an_officers_change_to_a_live_event_is_pending_until_approved(client, officer, publisher):
    event = EventFactory(
        program=ProgramFactory(editors=[officer]),
        registration=Event.Registration.SIMPLE,
        title_en="Coffee with a cop",
    )
    RegistrationFactory(event=event, email="a@example.org")
    old_start = event.starts_at
    proposed = Event.objects.get(pk=event.pk)
    proposed.title_en = "Coffee with a cop, moved"
    proposed.starts_at += timedelta(days=1)
    proposed.ends_at += timedelta(days=1)
    events.event_update(actor=officer, event=proposed, changed_fields=["title_en"])
    live = Event.objects.get(pk=event.pk)
    assert live.title_en == "Coffee with a cop" and live.starts_at == old_start
    assert set(live.pending_change) == {"title_en", "starts_at", "ends_at"}
    assert live.pending_author == officer
    assert "Coffee with a cop, moved" not in client.get(f"/events/{event.slug}/").content.decode()
    assert not Notification.objects.filter(subject__startswith="New date").exists()

    events.event_change_approve(actor=publisher, event=live)
    live.refresh_from_db()
    assert live.title_en == "Coffee with a cop, moved" and live.pending_change is None
    assert live.starts_at == old_start + timedelta(days=1)
    assert live.status == Event.Status.RESCHEDULED
    assert Notification.objects.filter(subject__startswith="New date").count() == 1
    assert "Coffee with a cop, moved" in client.get(f"/events/{event.slug}/").content.decode()


def test_a_publisher_may_send_a_pending_change_back(officer, publisher):
    event = EventFactory(program=ProgramFactory(editors=[officer]), title_en="Walk")
    proposed = Event.objects.get(pk=event.pk)
    proposed.title_en = "Run"
    events.event_update(actor=officer, event=proposed)
    events.event_change_reject(actor=publisher, event=Event.objects.get(pk=event.pk))
    live = Event.objects.get(pk=event.pk)
    assert live.title_en == "Walk" and live.pending_change is None
    assert AuditEntry.objects.filter(action="programs.event.change_rejected").exists()


def test_neighborhood_meetings_need_no_approval(officer):
    meeting = MeetingFactory(title_en="Riverside meeting")
    changed = Event.objects.get(pk=meeting.pk)
    changed.title_en = "Riverside meeting (new room)"
    events.event_update(actor=officer, event=changed)
    live = Event.objects.get(pk=meeting.pk)
    assert live.title_en == "Riverside meeting (new room)" and live.pending_change is None


def test_the_admin_holds_an_officers_change_and_a_publisher_approves_it(client, officer, publisher):
    event = EventFactory(program=ProgramFactory(editors=[officer]), title_en="Bike safety")
    client.force_login(officer)
    url = reverse("admin:programs_event_change", args=[event.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is not None:
            data[name] = value.pk if hasattr(value, "pk") else value
    for name in ("starts_at", "ends_at"):
        value = localtime(getattr(event, name))
        data[f"{name}_0"] = value.strftime("%Y-%m-%d")
        data[f"{name}_1"] = value.strftime("%H:%M:%S")
        data.pop(name, None)
    data.update(
        {
            "title_en": "Bike safety day",
            "registrations-TOTAL_FORMS": "0",
            "registrations-INITIAL_FORMS": "0",
            "registrations-MIN_NUM_FORMS": "0",
            "registrations-MAX_NUM_FORMS": "1000",
        }
    )
    response = client.post(url, data, follow=True)
    assert "waits for a publisher" in response.content.decode()
    assert Event.objects.get(pk=event.pk).title_en == "Bike safety"
    # An officer has no approve action.
    changelist = reverse("admin:programs_event_changelist")
    client.post(changelist, {"action": "approve_pending", "_selected_action": [event.pk]})
    assert Event.objects.get(pk=event.pk).title_en == "Bike safety"

    client.force_login(publisher)
    assert "Bike safety day" in client.get(url).content.decode()  # the pending change shows
    client.post(changelist, {"action": "approve_pending", "_selected_action": [event.pk]})
    assert Event.objects.get(pk=event.pk).title_en == "Bike safety day"


def test_raising_capacity_by_an_officer_offers_places_once_approved(officer, publisher):
    event = EventFactory(
        program=ProgramFactory(editors=[officer]),
        registration=Event.Registration.SIMPLE,
        capacity=1,
    )
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITING)
    proposed = Event.objects.get(pk=event.pk)
    proposed.capacity = 2
    events.event_update(actor=officer, event=proposed, changed_fields=["capacity"])
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITING
    events.event_change_approve(actor=publisher, event=Event.objects.get(pk=event.pk))
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.OFFERED
