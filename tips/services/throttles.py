"""How often one connection may use the tip line (department policy, settings in the tips block
of portal/settings.py): `TIPS_SUBMISSIONS_PER_HOUR` tips an hour, `TIPS_CHECKS_PER_15_MINUTES`
check-back tries a quarter of an hour. The connection is known only by the keyed, hourly
rotating hash the anonymity middleware leaves (`request.anonymous_client`); the counters live
in Redis with the window as their lifetime (tips/privacy.py)."""

from django.conf import settings
from django.utils.translation import gettext_lazy

from portal.errors import DomainError
from tips import privacy

SUBMIT_WINDOW = 3600
CHECK_WINDOW = 15 * 60


def tip_submit_throttle(*, client: str) -> None:
    """Count one tip sent from `client`; refuse it past the hour's limit."""
    if not privacy.throttle_hit(
        scope="submit",
        client=client,
        limit=settings.TIPS_SUBMISSIONS_PER_HOUR,
        window=SUBMIT_WINDOW,
    ):
        raise DomainError(
            gettext_lazy(
                "Too many tips were sent from this connection in the last hour. Please try "
                "again later, or call the tip line."
            ),
            code="throttled",
        )


def tip_check_throttle(*, client: str) -> None:
    """Count one check-back try from `client`; refuse it past the quarter hour's limit."""
    if not privacy.throttle_hit(
        scope="check",
        client=client,
        limit=settings.TIPS_CHECKS_PER_15_MINUTES,
        window=CHECK_WINDOW,
    ):
        raise DomainError(
            gettext_lazy("Too many tries from this connection. Try again later."),
            code="throttled",
        )
