"""Stripe, the PaymentProvider in use (records/services/fees.py): the client, Checkout
Sessions, refunds and the list of a payment's refunds, and how Stripe's objects and amounts
are read. The rules around them are records/services/payments.py (Checkout),
payment_events.py (what Stripe's events say of a payment) and refunds.py.

What Stripe's answers mean here:
- Online payment is offered only with both STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET set;
  STRIPE_API_BASE points the client at a stand-in.
- Stripe counts in cents; every amount we keep is in dollars, to the cent.
- A refund Stripe answered no to (an invalid request, a card error, our API key refused)
  refunded nothing: RefundRefused. No answer (down, a timeout, a 5xx, a rate limit) leaves unknown
  whether it refunded until the same Idempotency-Key is sent again: PaymentUnavailable.
- A refund whose status is `failed` or `canceled` counts as not made, in an answer, a lookup
  and the refunded total alike.
"""

import datetime
from decimal import Decimal

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from records.models import RecordRequest
from records.services.fees import (
    Checkout,
    PaymentProvider,
    PaymentUnavailable,
    RefundAnswer,
    RefundRefused,
)

# A refund Stripe made and then could not complete (the card's bank sent it back, Stripe's
# balance could not cover it): reported as `refund.failed`, and as `refund.updated` (or, for
# endpoints on older API versions, `charge.refund.updated`) with one of these statuses.
REFUND_FAILURE_EVENTS = ("refund.failed", "refund.updated", "charge.refund.updated")
FAILED_REFUND_STATUSES = frozenset({"failed", "canceled"})
CENT = Decimal("0.01")


def payments_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)


def amount_to_cents(amount: Decimal) -> int:
    return int((amount / CENT).to_integral_value())


def amount_from_cents(cents) -> Decimal:
    return (Decimal(int(cents or 0)) * CENT).quantize(CENT)


def stripe_field(obj, key, default=None):
    try:
        value = obj[key]
    except (KeyError, TypeError):
        return default
    return default if value is None else value


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
                                "unit_amount": amount_to_cents(amount),
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
                    "amount": amount_to_cents(amount),
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
