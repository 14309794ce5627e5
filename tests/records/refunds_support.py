"""What the refund tests share: a paid request, a signed delivery of a webhook event, and the
Stripe stand-in with the part of Stripe's Refunds API that tests/support/stripe.py does not
speak yet (it belongs there; kept here while only the records tests use it):

- `GET /v1/refunds?payment_intent=...&limit=...`: Stripe's list of a payment's refunds, newest
  first (`{"object": "list", "data": [...], "has_more": false, "url": "/v1/refunds"}`);
- a refund that fails after Stripe made it (`fail_refund`): Stripe sets its `status` to
  `failed` with a `failure_reason` (`expired_or_canceled_card`, `lost_or_stolen_card`,
  `declined`, `insufficient_funds`, `merchant_request`, `unknown`, ...) and a
  `failure_balance_transaction`, gives the money back to the account's balance, and sends
  `refund.failed` and `refund.updated` (whose `data.previous_attributes` holds the old status),
  each with the Refund object as `data.object` (`charge` an id, `metadata` as sent)."""

import itertools
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from django.utils import timezone

from portal.models import Notification
from records.models import Fee, Payment, PaymentRefund, Status
from records.services import refund_retries, tracking_token
from records.services.refunds import payment_refund
from tests.records.factories import RecordRequestFactory
from tests.support import stripe as fake
from tests.support.errors import raises_domain

WEBHOOK = "/api/v1/records/payments/stripe/webhook/"
NOWHERE = "http://127.0.0.1:9"  # nothing listens there
REASON = "Request denied: no such report (C.G.S. §1-210)."
_failures = itertools.count(1)


class RefundingStripe(fake.StripeStandIn):
    def fail_refund(self, refund_id: str, *, reason: str = "expired_or_canceled_card") -> dict:
        """The card's bank sends the refund back: Stripe marks it failed."""
        refund = self.refunds[refund_id]
        refund["status"] = "failed"
        refund["failure_reason"] = reason
        refund["failure_balance_transaction"] = f"txn_test_failure_{next(_failures):08d}"
        charge = self.charges[refund["payment_intent"]]
        charge["amount_refunded"] -= refund["amount"]
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        return dict(refund)

    def dashboard_refund(self, intent: str, amount: int) -> dict:
        """A refund made in Stripe's dashboard: no Idempotency-Key, no metadata of ours."""
        status, refund = self._refund({"payment_intent": intent, "amount": str(amount)})
        assert status == 200, refund
        return refund

    def refund_event(self, kind: str, refund_id: str, **kwargs) -> dict:
        """`refund.failed`, `refund.updated` or `charge.refund.updated` about a refund as it is
        now at Stripe."""
        event = fake.event(kind, dict(self.refunds[refund_id]), **kwargs)
        if kind.endswith(".updated"):
            event["data"]["previous_attributes"] = {
                "status": "succeeded",
                "failure_reason": None,
                "failure_balance_transaction": None,
            }
        return event

    def _handle(self, method, path, headers, body):
        url = urlsplit(path)
        if (
            method == "GET"
            and url.path == "/v1/refunds"
            and headers.get("Authorization") == f"Bearer {fake.SECRET_KEY}"
            and not self.failures
        ):
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            rows = [
                dict(r)
                for r in self.refunds.values()
                if not query.get("payment_intent") or r["payment_intent"] == query["payment_intent"]
            ]
            rows.sort(key=lambda r: (r["created"], r["id"]), reverse=True)
            limit = int(query.get("limit", 10))
            return 200, {
                "object": "list",
                "data": rows[:limit],
                "has_more": len(rows) > limit,
                "url": "/v1/refunds",
            }
        return super()._handle(method, path, headers, body)


def deliver(client, payload, *, status: int = 200):
    body, header = fake.signed(payload)
    response = client.post(
        WEBHOOK, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert response.status_code == status
    return response


def paid(client, stripe, *, amount="2.00", language="en", intent="pi_test_1") -> Payment:
    """A request whose fee the requester paid online: the session, its charge at Stripe, and
    the signed `checkout.session.completed` that recorded it."""
    record_request = RecordRequestFactory(status=Status.READY, language=language)
    Fee.objects.create(
        request=record_request,
        description="Copies",
        quantity=1,
        unit_price=Decimal(amount),
        amount=Decimal(amount),
    )
    token = tracking_token(record_request=record_request)
    location = client.post(f"/records/track/{token}/pay/")["Location"]
    session = stripe.sessions[location.rsplit("/", 1)[-1]]
    stripe.charge(intent=intent, amount=session["amount_total"])
    deliver(
        client, fake.event("checkout.session.completed", fake.completed(session, intent=intent))
    )
    payment = Payment.objects.get(session_id=session["id"])
    assert payment.state == Payment.State.PAID
    return payment


def refund_calls(stripe) -> list[dict]:
    return [r for r in stripe.requests if r["path"] == "/v1/refunds" and r["method"] == "POST"]


def refund_messages(payment, prefix: str = "records-refund-") -> list[Notification]:
    return list(
        Notification.objects.filter(
            recipient=payment.request.requester_email, dedupe_key__startswith=prefix
        )
    )


def stalled(client, stripe, clerk, settings) -> PaymentRefund:
    """A refund Stripe never answered, flagged by beat a day after the clerk's click."""
    payment = paid(client, stripe)
    settings.STRIPE_API_BASE = NOWHERE
    with raises_domain("refund_unavailable"):
        payment_refund(actor=clerk, payment=payment, reason=REASON)
    settings.STRIPE_API_BASE = stripe.url
    refund = PaymentRefund.objects.get(payment=payment)
    later = timezone.now() + timedelta(hours=23, minutes=1)
    for _ in range(2):  # a second sweep finds it flagged already
        assert refund_retries.refund_retry(refund_id=refund.pk, now=later) == "skipped"
    refund.refresh_from_db()
    assert refund.stalled_at is not None
    return refund
