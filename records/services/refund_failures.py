"""A refund that fails after Stripe made it: the card's bank sends it back (a closed account,
an expired, lost or stolen card), sometimes days later, and the money returns to the
department's Stripe balance. The refund itself is records/services/refunds.py.

Rules (Stripe's documented events; department policy for who is told):
- Stripe reports it with `refund.failed`, and `refund.updated` (or `charge.refund.updated` on
  older API versions) whose refund has the status `failed` (or `canceled`). The refund becomes
  failed with Stripe's `failure_reason` (refunds.TRANSITIONS: issued or pending to failed,
  once), found by Stripe's id or by the key we put in its metadata.
- The payment's refunded total is set to what Stripe still counts as refunded (its list of the
  payment's refunds, read by the webhook before the event is applied; records/services/
  webhooks.py), never our figure less the amount, which would count a failure twice, or one we
  never counted. An invoice the refund had reopened is paid again (payment_events.payment_settle).
- The timeline says so and the audit log has `records.payment.refund_reversed`, once per
  refund, however many events report it. The clerks are e-mailed (records/services/
  refund_alerts.py), and see it on the request's page and under the queue's filter "refunds".
- A requester who was told of the refund is told, in their language, that it did not go
  through (once: the outbox key is the refund's); one never told (the refund was still waiting
  for Stripe's answer) is not. An invoice the failure pays again sends no second "We received
  your payment" (the money was received once): the failure's e-mail says instead that the
  documents are on the tracking page again, when the request is ready or closed. A failed
  dashboard refund is recorded the same way, without an e-mail (none was sent for the refund).
"""

import contextlib
import logging
import uuid
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from portal.services.audit import audit_record
from records.models import Payment, PaymentEvent, PaymentRefund, Status
from records.services.common import notify_requester, timeline_add
from records.services.payment_events import payment_settle, refunded_total_reset
from records.services.refund_alerts import refund_reversed_alert
from records.services.refunds import TRANSITIONS, ZERO, State
from records.services.stripe_provider import (
    FAILED_REFUND_STATUSES,
    REFUND_FAILURE_EVENTS,
    amount_from_cents,
    stripe_field,
)

logger = logging.getLogger(__name__)


def refund_failure_reported(event) -> str:
    """The payment intent of the refund a webhook event reports failed, or ""."""
    if str(stripe_field(event, "type", "")) not in REFUND_FAILURE_EVENTS:
        return ""
    refund = stripe_field(stripe_field(event, "data", {}), "object", {})
    if str(stripe_field(refund, "status", "")) not in FAILED_REFUND_STATUSES:
        return ""
    return str(stripe_field(refund, "payment_intent", ""))


def _our_refund(payment: Payment, *, provider_refund_id: str, metadata) -> PaymentRefund | None:
    """The clerk's refund a Stripe refund is: by Stripe's id, or by the key we sent in its
    metadata (a refund whose answer was lost has no Stripe id here yet)."""
    lookup = Q(provider_refund_id=provider_refund_id) if provider_refund_id else Q(pk__in=[])
    with contextlib.suppress(ValueError):  # not a key of ours
        lookup |= Q(key=uuid.UUID(str(stripe_field(metadata, "refund", ""))))
    return payment.refunds.select_for_update().filter(lookup).first()


def refund_failure_apply(
    event: PaymentEvent, stripe_refund, *, stripe_refunded: Decimal | None
) -> None:
    """`refund.failed` (or `refund.updated` with the status failed): the refund is failed with
    Stripe's reason, the payment's refunded total is set to `stripe_refunded` (what Stripe
    counts as refunded now, read by the webhook), and the requester, if told of the refund,
    is told it did not go through. Once per refund, however many events report it."""
    status = str(stripe_field(stripe_refund, "status", ""))
    if status not in FAILED_REFUND_STATUSES:
        return  # another change (metadata, a pending refund that went through)
    intent = str(stripe_field(stripe_refund, "payment_intent", ""))
    payment = (
        Payment.objects.select_for_update()
        .select_related("request")
        .filter(payment_intent=intent)
        .first()
        if intent
        else None
    )
    event.payment_intent = intent[:255]
    event.amount = amount_from_cents(stripe_field(stripe_refund, "amount", 0))
    event.payment = payment
    event.save(update_fields=["payment_intent", "amount", "payment"])
    if payment is None:
        return  # not a payment of ours
    provider_refund_id = str(stripe_field(stripe_refund, "id", ""))[:255]
    failure_reason = str(stripe_field(stripe_refund, "failure_reason", "") or status)[:200]
    refund = _our_refund(
        payment,
        provider_refund_id=provider_refund_id,
        metadata=stripe_field(stripe_refund, "metadata", {}),
    )
    was = refund.state if refund is not None else None
    if refund is not None and State.FAILED in TRANSITIONS[refund.state]:
        refund.state = State.FAILED
        refund.provider_refund_id = refund.provider_refund_id or provider_refund_id
        refund.provider_status = status[:40]
        refund.error = f"{status}: {failure_reason}"[:2000]
        refund.completed_at = timezone.now()
        # A flagged refund a clerk marked as dealt with, now reported failed, needs one again.
        refund.dealt_with_at, refund.dealt_with_by, refund.dealt_with_note = None, None, ""
        refund.save(
            update_fields=[
                "state",
                "provider_refund_id",
                "provider_status",
                "error",
                "completed_at",
                "dealt_with_at",
                "dealt_with_by",
                "dealt_with_note",
            ]
        )
    if stripe_refunded is None:
        logger.warning("Refund %s failed; Stripe's total was not read", provider_refund_id)
    else:
        # Stripe's count, or ours if a refund of ours was recorded since it was read.
        ours = payment.refunds.filter(state=State.ISSUED).aggregate(total=Sum("amount"))
        refunded_total_reset(payment, max(stripe_refunded, ours["total"] or ZERO))
    amount = refund.amount if refund is not None else event.amount
    entry_key = f"refund-failed-{refund.key if refund is not None else provider_refund_id}"
    record_request = payment.request
    if not record_request.timeline.filter(key=entry_key).exists():
        timeline_add(
            record_request=record_request,
            action="refund_failed",
            note=f"${amount}",
            key=entry_key,
        )
        audit_record(
            actor=None,
            actor_label="payment provider",
            action="records.payment.refund_reversed",
            target=record_request,
            detail={
                "session": payment.session_id,
                "refund": str(refund.key) if refund is not None else "",
                "provider_refund": provider_refund_id,
                "amount": str(amount),
                "reason": refund.reason if refund is not None else "",
                "failure_reason": failure_reason,
                "was": str(was or ""),
                "refunded": str(payment.amount_refunded),
            },
        )
        refund_reversed_alert(
            record_request=record_request,
            refund=refund,
            provider_refund_id=provider_refund_id,
            amount=amount,
            failure_reason=failure_reason,
        )
    # An invoice the refund had reopened is paid again, without a second "We received your
    # payment": the money was received once, and the failure's own e-mail says what follows.
    paid_again = payment_settle(record_request, notify_paid=False)
    if was == State.ISSUED:  # they were told it was refunded
        body = gettext_lazy(
            "The refund of $%(amount)s for request %(number)s did not reach your card: your "
            "bank or card issuer sent it back. The Records Division will get in touch about "
            "returning the money another way; you can also write to them from your "
            "tracking page."
        )
        if paid_again and record_request.status in {Status.READY, Status.CLOSED}:
            body = format_lazy(
                "{} {}",
                body,
                gettext_lazy(
                    "Until then your fees count as paid, so your documents are on your "
                    "tracking page again."
                ),
            )
        notify_requester(
            record_request=record_request,
            subject=gettext_lazy("Refund for request %(number)s did not go through"),
            body=body,
            dedupe_key=f"records-refund-failed-{refund.key}",
            amount=amount,
        )
