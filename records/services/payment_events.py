"""What Stripe's webhook events say of an online payment (records/services/payments.py opened
it): a Checkout Session paid, expired or failed, a charge refunded; and the invoice settled
or reopened by what was paid online (`payment_settle`).

Rules:
- Each webhook event is applied once, by its id (records/services/webhooks.py, which hands
  each event to this module or to refund_failures.py).
- Events may come in any order. Amounts are set from the provider's running totals (a
  session's amount_total, a charge's amount_refunded), never added, so a late or repeated event
  cannot count twice; a refund that comes before the payment it refunds waits for it; an
  "expired" after "completed" does not undo the payment.
- The invoice is marked paid (`payment_record`: timeline, audit, the requester's e-mail) once,
  when the net amount received online covers what is due; released documents unlock then
  (`selectors.documents_released`).
- Less than what is due is a partial payment: recorded, the invoice stays open, the rest is
  asked next time (online or at the window).
- An amount or currency other than the one asked is recorded, counted for what it is, and
  flagged for the clerk (`records.payment.mismatched`).
- A refund that takes the net below what is due reopens an invoice that was paid online.
- Refunds a clerk makes from admin are records/services/refunds.py; the `charge.refunded` event
  that follows carries the running total they already set, and adds nothing. A running total
  sent before a refund failed (refund_failures.py) and delivered after it is not applied: it
  still counts the refund Stripe took back.
"""

import logging
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.services.audit import audit_record
from records.models import Payment, PaymentEvent, PaymentRefund, RecordRequest
from records.selectors import fees_total, online_paid
from records.services.common import timeline_add
from records.services.fees import payment_record
from records.services.stripe_provider import REFUND_FAILURE_EVENTS, amount_from_cents, stripe_field

logger = logging.getLogger(__name__)

METHOD = "online"


def _payment_locked(**lookup) -> Payment | None:
    return Payment.objects.select_for_update().filter(**lookup).first()


def refunded_total_set(payment: Payment, refunded: Decimal) -> bool:
    """Set a locked payment's refunded total from a running total (never added to, so a total
    reported twice, or late and smaller, changes nothing). True when it grew."""
    refunded = min(refunded, payment.amount_received)
    if refunded <= payment.amount_refunded:
        return False  # a late or repeated report of a smaller (or the same) running total
    payment.amount_refunded = refunded
    payment.state = (
        Payment.State.REFUNDED
        if refunded >= payment.amount_received
        else Payment.State.PARTLY_REFUNDED
    )
    payment.save(update_fields=["amount_refunded", "state"])
    return True


def refunded_total_reset(payment: Payment, refunded: Decimal) -> bool:
    """Set a locked payment's refunded total to what the provider counts now, lower too: for a
    refund that failed after it was made (the only report that lowers it). True when it
    changed."""
    refunded = min(max(refunded, Decimal("0.00")), payment.amount_received)
    if refunded == payment.amount_refunded:
        return False
    payment.amount_refunded = refunded
    if refunded <= 0:
        payment.state = Payment.State.PAID
    elif refunded >= payment.amount_received:
        payment.state = Payment.State.REFUNDED
    else:
        payment.state = Payment.State.PARTLY_REFUNDED
    payment.save(update_fields=["amount_refunded", "state"])
    return True


def refund_timeline_key(refund: PaymentRefund) -> str:
    """The timeline entry of a clerk's refund, whichever reports it first (Stripe's answer, or
    the webhook when the answer was lost): one entry per refund."""
    return f"refund-{refund.key}"


def _refund_set(payment: Payment, refunded: Decimal) -> None:
    """A refund the provider reported (made in its dashboard, or one of ours already counted,
    which then changes nothing). A rise of exactly the amount of our refund still waiting for
    Stripe's answer (one at most a payment) is that refund, whose answer was lost: its entry
    is the one its answer will find, so the timeline shows it once."""
    before = payment.amount_refunded
    if not refunded_total_set(payment, refunded):
        return
    waiting = payment.refunds.filter(state=PaymentRefund.State.PENDING).first()
    if waiting is not None and payment.amount_refunded - before == waiting.amount:
        timeline_add(
            record_request=payment.request,
            action="refund",
            note=f"${waiting.amount}",
            key=refund_timeline_key(waiting),
        )
    else:
        timeline_add(record_request=payment.request, action="refund", note=f"${refunded}")
    audit_record(
        actor=None,
        actor_label="payment provider",
        action="records.payment.refunded",
        target=payment.request,
        detail={"session": payment.session_id, "refunded": str(refunded)},
    )


def payment_settle(
    record_request: RecordRequest,
    *,
    new_payment: Payment | None = None,
    notify_paid: bool = True,
) -> bool:
    """Mark the invoice paid once what was paid online covers it; reopen one paid online
    that a refund left short. True when it marked the invoice paid now. `notify_paid` False:
    without "We received your payment" (a failed refund's money, received once already)."""
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    total = fees_total(record_request=record_request)
    paid = online_paid(record_request=record_request)
    if record_request.fees_paid_at is None:
        if total > 0 and paid >= total:
            reference = new_payment.payment_intent if new_payment else ""
            payment_record(
                record_request=record_request,
                method=METHOD,
                reference=reference,
                notify=notify_paid,
            )
            return True
        elif new_payment is not None and new_payment.net > 0:
            timeline_add(
                record_request=record_request,
                action="partial_payment",
                note=_("$%(paid)s of $%(total)s") % {"paid": paid, "total": total},
            )
    elif record_request.payment_method == METHOD and paid < total:
        record_request.fees_paid_at = None
        record_request.save(update_fields=["fees_paid_at", "updated_at"])
        timeline_add(record_request=record_request, action="payment_reopened")
    return False


def session_paid_apply(event: PaymentEvent, session) -> None:
    payment = _payment_locked(session_id=stripe_field(session, "id", ""))
    if payment is None:
        logger.info("Stripe session %s is not one of ours", stripe_field(session, "id"))
        return
    event.payment = payment
    event.save(update_fields=["payment"])
    payment.payment_intent = stripe_field(session, "payment_intent", "") or payment.payment_intent
    if stripe_field(session, "payment_status") != "paid":
        payment.save(update_fields=["payment_intent"])
        return  # completed, but the money is still on its way (async_payment_succeeded)
    if payment.paid_at is not None:
        return  # paid already: a second "completed" or "succeeded" for the same session
    received = amount_from_cents(stripe_field(session, "amount_total", 0))
    currency = str(stripe_field(session, "currency", "")).lower()
    payment.amount_received = received
    payment.paid_at = timezone.now()
    payment.state = Payment.State.PAID
    payment.mismatch = received != payment.amount_expected or currency != payment.currency
    if currency != payment.currency:
        payment.amount_received = Decimal("0.00")  # not dollars: counted by a clerk, by hand
    payment.save(
        update_fields=["payment_intent", "amount_received", "paid_at", "state", "mismatch"]
    )
    if payment.mismatch:
        logger.warning("Stripe session %s paid another amount than asked", payment.session_id)
        audit_record(
            actor=None,
            actor_label="payment provider",
            action="records.payment.mismatched",
            target=payment.request,
            detail={
                "session": payment.session_id,
                "asked": str(payment.amount_expected),
                "received": str(received),
                "currency": currency,
            },
        )
    # A refund that came first waits in its event: apply the largest running total seen.
    earlier = PaymentEvent.objects.filter(
        type="charge.refunded", payment_intent=payment.payment_intent, amount__isnull=False
    ).exclude(payment_intent="")
    largest = max((e.amount for e in earlier), default=Decimal("0.00"))
    if largest:
        _refund_set(payment, largest)
    payment_settle(payment.request, new_payment=payment)


def session_closed_apply(state: str):
    def apply(event: PaymentEvent, session) -> None:
        payment = _payment_locked(session_id=stripe_field(session, "id", ""))
        if payment is None:
            return
        event.payment = payment
        event.save(update_fields=["payment"])
        if payment.state == Payment.State.OPEN:  # never undoes a payment that came first
            payment.state = state
            payment.save(update_fields=["state"])

    return apply


def charge_refunded_apply(event: PaymentEvent, charge) -> None:
    intent = stripe_field(charge, "payment_intent", "")
    event.payment_intent = intent
    event.amount = amount_from_cents(stripe_field(charge, "amount_refunded", 0))
    payment = _payment_locked(payment_intent=intent) if intent else None
    event.payment = payment
    event.save(update_fields=["payment_intent", "amount", "payment"])
    if payment is None:
        return  # before its payment (or not ours): session_paid_apply applies it
    failed_since = PaymentEvent.objects.filter(
        payment=payment, type__in=REFUND_FAILURE_EVENTS, created__gte=event.created
    ).exclude(pk=event.pk)
    if failed_since.exists():
        # A running total from before a refund failed, delivered late: it still counts the
        # refund Stripe took back (the failure set the total from Stripe's refunds).
        return
    _refund_set(payment, event.amount)
    payment_settle(payment.request)
