"""Refunding an online payment from the back office: a clerk refunds a fee paid through Stripe
(a request denied, a fee waived, a fee paid twice) without going to Stripe's dashboard.

Rules (department policy; the payment itself is records/services/payments.py and
payment_events.py):
- Only staff with the permission `records.refund_payment` refund (granted to the role "Records
  clerks" in records/apps.py). The rule is checked here, whichever page or API calls.
- A refund needs a reason (kept on the refund and in the audit log, never sent to the
  requester), a payment that went through, and an amount above $0.00 and at most what is left
  refundable: what was received less what was refunded so far. By default, all of that.
- Nothing is recorded as refunded on our word, and Stripe never refunds twice: a `pending`
  PaymentRefund, whose key is Stripe's Idempotency-Key, is committed before Stripe is asked
  (outside any transaction). Stripe's answer then marks it, in one transaction: `issued`
  (the payment's refunded total, timeline, audit, the requester's e-mail) or `failed` (Stripe
  said no: nothing was refunded; a new try is a new refund with a new key). No answer (down, a
  timeout, a 5xx) leaves it pending: the clerk is told, and sending the refund again asks Stripe
  with the same key, which answers with the refund it made, if it made one; beat asks again by
  itself too (records/services/refund_retries.py). Stripe keeps a key for 24 hours: a refund
  older than KEY_WINDOW (23 hours) is never asked for again, but looked up in Stripe's list by
  its key, and recorded issued if Stripe made it, failed if not. A payment has one pending
  refund at most; the same submission sent twice (a double click) is the same refund.
- Stripe returns the charge with the refund, and its running total refunded is what the
  payment's total is set to (never added to), as the `charge.refunded` webhook does: whichever
  comes first sets it, and the other finds nothing more to count.
- The requester is told once (outbox, their language; the de-duplication key is the refund's).
- A refund Stripe made can still fail later (the card's bank sends it back): TRANSITIONS allows
  it, records/services/refund_failures.py records it.
- The timeline shows each refund once: its entry is keyed on the refund, whether Stripe's answer
  or the `charge.refunded` webhook (when the answer was lost) reports it first.
- A refund that needs a clerk (NEEDS_CLERK: failed after Stripe made it, or pending and flagged
  by beat) stays under the queue's filter "refunds → Need a clerk" until a clerk with the same
  permission marks it as dealt with, with a note (`refund_dealt_with`, audit
  `records.payment.refund_dealt_with`). Once: marking it again changes nothing. A refund that
  needs nothing is refused (`refund_needs_nothing`). A flagged refund marked so stays pending:
  sending it again still records Stripe's answer.
"""

import logging
import uuid
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.errors import DomainError
from portal.services.audit import audit_record
from records.models import Payment, PaymentRefund
from records.services.common import notify_requester, timeline_add
from records.services.fees import PaymentUnavailable, RefundAnswer, RefundRefused
from records.services.payment_events import (
    payment_settle,
    refund_timeline_key,
    refunded_total_set,
)
from records.services.stripe_provider import CENT, FAILED_REFUND_STATUSES, provider

logger = logging.getLogger(__name__)

REFUND_PERMISSION = "records.refund_payment"
State = PaymentRefund.State
# A refund's states, declared once: Stripe's answer marks a pending refund; a refund Stripe
# made can still fail later (refund.failed). Nothing leaves `failed`.
TRANSITIONS = {
    State.PENDING: {State.ISSUED, State.FAILED},
    State.ISSUED: {State.FAILED},
    State.FAILED: set(),
}
REFUNDABLE_STATES = {Payment.State.PAID, Payment.State.PARTLY_REFUNDED}
# Stripe keeps an Idempotency-Key's answer for 24 hours and may then prune it: the same key
# sent later is a new refund. Past this age a pending refund is looked up, never asked again.
KEY_WINDOW = timedelta(hours=23)
RETRY_LABEL = "automatic retry"  # the audit log's actor for what the retry records
ZERO = Decimal("0.00")
# A refund a clerk must see to: the card's bank sent it back after Stripe made it (the money is
# back with the department), or beat stopped asking Stripe for it (refund_retries.py).
NEEDS_CLERK = Q(state=State.FAILED, provider_status__in=FAILED_REFUND_STATUSES) | Q(
    state=State.PENDING, stalled_at__isnull=False
)


def _username(user) -> str:
    return user.get_username() if user is not None else ""


def can_refund(user) -> bool:
    return bool(
        user is not None and getattr(user, "is_active", False) and user.has_perm(REFUND_PERMISSION)
    )


def refundable_amount(*, payment: Payment) -> Decimal:
    """What is left to refund on a payment that went through."""
    if payment.state not in REFUNDABLE_STATES or payment.paid_at is None:
        return ZERO
    return max(payment.amount_received - payment.amount_refunded, ZERO)


def payment_refund(
    *,
    actor,
    payment: Payment,
    amount: Decimal | None = None,
    reason: str,
    key: uuid.UUID | None = None,
) -> PaymentRefund:
    """Refund `amount` (by default all that is left) of an online payment through Stripe.
    `key` names one submission (the admin form's): sent again, it is the same refund. Raises
    DomainError: `forbidden`, `refund_reason`, `refund_not_paid`, `refund_amount`,
    `refund_pending` (another amount is waiting for Stripe's answer), `refund_refused` (Stripe
    said no; recorded as failed) and `refund_unavailable` (no answer; still pending: send it
    again)."""
    refund = _refund_reserve(actor=actor, payment=payment, amount=amount, reason=reason, key=key)
    if refund.state != PaymentRefund.State.PENDING:
        return refund  # this submission was answered already (a double click)
    return refund_ask(refund=refund, actor=actor)


def refund_ask(*, refund: PaymentRefund, actor=None) -> PaymentRefund:
    """Ask Stripe for a pending refund with its own key, outside any transaction, and record
    the answer (`actor` None: the automatic retry, records/services/refund_retries.py). A
    refund older than KEY_WINDOW is looked up in Stripe's list by that key instead: Stripe may
    have forgotten the key, and asking again could refund twice. Raises DomainError
    `refund_refused` (recorded as failed) or `refund_unavailable` (still pending)."""
    stale = refund.created_at <= timezone.now() - KEY_WINDOW
    try:
        if stale:
            answer = provider().refund_find(
                payment_intent=refund.payment.payment_intent, key=str(refund.key)
            )
        else:
            answer = provider().refund(
                payment_intent=refund.payment.payment_intent,
                amount=refund.amount,
                idempotency_key=refund.idempotency_key,
                metadata={
                    "record_request": str(refund.payment.request.public_id),
                    "refund": str(refund.key),
                },
            )
    except RefundRefused as exc:
        _refund_failed(refund=refund, actor=actor, error=str(exc))
        raise DomainError(
            _("Stripe refused the refund, so nothing was refunded: %(error)s")
            % {"error": str(exc).split(": ", 1)[-1]},
            code="refund_refused",
        ) from exc
    except PaymentUnavailable as exc:
        logger.warning("Stripe did not answer refund %s: %s", refund.key, exc)
        refund.refresh_from_db(fields=["state"])
        if refund.state == State.ISSUED:
            return refund  # another try with the same key (a clerk, the retry) got the answer
        raise DomainError(
            _(
                "Stripe did not answer, so the refund is not recorded. Try again in a few "
                "minutes: sending it again cannot refund twice."
            ),
            code="refund_unavailable",
        ) from exc
    if answer is None:  # looked up: Stripe never made it
        _refund_failed(
            refund=refund, actor=actor, error="not_found: Stripe has no refund with this key"
        )
        raise DomainError(
            _("Stripe has no refund with this key, so nothing was refunded. Send a new refund."),
            code="refund_refused",
        )
    return _refund_issued(refund=refund, actor=actor, answer=answer)


@transaction.atomic
def _refund_reserve(
    *, actor, payment: Payment, amount: Decimal | None, reason: str, key: uuid.UUID | None
) -> PaymentRefund:
    """The refund to ask Stripe for, committed before it is asked: a new pending one, or the
    one this submission (or a refund of the same amount left without an answer) made."""
    if not can_refund(actor):
        raise DomainError(_("You may not refund payments."), code="forbidden")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Give the reason for the refund."), code="refund_reason", field="reason"
        )
    # The payment's row lock orders every refund of it (and the webhook's changes).
    payment = Payment.objects.select_for_update().select_related("request").get(pk=payment.pk)
    if key is not None:
        same = (
            PaymentRefund.objects.filter(key=key, payment=payment)
            .exclude(state=PaymentRefund.State.FAILED)
            .first()
        )
        if same is not None:
            return same
    pending = payment.refunds.filter(state=PaymentRefund.State.PENDING).first()
    if pending is not None:
        if amount is None or amount == pending.amount:
            return pending  # asked again with its key: Stripe refunds it once
        raise DomainError(
            _(
                "A refund of $%(amount)s on this payment is waiting for Stripe's answer. Send "
                "that refund again before asking for another."
            )
            % {"amount": pending.amount},
            code="refund_pending",
            conflict=True,
        )
    if payment.state not in REFUNDABLE_STATES or payment.paid_at is None:
        raise DomainError(
            _("Only a payment that went through can be refunded."),
            code="refund_not_paid",
            conflict=True,
        )
    left = refundable_amount(payment=payment)
    amount = left if amount is None else amount
    if amount <= 0 or amount > left or amount != amount.quantize(CENT):
        raise DomainError(
            _("The amount must be more than $0.00 and at most $%(left)s, what is left to refund.")
            % {"left": left},
            code="refund_amount",
            field="amount",
        )
    if key is None or PaymentRefund.objects.filter(key=key).exists():
        key = uuid.uuid4()  # a failed try's key is spent: Stripe keeps its answer for a day
    refund = PaymentRefund(
        payment=payment,
        key=key,
        amount=amount,
        reason=reason[:2000],
        requested_by=actor,
    )
    refund.full_clean()
    refund.save()
    audit_record(
        actor=actor,
        action="records.payment.refund_requested",
        target=payment.request,
        detail={
            "session": payment.session_id,
            "refund": str(refund.key),
            "amount": str(amount),
            "reason": refund.reason,
        },
    )
    return refund


@transaction.atomic
def _refund_failed(*, refund: PaymentRefund, actor, error: str) -> None:
    refund = (
        PaymentRefund.objects.select_for_update()
        .select_related("payment__request")
        .get(pk=refund.pk)
    )
    if refund.state != State.PENDING:
        return  # the same key's other try recorded Stripe's answer first
    refund.state = PaymentRefund.State.FAILED
    refund.error = error[:2000]
    refund.completed_at = timezone.now()
    refund.save(update_fields=["state", "error", "completed_at"])
    audit_record(
        actor=actor,
        actor_label="" if actor else RETRY_LABEL,
        action="records.payment.refund_failed",
        target=refund.payment.request,
        detail={
            "session": refund.payment.session_id,
            "refund": str(refund.key),
            "amount": str(refund.amount),
            "reason": refund.reason,
            "error": refund.error,
            "requested_by": _username(refund.requested_by),
        },
    )


@transaction.atomic
def _refund_issued(*, refund: PaymentRefund, actor, answer: RefundAnswer) -> PaymentRefund:
    payment = (
        Payment.objects.select_for_update().select_related("request").get(pk=refund.payment_id)
    )
    refund = PaymentRefund.objects.select_for_update().get(pk=refund.pk)
    if State.ISSUED not in TRANSITIONS[refund.state]:
        return refund  # the same key's other try (or the webhook) recorded the outcome first
    refund.state = PaymentRefund.State.ISSUED
    refund.provider_refund_id = answer.refund_id[:255]
    refund.provider_status = answer.status[:40]
    refund.completed_at = timezone.now()
    refund.save(update_fields=["state", "provider_refund_id", "provider_status", "completed_at"])
    # Stripe's running total on the charge; our own issued refunds if it did not send one (or
    # sent less, which it cannot). charge.refunded sets the same total: it counts once.
    ours = payment.refunds.filter(state=PaymentRefund.State.ISSUED).aggregate(total=Sum("amount"))
    refunded_total_set(payment, max(answer.charge_refunded or ZERO, ours["total"] or ZERO))
    record_request = payment.request
    clerk = actor or refund.requested_by  # the retry sends the clerk's refund
    entry = timeline_add(
        record_request=record_request,
        action="refund",
        actor=clerk,
        note=f"${refund.amount}",
        key=refund_timeline_key(refund),
    )
    if entry.actor_id is None and getattr(clerk, "is_authenticated", False):
        # The webhook wrote it first, without knowing whose refund it was.
        entry.actor = clerk
        entry.save(update_fields=["actor"])
    audit_record(
        actor=actor,
        actor_label="" if actor else RETRY_LABEL,
        action="records.payment.refund_issued",
        target=record_request,
        detail={
            "session": payment.session_id,
            "refund": str(refund.key),
            "provider_refund": refund.provider_refund_id,
            "amount": str(refund.amount),
            "reason": refund.reason,
            "refunded": str(payment.amount_refunded),
            "requested_by": _username(refund.requested_by),
            "automatic_tries": refund.attempts,
        },
    )
    notify_requester(
        record_request=record_request,
        subject=gettext_lazy("Refund for request %(number)s"),
        body=gettext_lazy(
            "We refunded $%(amount)s of the fees you paid online for request %(number)s. The "
            "money goes back to the card you paid with; your bank may take 5 to 10 business "
            "days to show it."
        ),
        dedupe_key=f"records-refund-{refund.key}",
        amount=refund.amount,
    )
    payment_settle(record_request)
    return refund


@transaction.atomic
def refund_dealt_with(*, actor, refund: PaymentRefund, note: str) -> PaymentRefund:
    """A clerk says a refund that needed one was dealt with (the money returned another way, the
    refund found in Stripe's dashboard), with a note: it leaves the filter "Need a clerk".
    Marking it again changes nothing. Raises DomainError: `forbidden`, `refund_note`,
    `refund_needs_nothing`."""
    if not can_refund(actor):
        raise DomainError(_("You may not refund payments."), code="forbidden")
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say how the refund was dealt with."), code="refund_note", field="note")
    refund = (
        PaymentRefund.objects.select_for_update(of=("self",))
        .select_related("payment__request")
        .get(pk=refund.pk)
    )
    if refund.dealt_with_at is not None:
        return refund  # marked already (a double click, two clerks)
    if not PaymentRefund.objects.filter(NEEDS_CLERK, pk=refund.pk).exists():
        raise DomainError(
            _("This refund needs nothing from a clerk."),
            code="refund_needs_nothing",
            conflict=True,
        )
    refund.dealt_with_at = timezone.now()
    refund.dealt_with_by = actor
    refund.dealt_with_note = note[:2000]
    refund.save(update_fields=["dealt_with_at", "dealt_with_by", "dealt_with_note"])
    audit_record(
        actor=actor,
        action="records.payment.refund_dealt_with",
        target=refund.payment.request,
        detail={
            "session": refund.payment.session_id,
            "refund": str(refund.key),
            "amount": str(refund.amount),
            "state": refund.state,
            "error": refund.error,
            "note": refund.dealt_with_note,
        },
    )
    return refund
