"""Issue 13, finding 8: public forms and links that mail scanners and strangers can use.

Subscribing again queues no second e-mail (and the page says the same either way); a
sign-up holds a place that only the e-mail's link confirms; sign-ups and subscriptions are
throttled per address; confirming and unsubscribing are a button (a GET changes nothing),
and a mail client's RFC 8058 one-click POST still unsubscribes."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.errors import DomainError
from portal.models import AuditEntry, Notification
from programs.models import Event, Registration, Subscription
from programs.services import neighborhoods, registrations
from tests.factories import NeighborhoodFactory
from tests.programs.factories import EventFactory

pytestmark = pytest.mark.django_db
R = Registration.Status


def _link(body: str, name: str) -> str:
    return re.search(rf"(/[^\s]*{name}/)", body).group(1)


def _subscribe(client, neighborhood, email="ana@example.org"):
    return client.post(reverse("programs:subscribe", args=[neighborhood.slug]), {"email": email})


# --- Subscriptions ------------------------------------------------------------------------------


def test_subscribing_again_the_same_day_queues_no_second_e_mail(client):
    neighborhood = NeighborhoodFactory()
    first = _subscribe(client, neighborhood)
    second = _subscribe(client, neighborhood, "Ana@Example.org")
    assert first.status_code == second.status_code == 200
    assert Notification.objects.filter(recipient="ana@example.org").count() == 1
    with time_machine.travel(timezone.now() + timedelta(days=1, hours=1)):
        _subscribe(client, neighborhood)
    assert Notification.objects.filter(recipient="ana@example.org").count() == 2


def test_the_subscribe_page_says_the_same_for_a_new_a_pending_and_a_confirmed_address(client):
    neighborhood = NeighborhoodFactory()
    new = _subscribe(client, neighborhood, "new@example.org").content
    pending = _subscribe(client, neighborhood, "new@example.org").content
    Subscription.objects.create(
        neighborhood=neighborhood, email="known@example.org", confirmed_at=timezone.now()
    )
    confirmed = _subscribe(client, neighborhood, "known@example.org").content
    assert new == pending == confirmed


def test_subscription_e_mails_are_throttled_per_address_across_neighborhoods(client):
    for _ in range(neighborhoods.SUBSCRIBE_LIMIT + 2):
        assert _subscribe(client, NeighborhoodFactory()).status_code == 200
    sent = Notification.objects.filter(recipient="ana@example.org").count()
    assert sent == neighborhoods.SUBSCRIBE_LIMIT


def test_opening_the_confirm_link_changes_nothing_and_the_button_confirms(client):
    neighborhood = NeighborhoodFactory()
    _subscribe(client, neighborhood)
    confirm = _link(Notification.objects.get().body, "confirm")
    page = client.get(confirm)  # what a mail scanner does
    assert page.status_code == 200
    assert "Confirm my subscription" in page.content.decode()
    assert Subscription.objects.get().confirmed_at is None
    done = client.post(confirm)
    assert done.status_code == 200
    assert "You are subscribed" in done.content.decode()
    assert Subscription.objects.get().confirmed_at is not None
    assert AuditEntry.objects.filter(action="programs.subscription.confirmed").count() == 1


def test_the_confirm_button_needs_the_pages_csrf_token():
    subscription = neighborhoods.subscription_request(
        neighborhood=NeighborhoodFactory(), email="ana@example.org", language="en"
    )
    url = reverse(
        "programs:subscription-confirm",
        args=[neighborhoods.subscription_token(subscription, "confirm")],
    )
    assert Client(enforce_csrf_checks=True).post(url).status_code == 403
    assert Subscription.objects.get().confirmed_at is None


def _confirmed_subscription():
    subscription = Subscription.objects.create(
        neighborhood=NeighborhoodFactory(), email="ana@example.org", confirmed_at=timezone.now()
    )
    url = reverse(
        "programs:unsubscribe", args=[neighborhoods.subscription_token(subscription, "unsubscribe")]
    )
    return subscription, url


def test_opening_the_unsubscribe_link_changes_nothing_and_the_button_unsubscribes(client):
    _subscription, url = _confirmed_subscription()
    page = client.get(url)
    assert page.status_code == 200
    assert "Stop these e-mails" in page.content.decode()
    assert Subscription.objects.exists()
    client.post(url)
    assert not Subscription.objects.exists()
    assert AuditEntry.objects.filter(action="programs.subscription.cancelled").count() == 1


def test_rfc_8058_one_click_post_unsubscribes_without_a_csrf_token():
    _subscription, url = _confirmed_subscription()
    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()


def test_a_forged_confirm_link_shows_an_error_and_no_button(client):
    response = client.get(reverse("programs:subscription-confirm", args=["forged"]))
    assert response.status_code == 400
    assert "Confirm my subscription" not in response.content.decode()


# --- Event sign-ups -----------------------------------------------------------------------------


def _event(**kwargs):
    return EventFactory(registration=Event.Registration.SIMPLE, **kwargs)


def _post_sign_up(client, event, email="ana@example.org", name="Ana Lee"):
    return client.post(event.get_absolute_url(), {"name": name, "email": email})


def test_a_sign_up_holds_the_place_until_the_e_mails_button_confirms_it(client):
    event = _event(capacity=5)
    response = _post_sign_up(client, event)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Check your e-mail" in page
    registration = Registration.objects.get()
    token = registrations.registration_token(registration)
    assert token not in page  # only the e-mail's holder can confirm
    assert registration.status == R.HELD
    assert event.places_left == 4  # the place is held meanwhile
    mail = Notification.objects.get(recipient="ana@example.org")
    link = reverse("programs:registration", args=[token])
    assert link in mail.body
    assert client.get(link).status_code == 200  # a mail scanner opening it
    registration.refresh_from_db()
    assert registration.status == R.HELD
    client.post(link, {"action": "confirm"})
    registration.refresh_from_db()
    assert registration.status == R.CONFIRMED
    assert AuditEntry.objects.filter(action="programs.registration.held").count() == 1
    assert AuditEntry.objects.filter(action="programs.registration.confirmed").count() == 1


def test_signing_up_twice_answers_the_same_page_and_sends_nothing_more(client):
    event = _event()
    first = _post_sign_up(client, event).content
    second = _post_sign_up(client, event).content
    assert first == second
    _post_sign_up(client, event, email="ANA@example.org")  # the address, whatever its case
    assert Registration.objects.count() == 1
    assert Notification.objects.count() == 1


def test_sign_ups_are_throttled_per_address():
    limit = registrations.SIGN_UP_LIMIT
    for n in range(limit):
        registrations.registration_create(
            event_id=_event().pk, name=f"P {n}", email="busy@example.org"
        )
    with pytest.raises(DomainError) as error:
        registrations.registration_create(event_id=_event().pk, name="P", email="Busy@example.org")
    assert error.value.domain_code == "throttled"
    assert Notification.objects.filter(recipient="busy@example.org").count() == limit


def test_an_unconfirmed_hold_expires_and_the_place_passes_to_the_waiting_list():
    event = _event(capacity=1, starts_at=timezone.now() + timedelta(days=5))
    held = registrations.registration_create(event_id=event.pk, name="A", email="a@example.org")
    waiting = registrations.registration_create(event_id=event.pk, name="B", email="b@example.org")
    assert (held.status, waiting.status) == (R.HELD, R.WAITING)
    with time_machine.travel(timezone.now() + timedelta(hours=registrations.HOLD_HOURS, minutes=1)):
        registrations.offers_expire()
        with pytest.raises(DomainError) as error:
            registrations.registration_confirm(registration_id=held.pk)
        assert error.value.domain_code == "hold_expired"
    held.refresh_from_db()
    waiting.refresh_from_db()
    assert held.status == R.EXPIRED and waiting.status == R.OFFERED
    # No mail to an address nobody confirmed beyond the first.
    assert Notification.objects.filter(recipient="a@example.org").count() == 1
