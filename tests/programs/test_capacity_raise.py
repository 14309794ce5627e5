"""Raising an event's capacity offers the new places to the waiting list, first come first."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal import roles
from portal.models import Notification
from programs.models import Event, Registration
from programs.services import events
from tests.factories import UserFactory
from tests.programs.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
R = Registration.Status


def _full_event_with_three_waiting():
    event = EventFactory(registration=Event.Registration.SIMPLE, capacity=1)
    RegistrationFactory(event=event, email="holder@example.org")
    now = timezone.now()
    waiting = [
        RegistrationFactory(
            event=event,
            email=f"wait{n}@example.org",
            status=R.WAITING,
            created_at=now - timedelta(minutes=10 - n),
        )
        for n in range(3)
    ]
    return event, waiting


def test_raising_the_capacity_offers_the_new_places_in_order(publisher):
    event, waiting = _full_event_with_three_waiting()
    event.capacity = 3
    events.event_update(actor=publisher, event=event, changed_fields=["capacity"])
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == [R.OFFERED, R.OFFERED, R.WAITING]
    offers = Notification.objects.filter(subject__startswith="A place is free")
    assert sorted(offers.values_list("recipient", flat=True)) == [
        "wait0@example.org",
        "wait1@example.org",
    ]
    assert "/events/claim/" in offers.first().body


def test_removing_the_limit_offers_a_place_to_everyone_waiting(publisher):
    event, waiting = _full_event_with_three_waiting()
    event.capacity = None
    events.event_update(actor=publisher, event=event, changed_fields=["capacity"])
    assert {Registration.objects.get(pk=r.pk).status for r in waiting} == {R.OFFERED}


def test_raising_the_capacity_in_the_admin_offers_the_new_place(client):
    admin_user = UserFactory(roles=[roles.SITE_ADMINISTRATORS])
    event, waiting = _full_event_with_three_waiting()
    client.force_login(admin_user)
    url = reverse("admin:programs_event_change", args=[event.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        data[name] = value.pk if hasattr(value, "pk") else value
    for name in ("starts_at", "ends_at"):
        value = timezone.localtime(getattr(event, name))
        data[f"{name}_0"] = value.strftime("%Y-%m-%d")
        data[f"{name}_1"] = value.strftime("%H:%M:%S")
        data.pop(name, None)
    data["capacity"] = "2"
    data.update(
        {
            "registrations-TOTAL_FORMS": "0",
            "registrations-INITIAL_FORMS": "0",
            "registrations-MIN_NUM_FORMS": "0",
            "registrations-MAX_NUM_FORMS": "1000",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == [R.OFFERED, R.WAITING, R.WAITING]
