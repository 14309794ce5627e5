import datetime

import factory

from parking import nights as n
from parking.models import Permit, PermitNight, Reason
from parking.services import PermitRequest
from tests.factories import StreetFactory


class PermitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Permit

    code = factory.LazyFunction(n.code_generate)
    plate = factory.Sequence(lambda i: f"TST{i:04d}")
    plate_state = "CT"
    make = "Toyota"
    model = "Corolla"
    colour = "Grey"
    street = factory.SubFactory(StreetFactory)
    house_number = 12
    reason = Reason.GUEST
    email = "holder@example.org"
    language = "en"
    first_night = datetime.date(2026, 11, 23)
    last_night = factory.LazyAttribute(lambda p: p.first_night)


class PermitNightFactory(factory.django.DjangoModelFactory):
    """A night already held; plate and address follow its permit."""

    class Meta:
        model = PermitNight

    permit = factory.SubFactory(PermitFactory)
    night = factory.LazyAttribute(lambda pn: pn.permit.first_night)
    plate = factory.LazyAttribute(lambda pn: pn.permit.plate)
    plate_state = factory.LazyAttribute(lambda pn: pn.permit.plate_state)
    street = factory.LazyAttribute(lambda pn: pn.permit.street)
    house_number = factory.LazyAttribute(lambda pn: pn.permit.house_number)


def hold_nights(plate: str, nights: list[datetime.date], state: str = "CT", **permit_kwargs):
    """Give `plate` active nights (as earlier permits would have)."""
    permit = PermitFactory(
        plate=plate,
        plate_state=state,
        first_night=nights[0],
        last_night=nights[-1],
        **permit_kwargs,
    )
    for night in nights:
        PermitNightFactory(permit=permit, night=night)
    return permit


def permit_request(street, **overrides) -> PermitRequest:
    values = {
        "plate": "ABC123",
        "plate_state": "CT",
        "vehicle_type": "car",
        "make": "Honda",
        "model": "Civic",
        "colour": "Blue",
        "street": street,
        "house_number": 41,
        "reason": Reason.GUEST,
        "reason_note": "",
        "first_night": datetime.date(2026, 11, 23),
        "nights": 1,
        "email": "resident@example.org",
        "mobile": "",
        "language": "en",
    }
    values.update(overrides)
    return PermitRequest(**values)
