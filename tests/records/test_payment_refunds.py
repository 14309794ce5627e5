"""A clerk refunds an online payment from admin (records/services/refunds.py payment_refund),
against the local stand-in of Stripe's Refunds API: Stripe refunds once whatever is retried,
an error leaves nothing recorded as refunded, and the webhook that follows counts nothing twice."""

import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from portal import roles
from portal.models import AuditEntry
from records.models import Fee, Payment, PaymentRefund, Status
from records.selectors import online_paid
from records.services import tracking_token
from records.services.refunds import payment_refund, refundable_amount
from tests.factories import UserFactory
from tests.records.factories import RecordRequestFactory
from tests.records.refunds_support import (
    REASON,
    deliver,
    paid,
    refund_calls,
    refund_messages,
)
from tests.support.errors import raises_domain

pytestmark = pytest.mark.django_db


# --- The service -----------------------------------------------------------------------------


def test_refund_is_made_at_stripe_and_recorded_with_the_clerk_and_reason(client, stripe, clerk):
    payment = paid(client, stripe)
    refund = payment_refund(actor=clerk, payment=payment, reason=REASON)
    [call] = refund_calls(stripe)
    form = dict(p.split("=", 1) for p in call["body"].decode().split("&"))
    assert form["payment_intent"] == "pi_test_1"
    assert form["amount"] == "200"
    assert call["headers"]["Idempotency-Key"] == f"records-refund-{refund.key}"
    assert (refund.state, refund.amount) == (PaymentRefund.State.ISSUED, Decimal("2.00"))
    assert refund.provider_refund_id.startswith("re_test_")
    payment.refresh_from_db()
    assert (payment.state, payment.amount_refunded) == (Payment.State.REFUNDED, Decimal("2.00"))
    [entry] = payment.request.timeline.filter(action="refund")
    assert entry.actor == clerk and "$2.00" in entry.note and REASON not in entry.note
    [audit] = AuditEntry.objects.filter(action="records.payment.refund_issued")
    assert audit.actor == clerk
    assert audit.detail["amount"] == "2.00" and audit.detail["reason"] == REASON
    assert stripe.charges["pi_test_1"]["amount_refunded"] == 200


def test_amount_defaults_to_what_is_left_refundable(client, stripe, clerk):
    payment = paid(client, stripe)
    payment_refund(actor=clerk, payment=payment, amount=Decimal("0.50"), reason=REASON)
    payment.refresh_from_db()
    assert refundable_amount(payment=payment) == Decimal("1.50")
    rest = payment_refund(actor=clerk, payment=payment, reason=REASON)
    assert rest.amount == Decimal("1.50")
    payment.refresh_from_db()
    assert (payment.state, payment.amount_refunded) == (Payment.State.REFUNDED, Decimal("2.00"))


def test_the_same_submission_sent_twice_refunds_once(client, stripe, clerk):
    payment = paid(client, stripe)
    key = uuid.uuid4()
    first = payment_refund(actor=clerk, payment=payment, reason=REASON, key=key)
    second = payment_refund(actor=clerk, payment=payment, reason=REASON, key=key)
    assert first.pk == second.pk
    assert len(stripe.refunds_made()) == 1
    assert PaymentRefund.objects.count() == 1
    assert AuditEntry.objects.filter(action="records.payment.refund_issued").count() == 1
    assert len(refund_messages(payment)) == 1


def test_answer_lost_after_stripe_refunded_then_retry_reuses_the_key(client, stripe, clerk):
    payment = paid(client, stripe)
    stripe.lose_next_answers(2)  # the call and the library's own retry
    with raises_domain("refund_unavailable"):
        payment_refund(actor=clerk, payment=payment, reason=REASON)
    pending = PaymentRefund.objects.get()
    assert pending.state == PaymentRefund.State.PENDING
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("0.00")  # nothing recorded as refunded
    assert not payment.request.timeline.filter(action="refund").exists()
    assert not refund_messages(payment)
    retried = payment_refund(actor=clerk, payment=payment, reason=REASON)
    assert retried.pk == pending.pk and retried.state == PaymentRefund.State.ISSUED
    assert len(stripe.refunds_made()) == 1  # Stripe answered the same key with the same refund
    assert {c["headers"]["Idempotency-Key"] for c in refund_calls(stripe)} == {
        pending.idempotency_key
    }
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("2.00")


@pytest.mark.parametrize("outage", ["503", "unreachable"])
def test_stripe_down_records_nothing_and_a_retry_works(client, stripe, clerk, settings, outage):
    payment = paid(client, stripe)
    if outage == "503":
        for _ in range(2):  # the call and the library's own retry
            stripe.fail_next(503, "api_error", "Service unavailable")
    else:
        settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    with raises_domain("refund_unavailable") as caught:
        payment_refund(actor=clerk, payment=payment, reason=REASON)
    assert "try again" in str(caught.value.messages[0]).lower()
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("0.00")
    assert PaymentRefund.objects.get().state == PaymentRefund.State.PENDING
    assert not AuditEntry.objects.filter(action="records.payment.refund_issued").exists()
    assert stripe.refunds_made() == []
    settings.STRIPE_API_BASE = stripe.url
    refund = payment_refund(actor=clerk, payment=payment, reason=REASON)
    assert refund.state == PaymentRefund.State.ISSUED
    assert len(stripe.refunds_made()) == 1
    assert PaymentRefund.objects.count() == 1


def test_stripe_refusal_is_shown_recorded_as_failed_and_a_new_try_gets_a_new_key(
    client, stripe, clerk
):
    payment = paid(client, stripe)
    stripe.charges["pi_test_1"]["amount_refunded"] = 150  # refunded in the dashboard, unheard of
    with raises_domain("refund_refused") as caught:
        payment_refund(actor=clerk, payment=payment, reason=REASON)
    assert "greater than unrefunded amount" in caught.value.messages[0]
    failed = PaymentRefund.objects.get()
    assert failed.state == PaymentRefund.State.FAILED and "amount_too_large" in failed.error
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("0.00")
    assert AuditEntry.objects.filter(action="records.payment.refund_failed").count() == 1
    again = payment_refund(actor=clerk, payment=payment, amount=Decimal("0.50"), reason=REASON)
    assert again.state == PaymentRefund.State.ISSUED and again.key != failed.key
    payment.refresh_from_db()
    # Stripe's running total includes the dashboard's refund.
    assert payment.amount_refunded == Decimal("2.00")


@pytest.mark.parametrize("amount", ["2.01", "0.00", "-1.00"])
def test_amount_outside_what_is_refundable_is_refused_in_the_service(client, stripe, clerk, amount):
    payment = paid(client, stripe)
    with raises_domain("refund_amount"):
        payment_refund(actor=clerk, payment=payment, amount=Decimal(amount), reason=REASON)
    assert refund_calls(stripe) == [] and not PaymentRefund.objects.exists()


def test_amount_above_what_is_left_after_a_refund_is_refused(client, stripe, clerk):
    payment = paid(client, stripe)
    payment_refund(actor=clerk, payment=payment, amount=Decimal("1.50"), reason=REASON)
    with raises_domain("refund_amount"):
        payment_refund(actor=clerk, payment=payment, amount=Decimal("1.00"), reason=REASON)
    assert len(stripe.refunds_made()) == 1


def test_empty_reason_is_refused(client, stripe, clerk):
    payment = paid(client, stripe)
    with raises_domain("refund_reason"):
        payment_refund(actor=clerk, payment=payment, reason="   ")
    assert refund_calls(stripe) == []


def test_payment_not_succeeded_is_refused(client, stripe, clerk):
    record_request = RecordRequestFactory(status=Status.READY)
    Fee.objects.create(
        request=record_request, description="Copies", quantity=1, unit_price=2, amount=2
    )
    client.post(f"/records/track/{tracking_token(record_request=record_request)}/pay/")
    payment = Payment.objects.get()  # opened, never paid
    with raises_domain("refund_not_paid"):
        payment_refund(actor=clerk, payment=payment, reason=REASON)
    assert refund_calls(stripe) == []


def test_staff_without_the_refund_permission_is_refused_in_the_service(client, stripe):
    payment = paid(client, stripe)
    reader = UserFactory(roles=[roles.SITE_ADMINISTRATORS])
    changer = UserFactory()
    changer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_recordrequest", "change_recordrequest"])
    )
    for actor in (reader, changer, None):
        with raises_domain("forbidden"):
            payment_refund(actor=actor, payment=payment, reason=REASON)
    assert refund_calls(stripe) == []


def test_records_clerks_hold_the_refund_permission(clerk):
    assert clerk.has_perm("records.refund_payment")
    assert "records.refund_payment" in roles.declared_permissions(roles.RECORDS_CLERKS)


def test_another_amount_while_one_is_pending_is_refused(client, stripe, clerk):
    payment = paid(client, stripe)
    stripe.lose_next_answers(2)
    with raises_domain("refund_unavailable"):
        payment_refund(actor=clerk, payment=payment, reason=REASON)
    with raises_domain("refund_pending"):
        payment_refund(actor=clerk, payment=payment, amount=Decimal("1.00"), reason=REASON)
    assert len(stripe.refunds_made()) == 1


# --- The webhook that follows ------------------------------------------------------------------


def test_charge_refunded_afterwards_counts_nothing_twice(client, stripe, clerk):
    payment = paid(client, stripe)
    payment_refund(actor=clerk, payment=payment, amount=Decimal("0.50"), reason=REASON)
    deliver(client, stripe.refunded_event("pi_test_1"))
    deliver(client, stripe.refunded_event("pi_test_1"))  # and a second delivery of its kind
    payment.refresh_from_db()
    assert (payment.state, payment.amount_refunded) == (
        Payment.State.PARTLY_REFUNDED,
        Decimal("0.50"),
    )
    assert online_paid(record_request=payment.request) == Decimal("1.50")
    assert payment.request.timeline.filter(action="refund").count() == 1
    assert not AuditEntry.objects.filter(action="records.payment.refunded").exists()


def test_webhook_before_stripe_answer_reaches_us_counts_once(client, stripe, clerk):
    """Stripe refunded, its answer was lost, the webhook came, then the clerk tried again."""
    payment = paid(client, stripe)
    stripe.lose_next_answers(2)
    with raises_domain("refund_unavailable"):
        payment_refund(actor=clerk, payment=payment, reason=REASON)
    deliver(client, stripe.refunded_event("pi_test_1"))
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("2.00")
    refund = payment_refund(actor=clerk, payment=payment, reason=REASON)
    assert refund.state == PaymentRefund.State.ISSUED
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("2.00")
    assert len(stripe.refunds_made()) == 1
    assert len(refund_messages(payment)) == 1


def test_lost_answer_then_webhook_then_retry_writes_one_timeline_entry(client, stripe, clerk):
    """The webhook counts the refund before Stripe's answer reaches us; the retry that gets the
    answer records the same refund: one "Payment refunded" on the timeline, with the clerk."""
    payment = paid(client, stripe)
    stripe.lose_next_answers(2)
    with raises_domain("refund_unavailable"):
        payment_refund(actor=clerk, payment=payment, reason=REASON)
    deliver(client, stripe.refunded_event("pi_test_1"))
    payment_refund(actor=clerk, payment=payment, reason=REASON)
    deliver(client, stripe.refunded_event("pi_test_1"))  # a later delivery of its kind
    [entry] = payment.request.timeline.filter(action="refund")
    assert entry.actor == clerk and entry.note == "$2.00"
    assert entry.key == f"refund-{PaymentRefund.objects.get().key}"


def test_dashboard_refund_beside_a_pending_one_keeps_its_own_timeline_entry(client, stripe, clerk):
    """A refund made in Stripe's dashboard while ours waits for an answer is not taken for ours:
    its amount is not our refund's, so it keeps a timeline entry of its own."""
    payment = paid(client, stripe)
    stripe.fail_next(503, "api_error", "Service unavailable")
    stripe.fail_next(503, "api_error", "Service unavailable")
    with raises_domain("refund_unavailable"):
        payment_refund(actor=clerk, payment=payment, amount=Decimal("1.50"), reason=REASON)
    stripe.charges["pi_test_1"]["amount_refunded"] = 50  # $0.50 refunded in the dashboard
    deliver(client, stripe.refunded_event("pi_test_1"))
    refund = payment_refund(actor=clerk, payment=payment, reason=REASON)
    assert refund.state == PaymentRefund.State.ISSUED
    entries = list(payment.request.timeline.filter(action="refund").order_by("id"))
    assert [(e.actor, e.key != "") for e in entries] == [(None, False), (clerk, True)]
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("2.00")


# --- The resident ------------------------------------------------------------------------------


def test_resident_is_told_once_in_their_language(client, stripe, clerk):
    payment = paid(client, stripe, language="es")
    stripe.lose_next_answers(2)
    with raises_domain("refund_unavailable"):
        payment_refund(actor=clerk, payment=payment, reason=REASON)
    payment_refund(actor=clerk, payment=payment, reason=REASON)
    deliver(client, stripe.refunded_event("pi_test_1"))
    [message] = refund_messages(payment)
    assert message.language == "es"
    assert "Reembolso" in message.subject and "$2.00" in message.body
    assert REASON not in message.body


# --- Admin -------------------------------------------------------------------------------------


def _page(payment) -> str:
    return f"/admin/records/recordrequest/{payment.request.pk}/payment/{payment.pk}/refund/"


def test_request_page_offers_a_refund_to_a_clerk_only_with_the_permission(client, stripe, clerk):
    payment = paid(client, stripe)
    client.force_login(clerk)
    change = f"/admin/records/recordrequest/{payment.request.pk}/change/"
    assert _page(payment) in client.get(change).content.decode()
    without = UserFactory()
    without.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_recordrequest", "change_recordrequest"])
    )
    client.force_login(without)
    assert _page(payment) not in client.get(change).content.decode()
    assert client.get(_page(payment)).status_code == 403
    response = client.post(_page(payment), {"amount": "2.00", "reason": REASON})
    assert response.status_code == 403
    assert refund_calls(stripe) == []


def test_refund_form_defaults_to_the_full_amount_and_refunds(client, stripe, clerk):
    payment = paid(client, stripe)
    client.force_login(clerk)
    page = client.get(_page(payment))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["amount"] == Decimal("2.00")
    assert AuditEntry.objects.filter(
        action="records.recordrequest.viewed", actor=clerk, target_id=str(payment.request.pk)
    ).exists()
    key = form.initial["attempt"]
    response = client.post(_page(payment), {"amount": "2.00", "reason": REASON, "attempt": key})
    assert response.status_code == 302
    again = client.post(_page(payment), {"amount": "2.00", "reason": REASON, "attempt": key})
    assert again.status_code == 302  # a double click: the same refund, not an error
    assert len(stripe.refunds_made()) == 1
    assert PaymentRefund.objects.get().key == key


def test_refund_form_shows_errors_and_keeps_what_was_typed(client, stripe, clerk):
    payment = paid(client, stripe)
    client.force_login(clerk)
    key = client.get(_page(payment)).context["form"].initial["attempt"]
    no_reason = client.post(_page(payment), {"amount": "2.00", "reason": "", "attempt": key})
    assert no_reason.status_code == 200 and no_reason.context["form"].errors["reason"]
    too_much = client.post(_page(payment), {"amount": "5.00", "reason": REASON, "attempt": key})
    assert too_much.status_code == 200
    assert "$2.00" in " ".join(too_much.context["form"].errors["amount"])
    assert REASON in too_much.content.decode()
    assert refund_calls(stripe) == []


def test_stripe_error_on_the_form_then_sending_it_again_refunds_once(client, stripe, clerk):
    payment = paid(client, stripe)
    client.force_login(clerk)
    key = client.get(_page(payment)).context["form"].initial["attempt"]
    stripe.lose_next_answers(2)
    data = {"amount": "2.00", "reason": REASON, "attempt": key}
    failed = client.post(_page(payment), data)
    assert failed.status_code == 200
    assert "try again" in failed.content.decode().lower()
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("0.00")
    assert client.post(_page(payment), data).status_code == 302
    assert len(stripe.refunds_made()) == 1
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("2.00")


# --- At the same moment (PostgreSQL, real transactions) ----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_clerks_refunding_the_same_payment_at_once_refund_it_once(
    client, stripe, clerk, user_in_role, on_postgresql
):
    import threading

    from django.db import connection

    from portal.errors import DomainError

    payment = paid(client, stripe)
    second = user_in_role(roles.RECORDS_CLERKS, username="second.clerk")
    start = threading.Barrier(2)
    refunds, refused, other_errors = [], [], []

    def refund(actor):
        try:
            start.wait()
            refunds.append(payment_refund(actor=actor, payment=payment, reason=REASON))
        except DomainError as error:
            refused.append(error.code)
        except Exception as error:  # noqa: BLE001 - any other failure fails the test below
            other_errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=refund, args=(actor,)) for actor in (clerk, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert other_errors == []
    # The second either joined the first's pending refund or, taking the lock once the first was
    # recorded, found nothing left to refund: "refund_not_paid" (the payment is refunded whole,
    # so no longer refundable) or "refund_amount".
    assert set(refused) <= {"refund_amount", "refund_not_paid"}
    assert len({refund.pk for refund in refunds}) == 1
    assert len(stripe.refunds_made()) == 1
    assert PaymentRefund.objects.get().state == PaymentRefund.State.ISSUED
    payment.refresh_from_db()
    assert payment.amount_refunded == payment.amount_received
    assert AuditEntry.objects.filter(action="records.payment.refund_issued").count() == 1
    assert len(refund_messages(payment)) == 1
