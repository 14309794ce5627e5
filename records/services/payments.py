"""Paying a request's fees online, through Stripe Checkout.

Rules:
- No card data touches our server: the requester is sent to a Checkout Session (Stripe's own
  page) and comes back to the tracking page. We learn of a payment from Stripe's signed webhook
  only, never from the return address, which anyone can open.
- The amount asked is what is due now: the unwaived fees less what was already paid online
  and not refunded. With nothing due, no session is opened. An open session for the same amount
  is reused, so a double click opens one.
- Each webhook event is applied once, by its id (records/services/webhooks.py, which hands
  each event to this module or to refunds.py).
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
  sent before a refund failed (refunds.py) and delivered after it is not applied: it still
  counts the refund Stripe took back.
"""

import datetime
import logging
from decimal import Decimal

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.errors import DomainError
from portal.services.audit import audit_record
from records.models import Payment, PaymentEvent, PaymentRefund, RecordRequest
from records.selectors import fees_total, online_paid
from records.services.common import timeline_add
from records.services.fees import (
    Checkout,
    PaymentProvider,
    PaymentUnavailable,
    RefundAnswer,
    RefundRefused,
    payment_record,
)
from records.services.links import tracking_url

logger = logging.getLogger(__name__)

METHOD = "online"
# A refund Stripe made and then could not complete (the card's bank sent it back, Stripe's
# balance could not cover it): reported as `refund.failed`, and as `refund.updated` (or, for
# endpoints on older API versions, `charge.refund.updated`) with one of these statuses.
REFUND_FAILURE_EVENTS = ("refund.failed", "refund.updated", "charge.refund.updated")
FAILED_REFUND_STATUSES = frozenset({"failed", "canceled"})
SESSION_MINUTES = 60  # Stripe accepts 30 minutes to 24 hours
CENT = Decimal("0.01")


def payments_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)


def _cents(amount: Decimal) -> int:
    return int((amount / CENT).to_integral_value())


def amount_from_cents(cents) -> Decimal:
    return (Decimal(int(cents or 0)) * CENT).quantize(CENT)


def stripe_client() -> stripe.StripeClient:
    """A client for the configured account; STRIPE_API_BASE points it at a stand-in."""
    base = {"api": settings.STRIPE_API_BASE.rstrip("/")} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base,
        max_network_retries=1,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
    )


class StripeCheckout(PaymentProvider):
    """Stripe Checkout: a hosted payment page, signed webhooks (Stripe-Signature)."""

    def checkout(
        self,
        *,
        record_request: RecordRequest,
        amount: Decimal,
        success_url: str,
        cancel_url: str,
        idempotency_key: str,
        expires_at: datetime.datetime,
    ) -> Checkout:
        reference = str(record_request.public_id)
        try:
            session = stripe_client().v1.checkout.sessions.create(
                params={
                    "mode": "payment",
                    "line_items": [
                        {
                            "quantity": 1,
                            "price_data": {
                                "currency": "usd",
                                "unit_amount": _cents(amount),
                                "product_data": {
                                    "name": _("Records request %(number)s")
                                    % {"number": record_request.tracking_number}
                                },
                            },
                        }
                    ],
                    "client_reference_id": reference,
                    "metadata": {"record_request": reference},
                    "payment_intent_data": {"metadata": {"record_request": reference}},
                    "customer_email": record_request.requester_email,
                    "locale": "es" if record_request.language == "es" else "en",
                    "success_url": success_url,
                    "cancel_url": cancel_url,
                    "expires_at": int(expires_at.timestamp()),
                },
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            raise PaymentUnavailable(str(exc)) from exc
        return Checkout(session_id=session.id, url=session.url or "")

    def verify(self, *, payload: bytes, signature: str):
        secret = settings.STRIPE_WEBHOOK_SECRET
        if not secret:
            raise ValueError("STRIPE_WEBHOOK_SECRET is not set")
        try:
            return stripe.Webhook.construct_event(payload, signature or "", secret)
        except stripe.SignatureVerificationError as exc:
            raise ValueError(str(exc)) from exc

    def refund(
        self, *, payment_intent: str, amount: Decimal, idempotency_key: str, metadata: dict
    ) -> RefundAnswer:
        try:
            refund = stripe_client().v1.refunds.create(
                params={
                    "payment_intent": payment_intent,
                    "amount": _cents(amount),
                    "metadata": metadata,
                    # The charge comes back with its running total refunded (every refund so
                    # far, ours and the dashboard's): the same figure charge.refunded reports.
                    "expand": ["charge"],
                },
                options={"idempotency_key": idempotency_key},
            )
        except (
            stripe.InvalidRequestError,
            stripe.AuthenticationError,
            stripe.PermissionError,
            stripe.CardError,
        ) as exc:
            # Stripe answered no: nothing was refunded (and it keeps that answer for this key).
            raise RefundRefused(f"{exc.code or 'refused'}: {exc.user_message or exc}") from exc
        except stripe.StripeError as exc:
            # No answer, a 5xx, a rate limit, a concurrent call with this key: whether Stripe
            # refunded is unknown until the same key is sent again.
            raise PaymentUnavailable(str(exc)) from exc
        status = str(stripe_field(refund, "status", ""))
        if status in FAILED_REFUND_STATUSES:
            raise RefundRefused(f"{status}: {stripe_field(refund, 'failure_reason', '')}")
        charge = stripe_field(refund, "charge")
        running = None if isinstance(charge, str) or charge is None else charge
        return RefundAnswer(
            refund_id=str(stripe_field(refund, "id", "")),
            status=status,
            charge_refunded=(
                amount_from_cents(stripe_field(running, "amount_refunded", 0))
                if running is not None
                else None
            ),
        )

    def refund_find(self, *, payment_intent: str, key: str) -> RefundAnswer | None:
        """The refund Stripe made under our `key` (its metadata), from the payment's list."""
        try:
            refunds = stripe_client().v1.refunds.list(
                params={"payment_intent": payment_intent, "limit": 100}
            )
            found = next(
                (
                    refund
                    for refund in refunds.auto_paging_iter()
                    if str(stripe_field(stripe_field(refund, "metadata", {}), "refund", "")) == key
                ),
                None,
            )
        except stripe.StripeError as exc:
            raise PaymentUnavailable(str(exc)) from exc
        if found is None:
            return None
        status = str(stripe_field(found, "status", ""))
        if status in FAILED_REFUND_STATUSES:
            raise RefundRefused(f"{status}: {stripe_field(found, 'failure_reason', '')}")
        return RefundAnswer(
            refund_id=str(stripe_field(found, "id", "")), status=status, charge_refunded=None
        )

    def refunded_total(self, *, payment_intent: str) -> Decimal:
        try:
            refunds = stripe_client().v1.refunds.list(
                params={"payment_intent": payment_intent, "limit": 100}
            )
            cents = sum(
                int(stripe_field(refund, "amount", 0))
                for refund in refunds.auto_paging_iter()
                if stripe_field(refund, "status", "") not in FAILED_REFUND_STATUSES
            )
        except stripe.StripeError as exc:
            raise PaymentUnavailable(str(exc)) from exc
        return amount_from_cents(cents)


def provider() -> PaymentProvider:
    return StripeCheckout()


def amount_due_online(*, record_request: RecordRequest) -> Decimal:
    """What the requester would pay if they paid online now."""
    if record_request.fees_paid_at is not None:
        return Decimal("0.00")
    due = fees_total(record_request=record_request) - online_paid(record_request=record_request)
    return max(due, Decimal("0.00"))


def payment_checkout_start(*, record_request: RecordRequest) -> Payment:
    """Open (or reuse) a Checkout Session for what is due; the caller sends the requester to
    `payment.checkout_url`. Stripe is asked outside any transaction."""
    if not payments_enabled():
        raise DomainError(
            _("Online payment is not offered. Pay at the Records window or by mail."),
            code="payments_off",
        )
    due = amount_due_online(record_request=record_request)
    if due <= 0:
        raise DomainError(_("Nothing is due on this request."), code="nothing_due", conflict=True)
    now = timezone.now()
    reusable = (
        Payment.objects.filter(
            request=record_request,
            state=Payment.State.OPEN,
            amount_expected=due,
            expires_at__gt=now + datetime.timedelta(minutes=10),
        )
        .exclude(checkout_url="")
        .first()
    )
    if reusable is not None:
        return reusable
    back = tracking_url(record_request=record_request)
    opened = Payment.objects.filter(request=record_request).count()
    expires_at = now + datetime.timedelta(minutes=SESSION_MINUTES)
    try:
        checkout = provider().checkout(
            record_request=record_request,
            amount=due,
            success_url=back + "?paid=1",
            cancel_url=back,
            # Two clicks at once ask for the same session. Stripe keeps a key's first answer,
            # an error included, for a day: the minute in the key lets a later try start anew.
            idempotency_key=(
                f"records-{record_request.public_id}-{opened}-{_cents(due)}-{now:%Y%m%d%H%M}"
            ),
            expires_at=expires_at,
        )
    except PaymentUnavailable as exc:
        logger.warning("The payment provider refused a checkout: %s", exc)
        raise DomainError(
            _(
                "Online payment is not available just now. Try again in a few minutes, or pay "
                "at the Records window."
            ),
            code="payment_unavailable",
        ) from exc
    with transaction.atomic():
        payment, _created = Payment.objects.get_or_create(
            session_id=checkout.session_id,
            defaults={
                "request": record_request,
                "checkout_url": checkout.url,
                "amount_expected": due,
                "currency": "usd",
                "expires_at": expires_at,
            },
        )
    return payment


# --- Webhook events ------------------------------------------------------------------------------


def stripe_field(obj, key, default=None):
    try:
        value = obj[key]
    except (KeyError, TypeError):
        return default
    return default if value is None else value


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


def payment_settle(record_request: RecordRequest, *, new_payment: Payment | None = None) -> None:
    """Mark the invoice paid once what was paid online covers it; reopen one paid online
    that a refund left short."""
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    total = fees_total(record_request=record_request)
    paid = online_paid(record_request=record_request)
    if record_request.fees_paid_at is None:
        if total > 0 and paid >= total:
            reference = new_payment.payment_intent if new_payment else ""
            payment_record(record_request=record_request, method=METHOD, reference=reference)
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
