"""Where a request is: checked against the town's own neighborhoods and streets, and what of
it the public may see."""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from portal import maps
from portal.models import Neighborhood, Street

# Coarse cells for sensitive services: 0.003 degrees is about 330 m north-south (a few blocks).
SENSITIVE_GRID = Decimal("0.003")
PUBLIC_PLACES = Decimal("0.0001")  # about 11 m: a point, not a doorstep's GPS reading
SIX = Decimal("0.000001")


@dataclass(frozen=True)
class Place:
    address: str
    street: Street | None
    lat: Decimal | None
    long: Decimal | None
    neighborhood: Neighborhood


def parse_coordinate(value, *, low: int, high: int) -> Decimal | None:
    """A latitude/longitude as a Decimal with six places, None when empty; ValueError when it
    is not a number in range."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc
    if not number.is_finite() or not low <= number <= high:
        raise ValueError("out of range")
    return number.quantize(SIX, rounding=ROUND_HALF_UP)


def house_number(address: str) -> int | None:
    match = re.match(r"\s*(\d+)", address)
    return int(match.group(1)) if match else None


def public_address(address: str, street: Street | None, *, sensitive: bool) -> str:
    """What the public list shows: the block ("100–199 Chapel Street") for most services,
    the street alone for a sensitive one, nothing when the street is not one we know."""
    if street is None:
        return ""
    number = house_number(address)
    if sensitive or number is None:
        return street.name
    block = number // 100 * 100
    return _("%(low)d–%(high)d %(street)s") % {
        "low": max(block, 1),
        "high": block + 99,
        "street": street.name,
    }


def coarsen(value: Decimal | None, *, sensitive: bool) -> Decimal | None:
    if value is None:
        return None
    if not sensitive:
        return value.quantize(PUBLIC_PLACES, rounding=ROUND_HALF_UP)
    # The centre of the grid cell the point falls in: every point of the cell shows the same.
    cell = (value / SENSITIVE_GRID).to_integral_value(rounding="ROUND_FLOOR")
    return (cell * SENSITIVE_GRID + SENSITIVE_GRID / 2).quantize(SIX)


def neighborhoods_with_boundary() -> list[Neighborhood]:
    return list(Neighborhood.objects.exclude(boundary=None).select_related("coordinator"))


def neighborhood_at(lat: Decimal, long: Decimal) -> Neighborhood | None:
    return maps.neighborhood_at(float(long), float(lat), neighborhoods_with_boundary())


def street_exact(address: str) -> Street | None:
    """The town's street the address is on, when it names one exactly (abbreviations allowed)."""
    name = maps.street_name_from_address(address)
    if not name:
        return None
    return Street.objects.select_related("neighborhood").filter(name__iexact=name).first()


def street_suggestions(address: str, limit: int = 8) -> list[Street]:
    return list(maps.street_search(address)[:limit])
