"""A stand-in for the part of Stripe's API we use, as documented: POST /v1/checkout/sessions
(form-encoded, nested keys like line_items[0][price_data][unit_amount], Bearer secret key,
Idempotency-Key) answers the Checkout Session object; errors are {"error": {"type", "code",
"message"}}. `event` and `signed` make webhook deliveries the way Stripe signs them:
Stripe-Signature: t=<unix time>,v1=<HMAC-SHA256 of "<t>.<payload>" with the endpoint secret>."""

import hashlib
import hmac
import itertools
import json
import time
from urllib.parse import parse_qs

from tests.support.standin import StandIn

SECRET_KEY = "sk_test_stand_in_key"
WEBHOOK_SECRET = "whsec_test_stand_in_secret"


class StripeStandIn(StandIn):
    def __init__(self):
        self.sessions: dict[str, dict] = {}
        self.by_key: dict[str, str] = {}
        self.failures: list[tuple[int, str, str]] = []
        self._ids = itertools.count(1)
        super().__init__(self._handle)

    def fail_next(self, status: int, kind: str, message: str) -> None:
        self.failures.append((status, kind, message))

    checkout_base = "https://checkout.stripe.com"  # a browser test points it at the stand-in

    def _handle(self, method, path, headers, body):
        if method == "GET" and path.startswith("/c/pay/"):
            session = self.sessions.get(path.rsplit("/", 1)[-1])
            if session is None:
                return 404, "<!doctype html><title>Not found</title>"
            return 200, (
                "<!doctype html><html lang=en><title>Checkout stand-in</title>"
                f"<main><h1>Pay {session['amount_total'] / 100:.2f} USD</h1></main></html>"
            )
        if headers.get("Authorization") != f"Bearer {SECRET_KEY}":
            return 401, {
                "error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}
            }
        if self.failures:
            status, kind, message = self.failures.pop(0)
            return status, {"error": {"type": kind, "message": message}}
        if method == "POST" and path == "/v1/checkout/sessions":
            key = headers.get("Idempotency-Key", "")
            if key and key in self.by_key:
                return 200, self.sessions[self.by_key[key]]
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            amount = int(form["line_items[0][price_data][unit_amount]"]) * int(
                form["line_items[0][quantity]"]
            )
            sid = f"cs_test_{next(self._ids):024d}"
            self.sessions[sid] = {
                "id": sid,
                "object": "checkout.session",
                "mode": form["mode"],
                "status": "open",
                "payment_status": "unpaid",
                "amount_total": amount,
                "amount_subtotal": amount,
                "currency": form["line_items[0][price_data][currency]"],
                "client_reference_id": form.get("client_reference_id"),
                "customer_email": form.get("customer_email"),
                "metadata": {"record_request": form.get("metadata[record_request]")},
                "payment_intent": None,
                "success_url": form["success_url"],
                "cancel_url": form["cancel_url"],
                "expires_at": int(form["expires_at"]),
                "locale": form.get("locale"),
                "url": f"{self.checkout_base}/c/pay/{sid}",
                "livemode": False,
                "form": form,
            }
            if key:
                self.by_key[key] = sid
            return 200, self.sessions[sid]
        return 404, {"error": {"type": "invalid_request_error", "message": "Unrecognized URL"}}


_events = itertools.count(1)


def event(kind: str, obj: dict, *, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_test_{next(_events):024d}",
        "object": "event",
        "api_version": "2025-09-30.clover",
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "type": kind,
        "data": {"object": obj},
    }


def completed(
    session: dict,
    *,
    amount: int | None = None,
    currency: str | None = None,
    intent: str = "pi_test_1",
    status: str = "paid",
) -> dict:
    return {
        **{k: v for k, v in session.items() if k != "form"},
        "status": "complete",
        "payment_status": status,
        "amount_total": session["amount_total"] if amount is None else amount,
        "currency": currency or session["currency"],
        "payment_intent": intent,
    }


def refunded(*, intent: str, amount: int, refunded_amount: int) -> dict:
    return {
        "id": "ch_test_" + intent[-6:],
        "object": "charge",
        "amount": amount,
        "amount_refunded": refunded_amount,
        "refunded": refunded_amount >= amount,
        "payment_intent": intent,
        "currency": "usd",
    }


def signed(payload: dict, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> tuple:
    body = json.dumps(payload)
    timestamp = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return body, f"t={timestamp},v1={mac}"
