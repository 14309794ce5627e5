"""Text-message backends. Which one runs is the SMS_BACKEND setting; a gateway is one small
class with a `send(to, body)` method that returns an `SMSReceipt` (or None when the backend
has no receipt to give) and raises `SMSTemporaryError` (try again later) or
`SMSPermanentError` (never try again) when the message was not taken."""

import sys
import threading
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import requests
from django.conf import settings
from django.urls import reverse
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from portal.links import absolute_url

# Twilio error codes that mean "this number cannot get this message, ever": retrying them only
# costs money (https://www.twilio.com/docs/api/errors). 21610: the recipient replied STOP.
TWILIO_UNSUBSCRIBED = 21610


@dataclass(frozen=True)
class SMSReceipt:
    provider_id: str
    status: str = ""
    cost: Decimal | None = None
    currency: str = ""


class SMSTemporaryError(Exception):
    """The provider did not take the message this time (down, throttled, misconfigured)."""


class SMSPermanentError(Exception):
    """The provider refused the message for good (a bad number, an opted-out recipient)."""

    permanent = True  # the outbox marks the message failed at once, without retries

    def __init__(self, message: str, *, code: str = ""):
        super().__init__(message)
        self.code = code


def price(value, unit: str = "") -> tuple[Decimal | None, str]:
    """Twilio gives a price as a negative decimal string ("-0.00790"): what it cost us."""
    if value in (None, ""):
        return None, ""
    try:
        return abs(Decimal(str(value))), (unit or "").upper()[:3]
    except InvalidOperation:
        return None, ""


class ConsoleSMSBackend:
    """Prints each message: the development default."""

    def send(self, *, to: str, body: str) -> None:
        sys.stdout.write(f"SMS to {to}: {body}\n")
        sys.stdout.flush()


class LocmemSMSBackend:
    """Keeps messages in memory, like Django's locmem e-mail backend, for tests."""

    outbox: list[dict[str, str]] = []
    _lock = threading.Lock()

    def send(self, *, to: str, body: str) -> None:
        with self._lock:
            self.outbox.append({"to": to, "body": body})


def twilio_client() -> Client:
    """A client for the configured account. TWILIO_API_BASE points it elsewhere than
    https://api.twilio.com (a test stand-in, a regional edge)."""
    client = Client(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        http_client=TwilioHttpClient(timeout=settings.TWILIO_TIMEOUT_SECONDS),
    )
    if settings.TWILIO_API_BASE:
        client.api.base_url = settings.TWILIO_API_BASE.rstrip("/")
    return client


class TwilioSMSBackend:
    """Sends through Twilio's Messages API, asking for status callbacks at /sms/twilio/status/.
    From TWILIO_MESSAGING_SERVICE_SID when set (Twilio picks the number), else TWILIO_FROM."""

    def send(self, *, to: str, body: str) -> SMSReceipt:
        if not (settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN):
            raise SMSTemporaryError("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set")
        sender = (
            {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}
            if settings.TWILIO_MESSAGING_SERVICE_SID
            else {"from_": settings.TWILIO_FROM}
        )
        try:
            message = twilio_client().messages.create(
                to=to,
                body=body,
                status_callback=absolute_url(reverse("sms-status")),
                **sender,
            )
        except TwilioRestException as exc:
            reason = f"Twilio {exc.status} {exc.code or ''}: {exc.msg}".strip()
            # 429 throttled, 5xx down, 401/403 keys wrong or suspended: all pass with time or
            # with an operator's fix, so the outbox tries again. Any other 4xx is about this
            # message (a bad or opted-out number) and would fail the same way again.
            if exc.status in (401, 403, 429) or exc.status >= 500:
                raise SMSTemporaryError(reason) from exc
            raise SMSPermanentError(reason, code=str(exc.code or exc.status)) from exc
        except (TwilioException, requests.RequestException) as exc:
            raise SMSTemporaryError(f"Twilio unreachable: {exc}") from exc
        cost, currency = price(message.price, message.price_unit)
        return SMSReceipt(
            provider_id=message.sid, status=message.status or "", cost=cost, currency=currency
        )

    def fetch(self, *, provider_id: str) -> SMSReceipt:
        """The message resource as Twilio has it now (its price comes after delivery)."""
        try:
            message = twilio_client().messages(provider_id).fetch()
        except (TwilioException, requests.RequestException) as exc:
            raise SMSTemporaryError(str(exc)) from exc
        cost, currency = price(message.price, message.price_unit)
        return SMSReceipt(
            provider_id=message.sid, status=message.status or "", cost=cost, currency=currency
        )
