"""Paying a request's fees online, through Stripe Checkout: opening the Checkout Session.
What Stripe's events then say of a payment is records/services/payment_events.py; Stripe
itself (the client, reading its objects) is stripe_provider.py.

Rules:
- No card data touches our server: the requester is sent to a Checkout Session (Stripe's own
  page) and comes back to the tracking page. We learn of a payment from Stripe's signed webhook
  only, never from the return address, which anyone can open.
- The amount asked is what is due now: the unwaived fees less what was already paid online
  and not refunded. With nothing due, no session is opened. An open session for the same amount
  is reused, so a double click opens one.
"""

import datetime
import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.errors import DomainError
from records.models import Payment, RecordRequest
from records.selectors import fees_total, online_paid
from records.services.fees import PaymentUnavailable
from records.services.links import tracking_url

# Declared in stripe_provider.py; records/admin imports it from here, where it was first.
from records.services.stripe_provider import FAILED_REFUND_STATUSES as FAILED_REFUND_STATUSES
from records.services.stripe_provider import amount_to_cents, payments_enabled, provider

logger = logging.getLogger(__name__)

SESSION_MINUTES = 60  # Stripe accepts 30 minutes to 24 hours


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
                f"records-{record_request.public_id}-{opened}-"
                f"{amount_to_cents(due)}-{now:%Y%m%d%H%M}"
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
