"""How often one client may use the tip line (department policy, settings in
portal/settings/tips.py): `TIPS_SUBMISSIONS_PER_HOUR` tips an hour, `TIPS_CHECKS_PER_15_MINUTES`
check-back tries a quarter of an hour.

- The client is the one the proxy names, not the proxy, and is known only by a keyed value
  that changes every hour (`portal.clients.client_key(request, "tips")`, made by the view from
  the anonymity middleware's hash of the address). It is never stored with a tip; it lives only
  in the name of a Redis counter that expires with its window.
- Only valid submissions count (a tip that was sent, a check-back with a number and a
  passphrase): an empty or invalid post is answered with form errors and costs nothing, so no
  one can use up someone else's allowance.
- `tip_submit_throttle` / `tip_check_throttle` only look, and are called before the request
  body is read: a throttled client is refused without its upload being parsed.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy

from portal.clients import throttle_allowed, throttle_record
from portal.errors import DomainError

SUBMIT_WINDOW = 3600
CHECK_WINDOW = 15 * 60
SUBMIT = "tips.submit"
CHECK = "tips.check"


def tip_submit_throttle(*, client: str) -> None:
    """Refuse a tip from `client` once it has sent the hour's limit. Counts nothing."""
    if not throttle_allowed(SUBMIT, client, settings.TIPS_SUBMISSIONS_PER_HOUR, SUBMIT_WINDOW):
        raise DomainError(
            gettext_lazy(
                "Too many tips were sent from this connection in the last hour. Please try "
                "again later, or call the tip line."
            ),
            code="throttled",
        )


def tip_submit_counted(*, client: str) -> None:
    """Count one tip sent by `client`."""
    throttle_record(SUBMIT, client, SUBMIT_WINDOW)


def tip_check_throttle(*, client: str) -> None:
    """Refuse a check-back try from `client` past the quarter hour's limit. Counts nothing."""
    if not throttle_allowed(CHECK, client, settings.TIPS_CHECKS_PER_15_MINUTES, CHECK_WINDOW):
        raise DomainError(
            gettext_lazy("Too many tries from this connection. Try again later."),
            code="throttled",
        )


def tip_check_counted(*, client: str) -> None:
    """Count one check-back try (a number and a passphrase) by `client`."""
    throttle_record(CHECK, client, CHECK_WINDOW)
