"""Addresses on the town's streets: the rule every app that takes an address applies.

- `address_number_outside`: a house number the street does not have (outside the lowest and
  highest numbers the town's street list gives, both ends included, admin → Streets) is
  refused as a mistake. A street whose numbers are not given accepts any number; a street
  known at one end only is checked at that end (`Street.has_number`).

Service requests (the address of a request) and parking (the address of a permit) call it
from their services, so every door of each app (form, API, admin) refuses the same numbers
with the same message and code.
"""

from django.utils.translation import gettext as _

from portal.errors import DomainError
from portal.models import Street

NUMBER_OUTSIDE = "address_number_outside"


def _message(street: Street, number: int) -> str:
    """What the resident reads: the street and the numbers it has (one sentence each way the
    town may have given them, so translators see whole sentences)."""
    params = {
        "street": street.name,
        "number": number,
        "range": street.number_range,
        "low": street.number_from,
        "high": street.number_to,
    }
    if street.number_from is not None and street.number_to is not None:
        return _("%(street)s has no number %(number)s: its house numbers are %(range)s.") % params
    if street.number_from is not None:
        return (
            _("%(street)s has no number %(number)s: its house numbers start at %(low)s.") % params
        )
    return _("%(street)s has no number %(number)s: its house numbers go up to %(high)s.") % params


def street_number_check(*, street: Street, number: int | None, field: str | None = None) -> None:
    """Refuse a house number `street` does not have: a DomainError with the code
    `address_number_outside` (on `field`, when given) whose message, in the active language,
    names the street's numbers ("Main Street has no number 300: its house numbers are 1–250.").
    No number, or a street whose numbers are not given, passes."""
    if number is None or street.has_number(number):
        return
    raise DomainError(_message(street, number), code=NUMBER_OUTSIDE, field=field)
