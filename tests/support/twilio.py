"""A stand-in for Twilio's Messages API (2010-04-01), as documented: POST
/2010-04-01/Accounts/{AccountSid}/Messages.json (form-encoded, HTTP basic auth with the account
SID and auth token) answers 201 with the message resource; GET .../Messages/{Sid}.json reads
it; errors are {"code", "message", "more_info", "status"}. `fail_next` queues error answers."""

import base64
import itertools
import re
from contextlib import contextmanager
from urllib.parse import parse_qs

from tests.support.standin import StandIn

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "twilio-test-auth-token"

MESSAGES = re.compile(r"^/2010-04-01/Accounts/(AC\w+)/Messages\.json$")
MESSAGE = re.compile(r"^/2010-04-01/Accounts/(AC\w+)/Messages/(SM\w+)\.json$")


class TwilioStandIn(StandIn):
    def __init__(self):
        self.messages: dict[str, dict] = {}
        self.failures: list[tuple[int, int, str]] = []
        self._ids = itertools.count(1)
        super().__init__(self._handle)

    def fail_next(self, status: int, code: int, message: str) -> None:
        self.failures.append((status, code, message))

    def price(self, sid: str, value: str = "-0.00790", unit: str = "USD") -> None:
        self.messages[sid]["price"], self.messages[sid]["price_unit"] = value, unit

    def _error(self, status, code, message):
        return status, {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        }

    def _handle(self, method, path, headers, body):
        expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        if headers.get("Authorization") != expected:
            return self._error(401, 20003, "Authenticate")
        if self.failures:
            return self._error(*self.failures.pop(0))
        if method == "POST" and (match := MESSAGES.match(path)):
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            if not form.get("To") or not form.get("Body"):
                return self._error(400, 21604, "A 'To' phone number is required.")
            sid = f"SM{next(self._ids):032x}"
            self.messages[sid] = {
                "sid": sid,
                "account_sid": match.group(1),
                "to": form["To"],
                "from": form.get("From"),
                "messaging_service_sid": form.get("MessagingServiceSid"),
                "body": form["Body"],
                "status": "queued",
                "num_segments": "1",
                "direction": "outbound-api",
                "api_version": "2010-04-01",
                "price": None,
                "price_unit": "USD",
                "error_code": None,
                "error_message": None,
                "date_created": "Sun, 06 Dec 2026 23:40:00 +0000",
                "date_updated": "Sun, 06 Dec 2026 23:40:00 +0000",
                "date_sent": None,
                "uri": f"/2010-04-01/Accounts/{match.group(1)}/Messages/{sid}.json",
                "status_callback": form.get("StatusCallback"),
            }
            return 201, self.messages[sid]
        if method == "GET" and (match := MESSAGE.match(path)):
            message = self.messages.get(match.group(2))
            if message is None:
                return self._error(404, 20404, "The requested resource was not found")
            return 200, {k: v for k, v in message.items() if k != "status_callback"}
        return self._error(404, 20404, "The requested resource was not found")


@contextmanager
def twilio_configured(settings):
    """The SMS outbox sending through Twilio's library to a stand-in for the test."""
    with TwilioStandIn() as stand_in:
        settings.SMS_BACKEND = "portal.sms.TwilioSMSBackend"
        settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
        settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
        settings.TWILIO_FROM = "+18605550100"
        settings.TWILIO_API_BASE = stand_in.url
        yield stand_in
