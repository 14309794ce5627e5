"""Paying fees online through Stripe Checkout, against a local stand-in of Stripe's API, with
webhook events signed the way Stripe signs them."""

import hashlib
import hmac
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import AuditEntry, Notification
from records.models import Document, Fee, Payment, PaymentEvent, RecordRequest, Status
from records.services import Upload, download_token, tracking_token
from records.services.documents import store_document
from records.services.payments import amount_due_online, payment_checkout_start
from tests.factories import UserFactory
from tests.records.factories import RecordRequestFactory
from tests.support import stripe as fake
from tests.support.errors import raises_domain

pytestmark = pytest.mark.django_db
WEBHOOK = "/api/v1/records/payments/stripe/webhook/"


def _track(record_request) -> str:
    return f"/records/track/{tracking_token(record_request=record_request)}/"


def _fee(record_request, amount="2.00", **extra) -> Fee:
    return Fee.objects.create(
        request=record_request,
        description="Copies",
        quantity=4,
        unit_price=Decimal("0.50"),
        amount=Decimal(amount),
        **extra,
    )


def _ready_with_document():
    record_request = RecordRequestFactory(status=Status.READY)
    document = store_document(
        record_request=record_request,
        kind=Document.Kind.RELEASED,
        upload=Upload(name="report.pdf", content_type="application/pdf", data=b"%PDF-1.4 x"),
        approved_by=UserFactory(),
    )
    _fee(record_request)
    return record_request, document


def _deliver(client, payload, **signing):
    body, header = fake.signed(payload, **signing)
    return client.post(
        WEBHOOK, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


def _pay(client, stripe, record_request, **completion):
    """The requester presses Pay and Stripe reports the session complete."""
    response = client.post(_track(record_request) + "pay/")
    assert response.status_code == 302
    [session] = [s for s in stripe.sessions.values() if response["Location"] == s["url"]]
    event = fake.event("checkout.session.completed", fake.completed(session, **completion))
    assert _deliver(client, event).status_code == 200
    return session, event


# --- Paying from the tracking page ---------------------------------------------------------------


def test_tracking_page_offers_to_pay_what_is_due(client, stripe):
    record_request, _document = _ready_with_document()
    page = client.get(_track(record_request))
    assert "Pay $2.00 online" in page.content.decode()
    assert "https://checkout.stripe.com" in page["Content-Security-Policy"]


def test_no_online_payment_without_keys(client, settings):
    settings.STRIPE_SECRET_KEY = ""
    record_request, _document = _ready_with_document()
    assert "online" not in client.get(_track(record_request)).content.decode().split("Fees")[-1]
    response = client.post(_track(record_request) + "pay/")
    assert response.status_code == 409
    assert not Payment.objects.exists()


def test_pressing_pay_sends_the_requester_to_checkout_with_no_card_field(client, stripe):
    record_request, _document = _ready_with_document()
    response = client.post(_track(record_request) + "pay/")
    [session] = stripe.sessions.values()
    assert response.status_code == 302
    assert response["Location"] == session["url"]
    form = session["form"]
    assert form["line_items[0][price_data][unit_amount]"] == "200"
    assert form["line_items[0][price_data][currency]"] == "usd"
    assert form["success_url"].startswith("http") and "/records/track/" in form["success_url"]
    assert form["metadata[record_request]"] == str(record_request.public_id)
    assert not any("card" in key for key in form)
    payment = Payment.objects.get()
    assert (payment.session_id, payment.amount_expected) == (session["id"], Decimal("2.00"))
    assert record_request.fees_paid_at is None  # coming back is not paying


def test_spanish_requester_gets_a_spanish_checkout_page(client, stripe):
    record_request, _document = _ready_with_document()
    RecordRequest.objects.filter(pk=record_request.pk).update(language="es")
    client.post(_track(record_request) + "pay/")
    [session] = stripe.sessions.values()
    assert session["locale"] == "es"


def test_pressing_pay_twice_opens_one_session(client, stripe):
    record_request, _document = _ready_with_document()
    first = client.post(_track(record_request) + "pay/")
    second = client.post(_track(record_request) + "pay/")
    assert first["Location"] == second["Location"]
    assert len(stripe.sessions) == 1
    assert Payment.objects.count() == 1


def test_provider_down_is_said_plainly_and_nothing_is_kept(client, stripe):
    record_request, _document = _ready_with_document()
    stripe.fail_next(500, "api_error", "Something went wrong")
    stripe.fail_next(500, "api_error", "Something went wrong")  # and the library's one retry
    response = client.post(_track(record_request) + "pay/")
    assert response.status_code == 409
    assert "not available just now" in response.content.decode()
    assert not Payment.objects.exists()


def test_nothing_due_opens_no_session_at_either_door(client, stripe):
    record_request = RecordRequestFactory(status=Status.READY)
    with raises_domain("nothing_due"):
        payment_checkout_start(record_request=record_request)
    assert client.post(_track(record_request) + "pay/").status_code == 409
    assert stripe.requests == []


# --- The webhook ----------------------------------------------------------------------------


def test_payment_marks_the_fee_paid_and_unlocks_the_documents(client, stripe):
    record_request, document = _ready_with_document()
    link = f"/records/download/{download_token(document=document)}/"
    assert client.get(link).status_code == 404
    _pay(client, stripe, record_request)
    record_request.refresh_from_db()
    assert record_request.fees_paid_at is not None
    assert (record_request.payment_method, record_request.payment_reference) == (
        "online",
        "pi_test_1",
    )
    assert client.get(link).status_code == 200
    assert "report.pdf" in client.get(_track(record_request)).content.decode()
    [notice] = Notification.objects.filter(body__contains="We received your payment")
    assert notice.recipient == record_request.requester_email
    payment = Payment.objects.get()
    assert (payment.state, payment.amount_received) == (Payment.State.PAID, Decimal("2.00"))


def test_replayed_event_is_applied_once(client, stripe):
    record_request, _document = _ready_with_document()
    _session, event = _pay(client, stripe, record_request)
    assert _deliver(client, event).status_code == 200
    assert _deliver(client, event).status_code == 200
    assert record_request.timeline.filter(action="paid").count() == 1
    assert AuditEntry.objects.filter(action="records.payment.recorded").count() == 1
    assert Notification.objects.filter(body__contains="We received your payment").count() == 1
    assert PaymentEvent.objects.count() == 1


def test_second_event_for_the_same_session_does_not_pay_twice(client, stripe):
    record_request, _document = _ready_with_document()
    session, _event = _pay(client, stripe, record_request)
    again = fake.event("checkout.session.async_payment_succeeded", fake.completed(session))
    assert _deliver(client, again).status_code == 200
    assert record_request.timeline.filter(action="paid").count() == 1
    assert Payment.objects.get().amount_received == Decimal("2.00")


@pytest.mark.parametrize(
    "signing",
    [
        {"secret": "whsec_someone_else"},
        {"at": int(time.time()) - 600},  # captured ten minutes ago and sent again
    ],
)
def test_event_with_a_bad_signature_is_refused(client, stripe, signing):
    record_request, _document = _ready_with_document()
    client.post(_track(record_request) + "pay/")
    [session] = stripe.sessions.values()
    event = fake.event("checkout.session.completed", fake.completed(session))
    assert _deliver(client, event, **signing).status_code == 400
    record_request.refresh_from_db()
    assert record_request.fees_paid_at is None
    assert not PaymentEvent.objects.exists()


def test_event_altered_after_signing_is_refused(client, stripe):
    record_request, _document = _ready_with_document()
    client.post(_track(record_request) + "pay/")
    [session] = stripe.sessions.values()
    body, header = fake.signed(fake.event("checkout.session.expired", session))
    forged = body.replace("checkout.session.expired", "checkout.session.completed")
    response = client.post(
        WEBHOOK, data=forged, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert response.status_code == 400
    no_header = client.post(WEBHOOK, data=body, content_type="application/json")
    assert no_header.status_code == 400
    assert not PaymentEvent.objects.exists()


def test_session_that_is_not_ours_is_ignored(client, stripe):
    session = {"id": "cs_test_elsewhere", "amount_total": 500, "currency": "usd"}
    response = _deliver(client, fake.event("checkout.session.completed", fake.completed(session)))
    assert response.status_code == 200
    assert not Payment.objects.exists()


# --- Out of order, refunds, partial payments, amounts ---------------------------------------------


def test_expired_after_paid_does_not_undo_the_payment(client, stripe):
    record_request, _document = _ready_with_document()
    session, _event = _pay(client, stripe, record_request)
    _deliver(client, fake.event("checkout.session.expired", {**session, "status": "expired"}))
    assert Payment.objects.get().state == Payment.State.PAID
    record_request.refresh_from_db()
    assert record_request.fees_paid_at is not None


def test_refund_that_arrives_before_the_payment_is_applied_when_it_comes(client, stripe):
    record_request, document = _ready_with_document()
    client.post(_track(record_request) + "pay/")
    [session] = stripe.sessions.values()
    refund = fake.refunded(intent="pi_test_early", amount=200, refunded_amount=200)
    _deliver(client, fake.event("charge.refunded", refund))
    completion = fake.completed(session, intent="pi_test_early")
    _deliver(client, fake.event("checkout.session.completed", completion))
    payment = Payment.objects.get()
    assert (payment.state, payment.amount_refunded) == (Payment.State.REFUNDED, Decimal("2.00"))
    record_request.refresh_from_db()
    assert record_request.fees_paid_at is None  # refunded in full: nothing paid
    assert client.get(f"/records/download/{download_token(document=document)}/").status_code == 404


def test_refund_after_payment_reopens_the_invoice_and_locks_the_documents(client, stripe):
    record_request, document = _ready_with_document()
    _pay(client, stripe, record_request)
    refund = fake.refunded(intent="pi_test_1", amount=200, refunded_amount=50)
    _deliver(client, fake.event("charge.refunded", refund))
    payment = Payment.objects.get()
    assert (payment.state, payment.amount_refunded) == (
        Payment.State.PARTLY_REFUNDED,
        Decimal("0.50"),
    )
    record_request.refresh_from_db()
    assert record_request.fees_paid_at is None
    assert amount_due_online(record_request=record_request) == Decimal("0.50")
    assert client.get(f"/records/download/{download_token(document=document)}/").status_code == 404
    assert AuditEntry.objects.filter(action="records.payment.refunded").count() == 1


def test_late_smaller_refund_total_does_not_shrink_the_refund(client, stripe):
    record_request, _document = _ready_with_document()
    _pay(client, stripe, record_request)
    for refunded in (200, 50):  # the second report was sent first and delivered last
        charge = fake.refunded(intent="pi_test_1", amount=200, refunded_amount=refunded)
        _deliver(client, fake.event("charge.refunded", charge))
    assert Payment.objects.get().amount_refunded == Decimal("2.00")


def test_fee_added_after_checkout_leaves_a_partial_payment(client, stripe):
    record_request, _document = _ready_with_document()
    client.post(_track(record_request) + "pay/")
    [session] = stripe.sessions.values()
    _fee(record_request, amount="16.00")  # the clerk adds a fee while the requester pays
    _deliver(client, fake.event("checkout.session.completed", fake.completed(session)))
    record_request.refresh_from_db()
    assert record_request.fees_paid_at is None
    assert record_request.timeline.filter(action="partial_payment").exists()
    assert amount_due_online(record_request=record_request) == Decimal("16.00")
    response = client.post(_track(record_request) + "pay/")
    second = stripe.sessions[response["Location"].rsplit("/", 1)[-1]]
    assert second["amount_total"] == 1600
    _deliver(
        client,
        fake.event("checkout.session.completed", fake.completed(second, intent="pi_test_2")),
    )
    record_request.refresh_from_db()
    assert record_request.fees_paid_at is not None
    assert record_request.timeline.filter(action="paid").count() == 1


def test_amount_other_than_asked_is_flagged_and_counted_for_what_it_is(client, stripe):
    record_request, _document = _ready_with_document()
    _pay(client, stripe, record_request, amount=150)
    payment = Payment.objects.get()
    assert payment.mismatch
    assert payment.amount_received == Decimal("1.50")
    record_request.refresh_from_db()
    assert record_request.fees_paid_at is None
    assert AuditEntry.objects.filter(action="records.payment.mismatched").count() == 1


def test_other_currency_is_flagged_and_not_counted(client, stripe):
    record_request, _document = _ready_with_document()
    _pay(client, stripe, record_request, currency="eur")
    payment = Payment.objects.get()
    assert payment.mismatch and payment.amount_received == Decimal("0.00")
    record_request.refresh_from_db()
    assert record_request.fees_paid_at is None


def test_unpaid_completion_waits_for_the_money(client, stripe):
    record_request, _document = _ready_with_document()
    _pay(client, stripe, record_request, status="unpaid")  # a bank debit still on its way
    record_request.refresh_from_db()
    assert record_request.fees_paid_at is None
    assert Payment.objects.get().state == Payment.State.OPEN


# --- The clerk's view --------------------------------------------------------------------------


def test_clerk_sees_the_payment_state_in_the_queue(client, stripe, clerk):
    client.force_login(clerk)
    paid, _document = _ready_with_document()
    _pay(client, stripe, paid)
    partly, _document = _ready_with_document()
    client.post(_track(partly) + "pay/")
    session = stripe.sessions[client.post(_track(partly) + "pay/")["Location"].rsplit("/", 1)[-1]]
    _deliver(
        client,
        fake.event(
            "checkout.session.completed", fake.completed(session, amount=100, intent="pi_x")
        ),
    )
    _ready_with_document()  # nothing paid yet
    page = client.get("/admin/records/recordrequest/").content.decode()
    assert "paid online" in page
    assert "partly paid: $1.00 of $2.00" in page
    assert "check the amount" in page
    assert "$2.00 due" in page
    detail = client.get(f"/admin/records/recordrequest/{paid.pk}/change/").content.decode()
    assert "pi_test_1" in detail


def test_queue_payment_column_costs_no_query_per_row(client, stripe, clerk):
    client.force_login(clerk)
    for _ in range(2):
        _pay(client, stripe, _ready_with_document()[0])
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/records/recordrequest/")
    for _ in range(6):
        _pay(client, stripe, _ready_with_document()[0])
    with CaptureQueriesContext(connection) as many:
        client.get("/admin/records/recordrequest/")
    assert len(many) == len(few)


def test_event_payload_stays_json(client, stripe):
    """A body that is not JSON (even with a valid signature over it) is refused."""
    body = "not json"
    stamp = int(time.time())
    mac = hmac.new(
        fake.WEBHOOK_SECRET.encode(), f"{stamp}.{body}".encode(), hashlib.sha256
    ).hexdigest()
    response = client.post(
        WEBHOOK,
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=f"t={stamp},v1={mac}",
    )
    assert response.status_code == 400
    assert not PaymentEvent.objects.exists()
