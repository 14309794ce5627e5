"""Telling the records clerks that a refund needs one of them, so that nobody has to watch the
queue's filter "refunds → Need a clerk" (records/admin/filters.py) to find out.

Rules (department policy):
- A refund beat stopped asking Stripe for (flagged: records/services/refund_retries.py) and a
  refund Stripe reports failed after it made it (records/services/refund_failures.py) are each
  e-mailed once, through the outbox, in the transaction that records them: the de-duplication
  key is the refund's, the event's and the recipient's.
- Who: the clerk who asked for the refund, and the Records Division's staff address (the
  supervisor's e-mail in Records settings, which already gets the daily overdue digest). When
  neither has an address (a refund made in Stripe's dashboard, a clerk without e-mail and no
  supervisor set), every active member of the role "Records clerks" with an e-mail, so the
  alert reaches someone.
- Staff read English (settings.LANGUAGE_CODE); the text still goes through gettext. It carries
  the request's number, the amount, the refund's key or Stripe's reason, and a link to the
  request's page in admin (sign-in needed): never the requester's details.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal import roles
from portal.links import absolute_url
from portal.services.notifications import notification_enqueue
from records.models import PaymentRefund, RecordRequest, RecordsSettings


def refund_alert_recipients(*, refund: PaymentRefund | None) -> list[str]:
    """The addresses a refund's alert goes to (see the module's rules), each once."""
    addresses: list[str] = []
    clerk = refund.requested_by if refund is not None else None
    if clerk is not None and clerk.is_active and clerk.email:
        addresses.append(clerk.email)
    supervisor = RecordsSettings.get_solo().supervisor_email
    if supervisor:
        addresses.append(supervisor)
    if not addresses:
        addresses = list(
            get_user_model()
            .objects.filter(is_active=True, groups__name=roles.RECORDS_CLERKS)
            .exclude(email="")
            .order_by("pk")
            .values_list("email", flat=True)
            .distinct()
        )
    unique: dict[str, str] = {}
    for address in addresses:
        unique.setdefault(address.lower(), address)
    return list(unique.values())


def _alert(*, event: str, record_request: RecordRequest, refund_id: str, recipients, text) -> None:
    language = settings.LANGUAGE_CODE
    link = absolute_url(reverse("admin:records_recordrequest_change", args=[record_request.pk]))
    with translation.override(language):
        subject, body = text()
        body += "\n\n" + _("Open the request (sign-in needed):\n%(link)s") % {"link": link}
    for recipient in recipients:
        notification_enqueue(
            channel="email",
            recipient=recipient,
            subject=subject,
            body=body,
            language=language,
            dedupe_key=f"records:refund-{event}:{refund_id}:{recipient.lower()}"[:200],
        )


def refund_stalled_alert(*, refund: PaymentRefund) -> None:
    """Beat gave up asking Stripe for `refund`: tell the clerks (once)."""
    record_request = refund.payment.request

    def text():
        params = {
            "number": record_request.tracking_number,
            "amount": refund.amount,
            "tries": refund.attempts,
            "key": refund.key,
        }
        return (
            _("Refund for request %(number)s needs a clerk: Stripe did not answer") % params,
            _(
                "Stripe answered none of the automatic tries (%(tries)s) of the refund of "
                "$%(amount)s for request %(number)s, and the portal no longer asks by itself. "
                "Look the refund up in Stripe's dashboard (its metadata has refund %(key)s), "
                "then send it again from the request's page, or mark it as dealt with."
            )
            % params,
        )

    _alert(
        event="stalled",
        record_request=record_request,
        refund_id=str(refund.key),
        recipients=refund_alert_recipients(refund=refund),
        text=text,
    )


def refund_reversed_alert(
    *,
    record_request: RecordRequest,
    refund: PaymentRefund | None,
    provider_refund_id: str,
    amount,
    failure_reason: str,
) -> None:
    """Stripe reports a refund it made failed (the card's bank sent it back): tell the clerks
    (once). `refund` is None for a refund made in Stripe's dashboard."""

    def text():
        params = {
            "number": record_request.tracking_number,
            "amount": amount,
            "reason": failure_reason,
            "refund": provider_refund_id or (refund.key if refund is not None else ""),
        }
        return (
            _("Refund for request %(number)s did not reach the card") % params,
            _(
                "The refund of $%(amount)s for request %(number)s (Stripe refund %(refund)s) "
                "did not reach the card: the card's bank sent it back (%(reason)s). The money "
                "is back in the department's Stripe balance. Return it another way, then mark "
                "the refund as dealt with on the request's page."
            )
            % params,
        )

    _alert(
        event="reversed",
        record_request=record_request,
        refund_id=str(refund.key) if refund is not None else provider_refund_id,
        recipients=refund_alert_recipients(refund=refund),
        text=text,
    )
