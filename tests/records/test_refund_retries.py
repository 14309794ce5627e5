"""A refund Stripe did not answer is asked again by beat (records/services/refund_retries.py,
the task records.tasks.refunds_retry_sweep), with the same Idempotency-Key, on PostgreSQL with
the local stand-in of Stripe: it is issued once, whoever asks, and a refund Stripe never answers
is left pending and flagged for the clerks before Stripe would forget its key."""

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection, transaction

from portal.errors import DomainError
from portal.models import AuditEntry
from records import tasks
from records.models import Payment, PaymentRefund
from records.services import refund_retries
from records.services.refunds import payment_refund
from tests.records.refunds_support import (
    REASON,
    deliver,
    paid,
    refund_calls,
    refund_messages,
)
from tests.support.errors import raises_domain

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("on_postgresql")]
T0 = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
NOWHERE = "http://127.0.0.1:9"  # nothing listens there


def _unanswered(client, stripe, clerk, settings, **kwargs) -> tuple[Payment, PaymentRefund]:
    """The clerk's click while Stripe is unreachable: a pending refund, nothing at Stripe."""
    payment = paid(client, stripe, **kwargs)
    settings.STRIPE_API_BASE = NOWHERE
    with raises_domain("refund_unavailable"):
        payment_refund(actor=clerk, payment=payment, reason=REASON)
    settings.STRIPE_API_BASE = stripe.url
    return payment, PaymentRefund.objects.get()


def _issued_once(payment, stripe, clerk):
    refund = PaymentRefund.objects.get()
    assert refund.state == PaymentRefund.State.ISSUED
    assert len(stripe.refunds_made()) == 1
    assert {c["headers"]["Idempotency-Key"] for c in refund_calls(stripe)} == {
        refund.idempotency_key
    }
    payment.refresh_from_db()
    assert (payment.state, payment.amount_refunded) == (Payment.State.REFUNDED, Decimal("2.00"))
    assert AuditEntry.objects.filter(action="records.payment.refund_issued").count() == 1
    [entry] = payment.request.timeline.filter(action="refund")
    assert entry.actor == clerk
    assert len(refund_messages(payment)) == 1


def test_stripe_down_at_the_click_and_up_later_the_sweep_issues_it_once(
    client, stripe, clerk, settings
):
    with time_machine.travel(T0, tick=True) as clock:
        payment, refund = _unanswered(client, stripe, clerk, settings)
        tasks.refunds_retry_sweep()
        assert refund_calls(stripe) == []  # within the grace: the clerk may still resend
        clock.shift(timedelta(minutes=3))
        tasks.refunds_retry_sweep()
        _issued_once(payment, stripe, clerk)
        [audit] = AuditEntry.objects.filter(action="records.payment.refund_issued")
        assert audit.actor is None and audit.actor_label == "automatic retry"
        assert audit.detail["requested_by"] == clerk.get_username()
        clock.shift(timedelta(hours=3))
        tasks.refunds_retry_sweep()  # and again: nothing is pending
        tasks.refund_retry(refund.pk)
        deliver(client, stripe.refunded_event("pi_test_1"))  # the webhook that follows
    _issued_once(payment, stripe, clerk)
    assert len(refund_calls(stripe)) == 1


def test_answer_lost_at_the_click_the_sweep_gets_stripes_refund_with_the_same_key(
    client, stripe, clerk
):
    with time_machine.travel(T0, tick=True) as clock:
        payment = paid(client, stripe)
        stripe.lose_next_answers(2)
        with raises_domain("refund_unavailable"):
            payment_refund(actor=clerk, payment=payment, reason=REASON)
        deliver(client, stripe.refunded_event("pi_test_1"))  # the webhook came first
        clock.shift(timedelta(minutes=3))
        tasks.refunds_retry_sweep()
    _issued_once(payment, stripe, clerk)


def test_clerk_resending_while_the_task_asks_refunds_once(client, stripe, clerk, settings):
    """Both ask Stripe with the same key at the same moment: one refund at Stripe, recorded
    once, the requester told once."""
    with time_machine.travel(T0, tick=True) as clock:
        payment, refund = _unanswered(client, stripe, clerk, settings)
        clock.shift(timedelta(minutes=3))
        start = threading.Barrier(2)
        errors = []

        def run(work):
            try:
                start.wait()
                work()
            except DomainError as error:
                errors.append(error.domain_code)
            except Exception as error:  # noqa: BLE001 - any other failure fails the test below
                errors.append(error)
            finally:
                connection.close()

        threads = [
            threading.Thread(
                target=run,
                args=(lambda: payment_refund(actor=clerk, payment=payment, reason=REASON),),
            ),
            threading.Thread(target=run, args=(lambda: tasks.refund_retry(refund.pk),)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert set(errors) <= {"refund_unavailable"}  # Stripe's 409 for a key in flight, at most
    _issued_once(payment, stripe, clerk)


def test_a_refund_being_recorded_is_skipped_not_waited_for(client, stripe, clerk, settings):
    """The sweep claims with SKIP LOCKED: a row held by a clerk's resend is left to it."""
    with time_machine.travel(T0, tick=True) as clock:
        payment, refund = _unanswered(client, stripe, clerk, settings)
        clock.shift(timedelta(minutes=3))
        held, release = threading.Event(), threading.Event()

        def hold():
            with transaction.atomic():
                PaymentRefund.objects.select_for_update().get(pk=refund.pk)
                held.set()
                release.wait(10)
            connection.close()

        holder = threading.Thread(target=hold)
        holder.start()
        held.wait(10)
        try:
            assert tasks.refund_retry(refund.pk) == "skipped"
        finally:
            release.set()
            holder.join(10)
        assert refund_calls(stripe) == []
        refund.refresh_from_db()
        assert (refund.state, refund.attempts) == (PaymentRefund.State.PENDING, 0)
        tasks.refunds_retry_sweep()
    _issued_once(payment, stripe, clerk)


def test_tries_back_off_then_stop_and_the_refund_is_flagged_for_the_clerks(
    client, stripe, clerk, settings
):
    with time_machine.travel(T0, tick=True) as clock:
        payment, refund = _unanswered(client, stripe, clerk, settings)
        settings.STRIPE_API_BASE = NOWHERE  # and Stripe stays out of reach
        waits = []
        for _ in range(refund_retries.RETRY_MAX_ATTEMPTS):
            clock.shift(timedelta(minutes=2, seconds=1))
            refund.refresh_from_db()
            if refund.next_attempt_at is not None:
                clock.move_to(refund.next_attempt_at + timedelta(seconds=1))
            before = refund.attempts
            tasks.refunds_retry_sweep()
            tasks.refunds_retry_sweep()  # a second run at the same moment asks nothing more
            refund.refresh_from_db()
            assert refund.attempts == before + 1
            waits.append(refund.next_attempt_at - datetime.now(tz=UTC))
        minutes = [round(w.total_seconds() / 60) for w in waits]
        assert minutes[:7] == [2, 4, 8, 16, 32, 64, 120] and set(minutes[7:]) == {120}
        assert refund.stalled_at is None
        clock.move_to(refund.next_attempt_at + timedelta(seconds=1))
        tasks.refunds_retry_sweep()
        refund.refresh_from_db()
        assert refund.state == PaymentRefund.State.PENDING and refund.stalled_at is not None
        assert refund.attempts == refund_retries.RETRY_MAX_ATTEMPTS
        [audit] = AuditEntry.objects.filter(action="records.payment.refund_stalled")
        assert audit.detail["attempts"] == refund_retries.RETRY_MAX_ATTEMPTS
        clock.shift(timedelta(hours=3))
        tasks.refunds_retry_sweep()  # flagged: beat asks no more
        refund.refresh_from_db()
        assert refund.attempts == refund_retries.RETRY_MAX_ATTEMPTS
    assert stripe.refunds_made() == []
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("0.00")
    client.force_login(clerk)
    page = client.get(f"/admin/records/recordrequest/{payment.request.pk}/change/")
    assert "check it in Stripe" in page.content.decode()
    queue = client.get("/admin/records/recordrequest/?refund=attention")
    assert payment.request.tracking_number in queue.content.decode()


def test_no_automatic_try_once_stripe_may_have_forgotten_the_key(client, stripe, clerk, settings):
    """Stripe keeps an Idempotency-Key for 24 hours: a refund older than 23 hours is flagged,
    not asked for again, whatever its count of tries."""
    with time_machine.travel(T0, tick=True) as clock:
        _payment, refund = _unanswered(client, stripe, clerk, settings)
        clock.shift(timedelta(hours=23, minutes=1))
        tasks.refunds_retry_sweep()
    refund.refresh_from_db()
    assert (refund.state, refund.attempts) == (PaymentRefund.State.PENDING, 0)
    assert refund.stalled_at is not None
    assert refund_calls(stripe) == []


def test_clerks_resend_after_a_day_looks_the_refund_up_instead_of_asking_again(
    client, stripe, clerk
):
    """A day on, the key may be gone at Stripe: sending it again could refund twice. The
    clerk's resend finds Stripe's refund by the key in its metadata and records that one."""
    with time_machine.travel(T0, tick=True) as clock:
        payment = paid(client, stripe)
        stripe.lose_next_answers(2)
        with raises_domain("refund_unavailable"):
            payment_refund(actor=clerk, payment=payment, reason=REASON)
        clock.shift(timedelta(hours=25))
        stripe.answers.clear()  # Stripe pruned the key
        refund = payment_refund(actor=clerk, payment=payment, reason=REASON)
    assert refund.state == PaymentRefund.State.ISSUED
    assert len(stripe.refunds_made()) == 1
    assert len(refund_calls(stripe)) == 2  # the click and the library's retry; no third
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("2.00")


def test_clerks_resend_after_a_day_of_a_refund_stripe_never_made_fails_it(
    client, stripe, clerk, settings
):
    with time_machine.travel(T0, tick=True) as clock:
        payment, refund = _unanswered(client, stripe, clerk, settings)
        clock.shift(timedelta(hours=25))
        with raises_domain("refund_refused") as caught:
            payment_refund(actor=clerk, payment=payment, reason=REASON)
    assert "no refund" in caught.value.messages[0].lower()
    refund.refresh_from_db()
    assert refund.state == PaymentRefund.State.FAILED
    again = payment_refund(actor=clerk, payment=payment, reason=REASON)
    assert again.state == PaymentRefund.State.ISSUED and again.key != refund.key
    assert len(stripe.refunds_made()) == 1


def test_beat_runs_the_sweep_every_minute():
    entry = django_settings.CELERY_BEAT_SCHEDULE["records-refund-retry"]
    assert entry["task"] == tasks.refunds_retry_sweep.name
    assert entry["schedule"] == 60.0
