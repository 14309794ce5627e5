"""Links the portal sends out: absolute addresses for e-mails and documents, and signed links.

A signed link carries a value (a permit code, a request's public id) signed with `SECRET_KEY`
and a salt of its own, so a token made for one purpose is refused by every other, and, where
it has one, a maximum age. Each feature declares its kinds of link once, as module constants:

    TRACK = SignedLink(salt="records.track", max_age=TRACKING_LINK_MAX_AGE)
    token = TRACK.make(str(record_request.public_id))
    public_id = TRACK.read(token)  # None when forged, altered or expired

Salts are part of every link already sent: changing one breaks those links.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing


def absolute_url(path: str) -> str:
    """`path` (from `reverse` or `get_absolute_url`) as a full address under PORTAL_BASE_URL."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path


@dataclass(frozen=True)
class SignedLink:
    salt: str
    max_age: int | float | None = None  # seconds; None: the link does not expire

    def make(self, value: Any) -> str:
        return signing.dumps(value, salt=self.salt, compress=True)

    def read(self, token: str) -> Any | None:
        """The value signed in `token`, or None when it is forged, altered or expired."""
        try:
            return signing.loads(token, salt=self.salt, max_age=self.max_age)
        except (signing.BadSignature, ValueError, TypeError):
            return None
