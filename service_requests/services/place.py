"""Where a request is, checked for `request_submit` (services/submit.py) and for the web form's
first step (`place_resolve`).

Rules (each refused with a DomainError whose code a client can match):
- The place is inside the town: a point inside one of our neighborhoods' boundaries
  (`location_outside`, `location_invalid`), or an address on one of the town's streets
  (`address_unknown`, with suggestions) at a number the street has (`address_number_outside`,
  the kernel's rule, portal/addresses.py); one or the other is given (`location_missing`).
"""

from typing import Any

from django.utils.translation import gettext as _

from portal.addresses import street_number_check
from portal.errors import DomainError
from service_requests import location
from service_requests.services.common import Errors


def _locate(*, address: str, lat: Any, long: Any, errors: Errors) -> location.Place | None:
    address = (address or "").strip()[:200]
    try:
        lat_value = location.parse_coordinate(lat, low=-90, high=90)
        long_value = location.parse_coordinate(long, low=-180, high=180)
    except ValueError:
        errors.add(
            "location",
            _("The point on the map is not a valid latitude and longitude."),
            "location_invalid",
        )
        return None
    if (lat_value is None) != (long_value is None):
        errors.add("location", _("Give both the latitude and the longitude."), "location_invalid")
        return None
    street = location.street_exact(address) if address else None
    if street is not None:
        try:
            street_number_check(street=street, number=location.house_number(address))
        except DomainError as error:
            # The kernel's rule and message; the way out is this form's own.
            hint = _("Check the number, or pick the place on the map.")
            errors.add("address", f"{error.messages[0]} {hint}", error.domain_code)
            return None
    if lat_value is not None:
        neighborhood = location.neighborhood_at(lat_value, long_value)
        if neighborhood is None:
            errors.add(
                "location",
                _("This place is outside the town. We can only help within the town's limits."),
                "location_outside",
            )
            return None
        return location.Place(address, street, lat_value, long_value, neighborhood)
    if not address:
        errors.add(
            "address",
            _("Tell us where: give an address or pick the place on the map."),
            "location_missing",
        )
        return None
    if street is None:
        suggestions = location.street_suggestions(address, limit=5)
        if suggestions:
            message = _(
                "We do not know this street in town. Did you mean: %(streets)s? You can also "
                "pick the place on the map."
            ) % {"streets": ", ".join(s.name for s in suggestions)}
        else:
            message = _(
                "We do not know this street in town. Check the spelling, or pick the place on "
                "the map."
            )
        errors.add("address", message, "address_unknown")
        return None
    if street.neighborhood is None:
        errors.add(
            "address",
            _("We cannot tell which neighborhood this street is in: pick the place on the map."),
            "address_unknown",
        )
        return None
    return location.Place(address, street, None, None, street.neighborhood)


def place_resolve(*, address: str = "", lat: Any = None, long: Any = None) -> location.Place:
    """Where a request would be, by the same rules as `request_submit` (the first step of the
    web form asks for the place alone, to show possible duplicates before the rest). Raises
    DomainError with the location codes of `request_submit`."""
    errors = Errors()
    place = _locate(address=address, lat=lat, long=long, errors=errors)
    errors.raise_if_any()
    return place
