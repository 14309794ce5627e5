"""Text-message backends. Which one runs is the SMS_BACKEND setting; a gateway (Twilio, a state
contract) is one small class with a `send(to, body)` method."""

import sys
import threading


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
