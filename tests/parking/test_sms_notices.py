"""A permit holder who gave a mobile number is told by text message too: approval and a snow
ban's cancellation go through the SMS outbox to Twilio (a local stand-in here)."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from parking.services import ban_declare
from portal.models import Notification, SmsOptOut
from tests.parking.factories import hold_nights
from tests.support.twilio import twilio_configured

D = datetime.date
NY = zoneinfo.ZoneInfo("America/New_York")
pytestmark = pytest.mark.django_db


def _declare():
    return ban_declare(
        starts_at=datetime.datetime(2026, 11, 24, 20, 0, tzinfo=NY),
        ends_at=datetime.datetime(2026, 11, 25, 12, 0, tzinfo=NY),
        message_en="Plowing after the storm.",
        message_es="Limpieza de nieve después de la tormenta.",
    )


def test_snow_ban_cancellation_is_texted_in_the_holders_language(
    rules, street, frozen, settings, django_capture_on_commit_callbacks
):
    with twilio_configured(settings) as twilio:
        hold_nights("HIT1", [D(2026, 11, 24)], mobile="(860) 555-0101", language="es")
        with django_capture_on_commit_callbacks(execute=True):
            _declare()
        text = Notification.objects.get(channel="sms")
    assert text.status == Notification.Status.SENT and text.provider_id
    [message] = twilio.messages.values()
    assert message["to"] == "+18605550101"
    assert message["body"].startswith("Emergencia por nieve")
    assert "24 de noviembre" in message["body"]  # the night in Spanish too
    assert message["body"] == text.body


def test_snow_ban_text_to_a_number_that_replied_stop_is_refused(
    rules, street, frozen, settings, django_capture_on_commit_callbacks
):
    SmsOptOut.objects.create(number="+18605550101", keyword="STOP", changed_at=timezone.now())
    with twilio_configured(settings) as twilio:
        permit = hold_nights("HIT1", [D(2026, 11, 24)], mobile="(860) 555-0101")
        with django_capture_on_commit_callbacks(execute=True):
            _declare()
    text = Notification.objects.get(channel="sms")
    assert text.status == Notification.Status.FAILED
    assert text.provider_status == "opted-out"
    assert twilio.messages == {}
    # the e-mail still goes
    assert Notification.objects.get(channel="email", recipient=permit.email).status == "sent"
