"""A refund Stripe made and later reports failed (the card's bank sent it back): `refund.failed`,
and `refund.updated` / `charge.refund.updated` with the status `failed`, against the local
stand-in of Stripe. The refund is recorded as failed with Stripe's reason, the payment's
refunded total is set again from Stripe's own figures, and the requester, who was told of the
refund, is told it did not go through: once, however many of these events arrive."""

from decimal import Decimal

import pytest

from portal.models import AuditEntry, Notification
from records.models import Payment, PaymentRefund
from records.selectors import online_paid
from records.services.refunds import payment_refund
from tests.records.refunds_support import REASON, deliver, paid, refund_messages
from tests.support import stripe as fake
from tests.support.errors import raises_domain

pytestmark = pytest.mark.django_db
FAILED = "records-refund-failed-"


def _issued(client, stripe, clerk, *, amount=None, language="en"):
    payment = paid(client, stripe, language=language)
    refund = payment_refund(actor=clerk, payment=payment, amount=amount, reason=REASON)
    assert refund.state == PaymentRefund.State.ISSUED
    deliver(client, stripe.refunded_event("pi_test_1"))
    return payment, refund


@pytest.mark.parametrize("kind", ["refund.failed", "refund.updated", "charge.refund.updated"])
def test_failed_refund_is_recorded_with_stripes_reason_and_the_total_goes_back(
    client, stripe, clerk, kind
):
    payment, refund = _issued(client, stripe, clerk)
    stripe.fail_refund(refund.provider_refund_id, reason="expired_or_canceled_card")
    deliver(client, stripe.refund_event(kind, refund.provider_refund_id))
    refund.refresh_from_db()
    assert refund.state == PaymentRefund.State.FAILED
    assert "expired_or_canceled_card" in refund.error
    payment.refresh_from_db()
    assert (payment.state, payment.amount_refunded) == (Payment.State.PAID, Decimal("0.00"))
    assert online_paid(record_request=payment.request) == Decimal("2.00")
    [entry] = payment.request.timeline.filter(action="refund_failed")
    assert entry.public and entry.note == "$2.00"
    [audit] = AuditEntry.objects.filter(action="records.payment.refund_reversed")
    assert audit.detail["failure_reason"] == "expired_or_canceled_card"
    assert audit.detail["refund"] == str(refund.key)
    assert audit.detail["refunded"] == "0.00"


def test_every_report_of_one_failure_counts_once(client, stripe, clerk):
    """Stripe sends refund.updated and refund.failed for one failure, and may send each again."""
    payment, refund = _issued(client, stripe, clerk)
    stripe.fail_refund(refund.provider_refund_id)
    failed = stripe.refund_event("refund.failed", refund.provider_refund_id)
    updated = stripe.refund_event("refund.updated", refund.provider_refund_id)
    for event in (updated, failed, failed, updated):
        deliver(client, event)
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("0.00")
    assert payment.request.timeline.filter(action="refund_failed").count() == 1
    assert AuditEntry.objects.filter(action="records.payment.refund_reversed").count() == 1
    assert len(refund_messages(payment, FAILED)) == 1


def test_total_is_set_from_stripes_refunds_not_subtracted(client, stripe, clerk):
    """Two refunds, the first fails: what Stripe still counts as refunded is the second."""
    payment, first = _issued(client, stripe, clerk, amount=Decimal("0.50"))
    second = payment_refund(actor=clerk, payment=payment, amount=Decimal("1.00"), reason=REASON)
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("1.50")
    stripe.fail_refund(first.provider_refund_id)
    deliver(client, stripe.refund_event("refund.failed", first.provider_refund_id))
    payment.refresh_from_db()
    assert (payment.state, payment.amount_refunded) == (
        Payment.State.PARTLY_REFUNDED,
        Decimal("1.00"),
    )
    second.refresh_from_db()
    assert second.state == PaymentRefund.State.ISSUED
    # Stripe's figures, read from its list of the payment's refunds.
    assert any(r["path"].startswith("/v1/refunds?") for r in stripe.requests)


def test_requester_who_was_told_of_the_refund_is_told_it_failed_in_their_language(
    client, stripe, clerk
):
    payment, refund = _issued(client, stripe, clerk, language="es")
    stripe.fail_refund(refund.provider_refund_id)
    deliver(client, stripe.refund_event("refund.failed", refund.provider_refund_id))
    [message] = refund_messages(payment, FAILED)
    assert message.language == "es"
    assert "no se completó" in message.subject and "$2.00" in message.body
    assert REASON not in message.body and "expired_or_canceled_card" not in message.body


def test_failure_of_a_refund_still_waiting_for_an_answer_tells_the_requester_nothing(
    client, stripe, clerk
):
    """Stripe made the refund, its answer was lost, then the bank sent it back: the refund is
    failed (no retry asks for it again), and the requester, never told of it, is not told."""
    payment = paid(client, stripe)
    stripe.lose_next_answers(2)
    with raises_domain("refund_unavailable"):
        payment_refund(actor=clerk, payment=payment, reason=REASON)
    deliver(client, stripe.refunded_event("pi_test_1"))
    [made] = stripe.refunds_made()
    stripe.fail_refund(made["id"])
    deliver(client, stripe.refund_event("refund.failed", made["id"]))
    refund = PaymentRefund.objects.get()
    assert (refund.state, refund.provider_refund_id) == (PaymentRefund.State.FAILED, made["id"])
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("0.00")
    assert refund_messages(payment) == []
    assert payment.request.timeline.filter(action="refund_failed").count() == 1


def test_failed_dashboard_refund_is_recorded_once(client, stripe, clerk):
    """A refund made in Stripe's dashboard (no row of ours) fails: the total goes back, the
    timeline and the audit log say so once; no e-mail, as none was sent for the refund."""
    payment = paid(client, stripe)
    made = stripe.dashboard_refund("pi_test_1", 50)
    deliver(client, stripe.refunded_event("pi_test_1"))
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("0.50")
    stripe.fail_refund(made["id"], reason="lost_or_stolen_card")
    for kind in ("refund.updated", "refund.failed"):
        deliver(client, stripe.refund_event(kind, made["id"]))
    payment.refresh_from_db()
    assert (payment.state, payment.amount_refunded) == (Payment.State.PAID, Decimal("0.00"))
    assert payment.request.timeline.filter(action="refund_failed").count() == 1
    [audit] = AuditEntry.objects.filter(action="records.payment.refund_reversed")
    assert audit.detail["provider_refund"] == made["id"]
    assert audit.detail["failure_reason"] == "lost_or_stolen_card"
    assert refund_messages(payment, FAILED) == []


def test_late_charge_refunded_from_before_the_failure_does_not_count_it_again(
    client, stripe, clerk
):
    payment = paid(client, stripe)
    refund = payment_refund(actor=clerk, payment=payment, reason=REASON)
    before_failure = stripe.refunded_event("pi_test_1")  # sent then, delivered late
    before_failure["created"] -= 60
    stripe.fail_refund(refund.provider_refund_id)
    deliver(client, stripe.refund_event("refund.failed", refund.provider_refund_id))
    deliver(client, before_failure)
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("0.00")


def test_refund_updated_that_is_not_a_failure_changes_nothing(client, stripe, clerk):
    payment, refund = _issued(client, stripe, clerk)
    event = fake.event("refund.updated", dict(stripe.refunds[refund.provider_refund_id]))
    event["data"]["previous_attributes"] = {"metadata": {}}
    deliver(client, event)
    refund.refresh_from_db()
    assert refund.state == PaymentRefund.State.ISSUED
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("2.00")


def test_stripe_unreachable_when_a_failure_arrives_is_answered_503_and_applied_on_retry(
    client, stripe, clerk, settings
):
    """Stripe's figures cannot be read: nothing is applied, and Stripe delivers it again."""
    payment, refund = _issued(client, stripe, clerk)
    stripe.fail_refund(refund.provider_refund_id)
    event = stripe.refund_event("refund.failed", refund.provider_refund_id)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    deliver(client, event, status=503)
    refund.refresh_from_db()
    assert refund.state == PaymentRefund.State.ISSUED
    settings.STRIPE_API_BASE = stripe.url
    deliver(client, event)
    refund.refresh_from_db()
    assert refund.state == PaymentRefund.State.FAILED
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("0.00")


def test_clerks_see_the_failure_and_its_reason_on_the_request_page(client, stripe, clerk):
    payment, refund = _issued(client, stripe, clerk)
    stripe.fail_refund(refund.provider_refund_id, reason="lost_or_stolen_card")
    deliver(client, stripe.refund_event("refund.failed", refund.provider_refund_id))
    client.force_login(clerk)
    page = client.get(f"/admin/records/recordrequest/{payment.request.pk}/change/")
    text = page.content.decode()
    assert "lost_or_stolen_card" in text
    assert "the card&#x27;s bank sent it back" in text or "the card's bank sent it back" in text
    queue = client.get("/admin/records/recordrequest/?refund=attention")
    assert payment.request.tracking_number in queue.content.decode()


def test_failure_that_pays_the_invoice_again_sends_no_second_payment_received(
    client, stripe, clerk
):
    """The refund reopened the invoice; its failure pays it again. The requester already got
    "We received your payment" once: the failure's own e-mail says the documents are back,
    and no second "payment received" arrives."""
    payment, refund = _issued(client, stripe, clerk)
    record_request = payment.request
    record_request.refresh_from_db()
    assert record_request.fees_paid_at is None  # the refund reopened it
    received = {"recipient": record_request.requester_email, "subject__startswith": "Your doc"}
    assert Notification.objects.filter(**received).count() == 1
    stripe.fail_refund(refund.provider_refund_id)
    deliver(client, stripe.refund_event("refund.failed", refund.provider_refund_id))
    record_request.refresh_from_db()
    assert record_request.fees_paid_at is not None
    assert Notification.objects.filter(**received).count() == 1
    [message] = refund_messages(payment, FAILED)
    assert "documents are on your tracking page" in message.body
