"""Stripe delivers the same event twice at once, or two events about one session at once: the
fee is marked paid once (PostgreSQL, real transactions, parallel requests)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from records.models import Fee, Payment, Status
from records.services import tracking_token
from tests.records.factories import RecordRequestFactory
from tests.support import stripe as fake

pytestmark = pytest.mark.django_db(transaction=True)
WEBHOOK = "/api/v1/records/payments/stripe/webhook/"


def _parallel(payloads) -> list[int]:
    barrier = threading.Barrier(len(payloads))
    codes = []

    def deliver(payload):
        body, header = fake.signed(payload)
        barrier.wait()
        try:
            response = Client().post(
                WEBHOOK, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
            )
            codes.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(p,)) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


@pytest.mark.parametrize("second_kind", ["same event", "async_payment_succeeded"])
def test_concurrent_deliveries_pay_once(on_postgresql, settings, second_kind):
    with fake.StripeStandIn() as stripe:
        settings.STRIPE_SECRET_KEY = fake.SECRET_KEY
        settings.STRIPE_WEBHOOK_SECRET = fake.WEBHOOK_SECRET
        settings.STRIPE_API_BASE = stripe.url
        record_request = RecordRequestFactory(status=Status.READY)
        Fee.objects.create(
            request=record_request, description="Copies", quantity=2, unit_price=1, amount=2
        )
        Client().post(f"/records/track/{tracking_token(record_request=record_request)}/pay/")
        [session] = stripe.sessions.values()
    event = fake.event("checkout.session.completed", fake.completed(session))
    other = (
        event
        if second_kind == "same event"
        else fake.event("checkout.session.async_payment_succeeded", fake.completed(session))
    )
    assert _parallel([event, other, event]) == [200, 200, 200]
    record_request.refresh_from_db()
    assert record_request.fees_paid_at is not None
    assert record_request.timeline.filter(action="paid").count() == 1
    assert Payment.objects.get().amount_received == 2
