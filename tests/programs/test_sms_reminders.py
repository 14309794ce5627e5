"""Event reminders, and news of a moved or cancelled event, by text message for those who
chose it at sign-up (the kernel's resident_notify and the SMS outbox)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import Notification, SmsOptOut
from portal.services.notifications import notification_deliver
from portal.sms import LocmemSMSBackend
from programs.models import Event, Registration
from programs.services import events, registrations
from tests.programs.factories import EventFactory, RegistrationFactory
from tests.support.errors import raises_domain

pytestmark = pytest.mark.django_db


def _soon(**extra):
    return EventFactory(
        registration=Event.Registration.SIMPLE,
        starts_at=timezone.now() + timedelta(hours=20),
        ends_at=timezone.now() + timedelta(hours=22),
        **extra,
    )


def _texted(**extra):
    return RegistrationFactory(phone="860-555-0134", contact_channel="sms", **extra)


def test_sign_up_page_keeps_the_choice_of_text_messages(client):
    event = _soon(capacity=5)
    response = client.post(
        event.get_absolute_url(),
        {
            "name": "Ana Lee",
            "email": "ana@example.org",
            "phone": "860-555-0134",
            "contact_channel": "sms",
        },
    )
    assert response.status_code == 200
    registration = Registration.objects.get()
    assert (registration.contact_channel, registration.phone) == ("sms", "860-555-0134")


def test_text_messages_need_a_number_at_both_doors(client):
    event = _soon(capacity=5)
    response = client.post(
        event.get_absolute_url(),
        {"name": "Ana Lee", "email": "ana@example.org", "contact_channel": "sms"},
    )
    assert response.status_code == 400
    assert "Give a mobile number for the text messages." in response.content.decode()
    spanish = client.post(
        f"/es{event.get_absolute_url()}",
        {"name": "Ana Lee", "email": "ana@example.org", "contact_channel": "sms"},
    )
    assert spanish.status_code == 400
    assert "Give a mobile number" not in spanish.content.decode()
    with raises_domain("phone_required"):
        registrations.registration_create(
            event_id=event.pk, name="Ana", email="ana@example.org", contact_channel="sms"
        )
    assert not Registration.objects.exists()


def test_reminder_goes_by_text_to_those_who_chose_it_and_by_e_mail_to_the_rest(
    django_capture_on_commit_callbacks,
):
    event = _soon()
    _texted(event=event, email="texted@example.org")
    RegistrationFactory(event=event, email="mailed@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert registrations.reminders_send() == 2
    [text] = Notification.objects.filter(channel="sms")
    assert text.recipient == "860-555-0134"
    assert event.title in text.body and "STOP" in text.body
    assert "/events/cancel/" in text.body
    assert not Notification.objects.filter(recipient="texted@example.org").exists()
    assert Notification.objects.filter(channel="email", recipient="mailed@example.org").exists()
    assert LocmemSMSBackend.outbox[0]["to"] == "+18605550134"


def test_cancelled_and_moved_events_are_texted(django_capture_on_commit_callbacks):
    event = EventFactory(registration=Event.Registration.SIMPLE)
    _texted(event=event)
    start = event.starts_at + timedelta(days=7)
    events.event_reschedule(
        actor=None, event=event, starts_at=start, ends_at=start + timedelta(hours=2)
    )
    events.event_cancel(actor=None, event=event, note="")
    bodies = list(Notification.objects.filter(channel="sms").values_list("body", flat=True))
    assert len(bodies) == 2
    assert any("New date:" in body for body in bodies)
    assert any("Cancelled:" in body for body in bodies)


def test_confirmations_still_go_by_e_mail(django_capture_on_commit_callbacks):
    event = _soon(capacity=5)
    registrations.registration_create(
        event_id=event.pk,
        name="Ana",
        email="ana@example.org",
        phone="860-555-0134",
        contact_channel="sms",
    )
    assert Notification.objects.get().channel == "email"


def test_spanish_sign_up_gets_a_spanish_text():
    event = _soon()
    _texted(event=event, language="es")
    registrations.reminders_send()
    text = Notification.objects.get(channel="sms")
    assert "Recordatorio:" in text.body


def test_reminder_to_a_number_that_replied_stop_is_refused_and_recorded():
    event = _soon()
    _texted(event=event)
    SmsOptOut.objects.create(number="+18605550134", keyword="STOP", changed_at=timezone.now())
    registrations.reminders_send()
    text = Notification.objects.get(channel="sms")
    notification_deliver(notification_id=text.pk)
    text.refresh_from_db()
    assert text.status == Notification.Status.FAILED
    assert text.provider_status == "opted-out"
    assert LocmemSMSBackend.outbox == []
