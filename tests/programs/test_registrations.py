"""Sign-ups: capacity, the waiting list and its 24-hour offers, reminders, cancellations."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import localtime

from portal import roles
from portal.errors import DomainError
from portal.models import AuditEntry, Notification
from programs.models import Event, Registration
from programs.services import events, registrations
from tests.factories import UserFactory
from tests.programs.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
R = Registration.Status


def _sign_up(event, n, **extra):
    return registrations.registration_create(
        event_id=event.pk, name=f"Person {n}", email=f"person{n}@example.org", **extra
    )


def _youth_event(**kwargs):
    return EventFactory(
        registration=Event.Registration.YOUTH, capacity=10, min_age=10, max_age=14, **kwargs
    )


def test_youth_sign_up_needs_age_in_range_guardian_and_consent_and_keeps_what_was_typed(client):
    event = _youth_event()
    response = client.post(
        event.get_absolute_url(),
        {"youth_name": "Sam Lee", "youth_age": "16", "name": "", "email": "parent@example.org"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="error-summary"' in page
    assert 'value="Sam Lee"' in page and 'value="parent@example.org"' in page
    assert 'aria-describedby="id_name-error"' in page
    assert 'aria-invalid="true"' in page
    assert not Registration.objects.exists()

    refused = client.post(
        event.get_absolute_url(),
        {
            "youth_name": "Sam Lee",
            "youth_age": "16",
            "name": "Ana Lee",
            "consent": "on",
            "email": "parent@example.org",
        },
    )
    assert refused.status_code == 400
    assert "This activity is for ages 10 to 14." in refused.content.decode()
    assert not Registration.objects.exists()


def test_youth_sign_up_is_held_and_e_mails_a_confirm_link_in_the_residents_language(client):
    event = _youth_event()
    response = client.post(
        f"/es{event.get_absolute_url()}",
        {
            "youth_name": "Sam Lee",
            "youth_age": "12",
            "name": "Ana Lee",
            "consent": "on",
            "email": "parent@example.org",
            "phone": "",
        },
    )
    assert response.status_code == 200
    assert "Revise su correo" in response.content.decode()
    registration = Registration.objects.get()
    assert registration.status == R.HELD and registration.youth_age == 12
    assert registration.language == "es"
    mail = Notification.objects.get(recipient="parent@example.org")
    token = registrations.registration_token(registration)
    assert f"/es/events/signup/{token}/" in mail.body
    assert f"/es/events/cancel/{token}/" in mail.body
    client.post(f"/es/events/signup/{token}/", {"action": "confirm"})
    page = client.get(f"/es/events/signup/{token}/").content.decode()
    assert "Sam Lee tiene un lugar." in page
    mail = Notification.objects.get(
        recipient="parent@example.org", subject__startswith="Está inscrito"
    )
    assert "Tiene un lugar en este evento." in mail.body


def test_a_full_event_puts_the_next_person_on_the_waiting_list():
    event = EventFactory(registration=Event.Registration.SIMPLE, capacity=2)
    statuses = [_sign_up(event, n).status for n in range(4)]
    assert statuses == [R.HELD, R.HELD, R.WAITING, R.WAITING]
    assert event.places_left == 0


def test_the_same_person_cannot_sign_up_twice():
    event = EventFactory(registration=Event.Registration.SIMPLE)
    _sign_up(event, 1)
    with pytest.raises(DomainError) as error:
        _sign_up(event, 1)
    assert error.value.domain_code == "duplicate"


@pytest.mark.django_db(transaction=True)
def test_capacity_is_never_exceeded_under_concurrent_sign_ups(on_postgresql):
    event = EventFactory(registration=Event.Registration.SIMPLE, capacity=3)
    url = event.get_absolute_url()
    people = 12
    barrier = threading.Barrier(people)
    codes = []

    def sign_up(n):
        try:
            barrier.wait()
            response = Client().post(url, {"name": f"P {n}", "email": f"p{n}@example.org"})
            codes.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [200] * people
    assert Registration.objects.filter(event=event, status=R.HELD).count() == 3
    assert Registration.objects.filter(event=event, status=R.WAITING).count() == people - 3


def test_a_cancellation_offers_the_place_to_the_first_person_waiting_for_24_hours():
    event = EventFactory(
        registration=Event.Registration.SIMPLE,
        capacity=1,
        starts_at=timezone.now() + timedelta(days=5),
        ends_at=timezone.now() + timedelta(days=5, hours=2),
    )
    holder = _sign_up(event, 1)
    first = _sign_up(event, 2)
    second = _sign_up(event, 3)
    registrations.registration_cancel(registration_id=holder.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == R.OFFERED and second.status == R.WAITING
    assert first.offer_expires_at - timezone.now() > timedelta(hours=23, minutes=59)
    offer = Notification.objects.get(recipient=first.email, subject__startswith="A place is free")
    assert reverse("programs:registration-claim", args=["x"]).rsplit("x", 1)[0] in offer.body
    # The offered place is held: a newcomer waits.
    assert _sign_up(event, 4).status == R.WAITING
    claimed = registrations.registration_claim(registration_id=first.pk)
    assert claimed.status == R.CONFIRMED


def test_an_unclaimed_offer_expires_and_the_place_passes_on_once():
    event = EventFactory(
        registration=Event.Registration.SIMPLE,
        capacity=1,
        starts_at=timezone.now() + timedelta(days=5),
        ends_at=timezone.now() + timedelta(days=5, hours=2),
    )
    holder = _sign_up(event, 1)
    first = _sign_up(event, 2)
    second = _sign_up(event, 3)
    registrations.registration_cancel(registration_id=holder.pk)
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        assert registrations.offers_expire() == 1
        assert registrations.offers_expire() == 0  # running the sweep again changes nothing
        with pytest.raises(DomainError) as error:
            registrations.registration_claim(registration_id=first.pk)
        assert error.value.domain_code == "offer_expired"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == R.EXPIRED and second.status == R.OFFERED
    assert (
        Notification.objects.filter(recipient=second.email, subject__startswith="A place").count()
        == 1
    )


def test_cancel_from_the_e_mail_link_needs_a_button_press(client):
    registration = RegistrationFactory()
    token = registrations.registration_token(registration)
    page = client.get(reverse("programs:registration-cancel", args=[token]))
    assert page.status_code == 200 and "Cancel my sign-up" in page.content.decode()
    registration.refresh_from_db()
    assert registration.status == R.CONFIRMED  # opening the link alone changes nothing
    client.post(reverse("programs:registration", args=[token]), {"action": "cancel"})
    registration.refresh_from_db()
    assert registration.status == R.CANCELLED
    assert AuditEntry.objects.filter(action="programs.registration.cancelled").exists()


def test_a_forged_link_is_refused(client):
    response = client.get(reverse("programs:registration", args=["not-a-token"]))
    assert response.status_code == 404
    assert "This link is not valid." in response.content.decode()


def test_reminders_go_once_within_24_hours_of_the_start():
    soon = EventFactory(
        registration=Event.Registration.SIMPLE,
        starts_at=timezone.now() + timedelta(hours=20),
        ends_at=timezone.now() + timedelta(hours=22),
    )
    later = EventFactory(registration=Event.Registration.SIMPLE)
    RegistrationFactory(event=soon, email="soon@example.org")
    RegistrationFactory(event=later, email="later@example.org")
    RegistrationFactory(event=soon, email="waiting@example.org", status=R.WAITING)
    assert registrations.reminders_send() == 1
    assert registrations.reminders_send() == 0
    assert Notification.objects.filter(subject__startswith="Reminder").count() == 1
    assert Notification.objects.get(subject__startswith="Reminder").recipient == "soon@example.org"


def test_sign_up_closes_when_the_event_starts():
    event = EventFactory(
        registration=Event.Registration.SIMPLE,
        starts_at=timezone.now() - timedelta(minutes=5),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    with pytest.raises(DomainError) as error:
        _sign_up(event, 1)
    assert error.value.domain_code == "closed"


def test_cancelling_an_event_in_admin_tells_everyone_registered(client):
    officer = UserFactory(roles=[roles.SITE_ADMINISTRATORS])
    event = EventFactory(registration=Event.Registration.SIMPLE, capacity=1)
    RegistrationFactory(event=event, email="a@example.org")
    RegistrationFactory(event=event, email="b@example.org", status=R.WAITING)
    client.force_login(officer)
    client.post(
        reverse("admin:programs_event_changelist"),
        {"action": "cancel_selected", "_selected_action": [event.pk]},
    )
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED and event.sequence == 1
    notified = set(
        Notification.objects.filter(subject__startswith="Cancelled").values_list(
            "recipient", flat=True
        )
    )
    assert notified == {"a@example.org", "b@example.org"}
    assert AuditEntry.objects.filter(action="programs.event.cancelled", actor=officer).exists()
    assert "This event is cancelled" in client.get(event.get_absolute_url()).content.decode()


def test_moving_an_event_tells_everyone_and_reminds_them_again():
    event = EventFactory(registration=Event.Registration.SIMPLE)
    registration = RegistrationFactory(event=event, reminded_at=timezone.now())
    new_start = event.starts_at + timedelta(days=7)
    events.event_reschedule(
        actor=None, event=event, starts_at=new_start, ends_at=new_start + timedelta(hours=2)
    )
    event.refresh_from_db()
    registration.refresh_from_db()
    assert event.status == Event.Status.RESCHEDULED and event.previous_starts_at is not None
    assert registration.reminded_at is None
    assert Notification.objects.filter(subject__startswith="New date").count() == 1


def test_changing_the_time_in_admin_reschedules_and_tells_those_signed_up(client):
    officer = UserFactory(roles=[roles.SITE_ADMINISTRATORS])
    event = EventFactory(registration=Event.Registration.SIMPLE, capacity=10)
    RegistrationFactory(event=event, email="a@example.org")
    client.force_login(officer)
    url = reverse("admin:programs_event_change", args=[event.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        data[name] = value.pk if hasattr(value, "pk") else value
    new_start = localtime(event.starts_at + timedelta(days=1))
    new_end = localtime(event.ends_at + timedelta(days=1))
    data.update(
        {
            "starts_at_0": new_start.strftime("%Y-%m-%d"),
            "starts_at_1": new_start.strftime("%H:%M:%S"),
            "ends_at_0": new_end.strftime("%Y-%m-%d"),
            "ends_at_1": new_end.strftime("%H:%M:%S"),
            "status_note_en": "The gym is being painted.",
            "registrations-TOTAL_FORMS": "1",
            "registrations-INITIAL_FORMS": "1",
            "registrations-MIN_NUM_FORMS": "0",
            "registrations-MAX_NUM_FORMS": "1000",
            "registrations-0-id": str(event.registrations.get().pk),
            "registrations-0-event": str(event.pk),
        }
    )
    data = {k: v for k, v in data.items() if k not in ("starts_at", "ends_at")}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.status == Event.Status.RESCHEDULED
    assert abs((event.starts_at - new_start).total_seconds()) < 1
    notice = Notification.objects.get(subject__startswith="New date")
    assert "The gym is being painted." in notice.body
    assert AuditEntry.objects.filter(action="programs.event.rescheduled", actor=officer).exists()


def test_the_waiting_list_page_tells_people_their_place_in_line(client):
    event = EventFactory(registration=Event.Registration.SIMPLE, capacity=1)
    _sign_up(event, 1)
    _sign_up(event, 2)
    third = _sign_up(event, 3)
    page = client.get(
        reverse("programs:registration", args=[registrations.registration_token(third)])
    )
    assert "You are number 2 in line." in page.content.decode()
