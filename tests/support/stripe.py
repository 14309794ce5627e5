"""A stand-in for the part of Stripe's API we use, as documented: POST /v1/checkout/sessions
(form-encoded, nested keys like line_items[0][price_data][unit_amount], Bearer secret key,
Idempotency-Key) answers the Checkout Session object; POST /v1/refunds (payment_intent, amount
in cents, metadata[...], expand[]=charge) answers the Refund object, refuses more than is left
on the charge (400 `amount_too_large`, or `charge_already_refunded`) and an unknown payment
intent (400 `resource_missing`), and keeps each Idempotency-Key's first answer (an error
included): the same key sent again gets it back and refunds nothing more, the same key with
other parameters is a 400 `idempotency_error`. Errors are {"error": {"type", "code", "param",
"message"}}. `charge` puts at Stripe the charge a paid Checkout Session leaves; `refunded_event`
is the `charge.refunded` event Stripe then sends. `event` and `signed` make webhook deliveries
the way Stripe signs them: Stripe-Signature: t=<unix time>,v1=<HMAC-SHA256 of "<t>.<payload>"
with the endpoint secret>."""

import hashlib
import hmac
import itertools
import json
import threading
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
        self.charges: dict[str, dict] = {}  # by payment intent
        self.refunds: dict[str, dict] = {}
        self.answers: dict[str, tuple[dict, int, dict]] = {}  # Idempotency-Key -> first answer
        self.lost_answers = 0
        self._lock = threading.Lock()  # one key, one answer, even when two calls race
        self._ids = itertools.count(1)
        super().__init__(self._handle)

    def fail_next(self, status: int, kind: str, message: str) -> None:
        """The next call is refused before Stripe acts on it (nothing done, nothing kept)."""
        self.failures.append((status, kind, message))

    def lose_next_answers(self, count: int = 1) -> None:
        """The next `count` calls are carried out, and their answer is lost on the way back
        (the caller sees a 502, as when a proxy or the network fails after Stripe acted)."""
        self.lost_answers += count

    def charge(self, *, intent: str, amount: int, currency: str = "usd") -> dict:
        """The charge of a paid Checkout Session, at Stripe (what a refund refunds)."""
        self.charges[intent] = {
            "id": "ch_test_" + intent.removeprefix("pi_test_"),
            "object": "charge",
            "amount": amount,
            "amount_captured": amount,
            "amount_refunded": 0,
            "captured": True,
            "currency": currency,
            "paid": True,
            "payment_intent": intent,
            "refunded": False,
            "status": "succeeded",
        }
        return self.charges[intent]

    def refunded_event(self, intent: str, **kwargs) -> dict:
        """The `charge.refunded` event Stripe sends after a refund: the charge with its running
        total `amount_refunded`."""
        return event("charge.refunded", dict(self.charges[intent]), **kwargs)

    def refunds_made(self) -> list[dict]:
        return list(self.refunds.values())

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
        if method == "POST" and path == "/v1/refunds":
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            key = headers.get("Idempotency-Key", "")
            with self._lock:
                if key and key in self.answers:
                    first, status, answer = self.answers[key]
                    if first != form:
                        status, answer = (
                            400,
                            _error(
                                "idempotency_error",
                                "Keys for idempotent requests can only be used with the same "
                                "parameters they were first used with. Try using a key other than "
                                f"'{key}' if you meant to execute a different request.",
                            ),
                        )
                else:
                    status, answer = self._refund(form)
                    if key:
                        self.answers[key] = (form, status, answer)
                if self.lost_answers:
                    self.lost_answers -= 1
                    return 502, {"error": {"type": "api_error", "message": "Bad gateway"}}
            return status, answer
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

    def _refund(self, form: dict) -> tuple[int, dict]:
        intent = form.get("payment_intent", "")
        if not intent and not form.get("charge"):
            return 400, _error(
                "invalid_request_error",
                "One of the following params should be provided for this request: "
                "payment_intent or charge.",
                code="parameter_missing",
            )
        charge = self.charges.get(intent)
        if charge is None:
            return 400, _error(
                "invalid_request_error",
                f"No such payment_intent: '{intent}'",
                code="resource_missing",
                param="payment_intent",
            )
        left = charge["amount"] - charge["amount_refunded"]
        if left <= 0:
            return 400, _error(
                "invalid_request_error",
                f"Charge {charge['id']} has already been refunded.",
                code="charge_already_refunded",
            )
        try:
            amount = int(form.get("amount", left))
        except ValueError:
            amount = 0
        if amount <= 0:
            return 400, _error(
                "invalid_request_error",
                "Invalid positive integer",
                code="parameter_invalid_integer",
                param="amount",
            )
        if amount > left:
            return 400, _error(
                "invalid_request_error",
                f"Refund amount (${amount / 100:.2f}) is greater than unrefunded amount on "
                f"charge (${left / 100:.2f})",
                code="amount_too_large",
                param="amount",
            )
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        rid = f"re_test_{next(self._ids):024d}"
        metadata = {
            k[len("metadata[") : -1]: v for k, v in form.items() if k.startswith("metadata[")
        }
        self.refunds[rid] = {
            "id": rid,
            "object": "refund",
            "amount": amount,
            "balance_transaction": f"txn_test_{rid[-8:]}",
            "charge": charge["id"],
            "created": int(time.time()),
            "currency": charge["currency"],
            "metadata": metadata,
            "payment_intent": intent,
            "reason": form.get("reason"),
            "receipt_number": None,
            "status": "succeeded",
        }
        answer = dict(self.refunds[rid])
        if "charge" in [v for k, v in form.items() if k.startswith("expand[")]:
            answer["charge"] = dict(charge)
        return 200, answer


def _error(kind: str, message: str, *, code: str = "", param: str = "") -> dict:
    error = {"type": kind, "message": message}
    if code:
        error["code"] = code
        error["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
    if param:
        error["param"] = param
    return {"error": error}


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
