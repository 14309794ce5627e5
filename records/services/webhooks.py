"""Stripe's signed webhook: each event verified, stored by its id, and applied once by the
service of its concern (payment_events.py for Checkout Sessions and `charge.refunded`,
refund_failures.py for a refund that failed after Stripe made it).

Rules:
- The signature is checked with STRIPE_WEBHOOK_SECRET and Stripe's five-minute tolerance on
  the signed timestamp, which refuses an old event captured and sent again (`bad_signature`).
- Each event is applied once, by its id (PaymentEvent): a retry or a replay changes nothing.
- A refund's failure sets the payment's refunded total from Stripe's own figures (its list of
  the payment's refunds), read before the event is applied, outside any transaction. When
  Stripe cannot be read the event is not applied and the webhook answers 503 (`stripe_unread`):
  Stripe delivers it again later, with back-off, for up to three days.
"""

import datetime
import logging
from decimal import Decimal

from django.db import transaction

from portal.errors import DomainError
from records.models import Payment, PaymentEvent
from records.services.fees import PaymentUnavailable
from records.services.payment_events import (
    charge_refunded_apply,
    session_closed_apply,
    session_paid_apply,
)
from records.services.refund_failures import refund_failure_apply, refund_failure_reported
from records.services.stripe_provider import provider, stripe_field

logger = logging.getLogger(__name__)

HANDLERS = {
    "checkout.session.completed": session_paid_apply,
    "checkout.session.async_payment_succeeded": session_paid_apply,
    "checkout.session.expired": session_closed_apply(Payment.State.EXPIRED),
    "checkout.session.async_payment_failed": session_closed_apply(Payment.State.FAILED),
    "charge.refunded": charge_refunded_apply,
    "refund.failed": refund_failure_apply,
    "refund.updated": refund_failure_apply,
    "charge.refund.updated": refund_failure_apply,
}


@transaction.atomic
def payment_event_apply(*, event, stripe_refunded: Decimal | None = None) -> bool:
    """Apply one verified webhook event (a stripe.Event, or its dict). False when this event
    was applied before (a retry or a replay) or is of a kind we do not use. `stripe_refunded`:
    what Stripe counts as refunded on the payment of a refund reported failed."""
    created_at = datetime.datetime.fromtimestamp(
        int(stripe_field(event, "created", 0)), tz=datetime.UTC
    )
    row, created = PaymentEvent.objects.get_or_create(
        event_id=str(stripe_field(event, "id", ""))[:255],
        defaults={"type": str(stripe_field(event, "type", ""))[:100], "created": created_at},
    )
    if not created:
        return False
    handler = HANDLERS.get(row.type)
    if handler is None:
        return False
    obj = stripe_field(stripe_field(event, "data", {}), "object", {})
    if handler is refund_failure_apply:
        handler(row, obj, stripe_refunded=stripe_refunded)
    else:
        handler(row, obj)
    return True


def payment_webhook_receive(*, payload: bytes, signature: str) -> bool:
    """Verify a webhook's signature and apply its event. Raises DomainError `bad_signature`
    for anything not signed with STRIPE_WEBHOOK_SECRET in the last five minutes, and
    `stripe_unread` when a refund's failure arrives and Stripe's figures cannot be read."""
    try:
        event = provider().verify(payload=payload, signature=signature)
    except ValueError as exc:
        raise DomainError("The webhook's signature is not valid.", code="bad_signature") from exc
    stripe_refunded = None
    intent = refund_failure_reported(event)
    if (
        intent
        and Payment.objects.filter(payment_intent=intent).exists()
        and not PaymentEvent.objects.filter(event_id=str(stripe_field(event, "id", ""))).exists()
    ):
        try:
            stripe_refunded = provider().refunded_total(payment_intent=intent)
        except PaymentUnavailable as exc:
            logger.warning("Stripe's refunds of %s could not be read: %s", intent, exc)
            raise DomainError(
                "Stripe's refunds could not be read; deliver the event again.",
                code="stripe_unread",
            ) from exc
    return payment_event_apply(event=event, stripe_refunded=stripe_refunded)
