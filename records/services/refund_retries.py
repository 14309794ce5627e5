"""Asking Stripe again, without a clerk, for a refund it did not answer (records/services/
refunds.py leaves it pending: Stripe down, a timeout, a 5xx, an answer lost on the way).

Rules (department policy, around Stripe's documented idempotency: a key's first answer is kept
and given back to the same request sent again, for at least 24 hours):
- Beat runs the sweep (`refunds_retry_due`, records.tasks.refunds_retry_sweep) every
  RECORDS_REFUND_RETRY_SECONDS. It asks again for each pending refund older than RETRY_GRACE
  (the clerk, told to try again in a few minutes, may do it first), with the refund's own
  Idempotency-Key: Stripe answers with the refund it made, if it made one, so it refunds once.
  The answer is recorded as a clerk's resend is (refunds.refund_ask): issued (the requester's
  e-mail, once), refused (failed), or still no answer.
- Back-off: after the n-th automatic try the next waits min(RETRY_FIRST_WAIT x 2^(n-1),
  RETRY_LONGEST_WAIT): tries about 2, 4, 8, 16, 32 and 64 minutes after the one before, then
  every 2 hours.
- Cap: after RETRY_MAX_ATTEMPTS tries (about 12 hours), or once the refund is
  refunds.KEY_WINDOW (23 hours) old, whichever comes first, beat stops: Stripe may forget a key
  after 24 hours, and the same key sent then would be a second refund. The refund stays pending
  and is flagged for the clerks (`stalled_at`, audit `records.payment.refund_stalled`, an
  e-mail to the clerks through the outbox (records/services/refund_alerts.py), the request's
  page, the queue's filter "refunds"). A clerk may still send it again: within the
  day with the same key; after it, refunds.refund_ask looks the refund up by its key instead.
- Once, whoever asks at the same moment: a try claims its refund in a transaction of its own,
  under a row lock taken with SKIP LOCKED (a refund whose answer is being recorded, or that
  another sweep claimed, is passed over, not waited for), counts the try and sets the next
  before it commits, and asks Stripe after commit. A clerk's resend at the same moment sends
  the same key; whichever answer is recorded first is the one, as both lock the payment and the
  refund and record only a pending refund's answer.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal import handoff
from portal.errors import DomainError
from portal.services.audit import audit_record
from records import tasks
from records.models import PaymentRefund
from records.services.refund_alerts import refund_stalled_alert
from records.services.refunds import KEY_WINDOW, RETRY_LABEL, refund_ask
from records.services.stripe_provider import payments_enabled

logger = logging.getLogger(__name__)

RETRY_GRACE = timedelta(minutes=2)
RETRY_FIRST_WAIT = timedelta(minutes=2)
RETRY_LONGEST_WAIT = timedelta(hours=2)
RETRY_MAX_ATTEMPTS = 12
BATCH = 100


def retry_wait(attempts: int) -> timedelta:
    """How long after its `attempts`-th automatic try a refund is tried again."""
    return min(RETRY_FIRST_WAIT * 2 ** max(attempts - 1, 0), RETRY_LONGEST_WAIT)


def _due(now: datetime):
    return PaymentRefund.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        state=PaymentRefund.State.PENDING,
        stalled_at__isnull=True,
        created_at__lte=now - RETRY_GRACE,
    )


def refunds_retry_due(*, now: datetime | None = None) -> int:
    """Queue a try for each pending refund that is due one. The try claims the refund itself,
    so a refund queued twice (two sweeps, a lost task sent again) is tried once."""
    if not payments_enabled():
        return 0
    now = now or timezone.now()
    due = list(_due(now).order_by("created_at").values_list("pk", flat=True)[:BATCH])
    for pk in due:
        handoff.dispatch(tasks.refund_retry, pk)
    return len(due)


def _claim(refund_id: int, now: datetime) -> PaymentRefund | None:
    """The refund, with this try counted, or None: not due, taken, or flagged now."""
    with transaction.atomic():
        refund = (
            _due(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("payment__request", "requested_by")
            .filter(pk=refund_id)
            .first()
        )
        if refund is None:
            return None
        if refund.attempts >= RETRY_MAX_ATTEMPTS or refund.created_at <= now - KEY_WINDOW:
            refund.stalled_at = now
            refund.save(update_fields=["stalled_at"])
            audit_record(
                actor=None,
                actor_label=RETRY_LABEL,
                action="records.payment.refund_stalled",
                target=refund.payment.request,
                detail={
                    "session": refund.payment.session_id,
                    "refund": str(refund.key),
                    "amount": str(refund.amount),
                    "attempts": refund.attempts,
                    "requested_by": refund.requested_by.get_username()
                    if refund.requested_by
                    else "",
                },
            )
            refund_stalled_alert(refund=refund)
            logger.warning("Refund %s: no answer from Stripe; left to the clerks", refund.key)
            return None
        refund.attempts += 1
        refund.next_attempt_at = now + retry_wait(refund.attempts)
        refund.save(update_fields=["attempts", "next_attempt_at"])
        return refund


def refund_retry(*, refund_id: int, now: datetime | None = None) -> str:
    """One automatic try of a pending refund: "issued", "refused", "unanswered", or "skipped"
    (not due, claimed elsewhere, answered, or flagged now). Safe to call any number of times."""
    if not payments_enabled():
        return "skipped"
    refund = _claim(refund_id, now or timezone.now())
    if refund is None:
        return "skipped"
    try:
        refund = refund_ask(refund=refund, actor=None)
    except DomainError as error:
        return "refused" if error.domain_code == "refund_refused" else "unanswered"
    return "issued" if refund.state == PaymentRefund.State.ISSUED else "skipped"
