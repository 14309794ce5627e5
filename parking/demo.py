"""Parking's part of the demo department (Eastbrook, CT), written in our own words. Running it
again updates the same rows: permits are keyed by fixed confirmation codes and their nights move
with today's date, so the officer's page always has something to find tonight."""

import datetime

import holidays
from django.db import transaction

from parking import nights as n
from parking.models import BlanketNight, ExcludedBlock, ParkingRules, Permit, PermitNight, Reason
from portal.localtime import department_zone
from portal.models import Street

# payload (8 characters; the check character is added), plate, state, vehicle, address, reason,
# first night relative to tonight, nights, language
PERMITS = [
    (
        "DEM0A1B2",
        "8KP214",
        "CT",
        ("Toyota", "Camry", "Silver"),
        ("Chapel Street", 41),
        Reason.GUEST,
        0,
        2,
        "en",
    ),
    (
        "DEM0C3D4",
        "AB12345",
        "MA",
        ("Honda", "CR-V", "Blue"),
        ("Oak Street", 17),
        Reason.DRIVEWAY,
        0,
        3,
        "es",
    ),
    (
        "DEM0E5F6",
        "5TRW90",
        "CT",
        ("Ford", "Focus", "Red"),
        ("River Road", 230),
        Reason.STREET_WORK,
        0,
        1,
        "en",
    ),
    (
        "DEM0G7H8",
        "NY4421K",
        "NY",
        ("Subaru", "Outback", "Green"),
        ("Elm Street", 8),
        Reason.GUEST,
        1,
        2,
        "en",
    ),
    (
        "DEM0J9K0",
        "2XFD77",
        "CT",
        ("Hyundai", "Elantra", "White"),
        ("Mill Street", 102),
        Reason.OTHER,
        -3,
        2,
        "es",
    ),
]


HOLIDAYS_ES = {
    "Thanksgiving Day": "del Día de Acción de Gracias",
    "Christmas Day": "de Navidad",
    "New Year's Day": "de Año Nuevo",
}


def _code(payload: str) -> str:
    return payload + n._check_character(payload)


@transaction.atomic
def load() -> None:
    rules = ParkingRules.get_solo()
    if not rules.supervisor_email:
        rules.supervisor_email = "night.supervisor@police.eastbrook.example"
        rules.save()
    main = Street.objects.filter(name="Main Street").first()
    if main is not None:
        ExcludedBlock.objects.update_or_create(
            rules=rules,
            street=main,
            defaults={
                "from_number": 1,
                "to_number": 199,
                "note": "Snow route through the town center",
            },
        )
    zone = department_zone()
    tonight = n.tonight(zone=zone)
    for day, name in sorted(holidays.US(years=[tonight.year, tonight.year + 1]).items()):
        if name in HOLIDAYS_ES and day > tonight + datetime.timedelta(days=1):
            BlanketNight.objects.update_or_create(
                night=day - datetime.timedelta(days=1),
                defaults={
                    "name_en": f"the eve of {name}",
                    "name_es": f"la víspera {HOLIDAYS_ES[name]}",
                },
            )
            break
    blanket = set(BlanketNight.objects.values_list("night", flat=True))
    for payload, plate, state, vehicle, address, reason, offset, count, lang in PERMITS:
        street = Street.objects.filter(name=address[0]).first()
        if street is None:
            continue
        first = tonight + datetime.timedelta(days=offset)
        nights = [night for night in n.nights_from(first, count) if night not in blanket]
        if not nights:
            continue
        permit, _created = Permit.objects.update_or_create(
            code=_code(payload),
            defaults={
                "plate": plate,
                "plate_state": state,
                "make": vehicle[0],
                "model": vehicle[1],
                "colour": vehicle[2],
                "street": street,
                "house_number": address[1],
                "reason": reason,
                "reason_note": "Moving furniture into the house" if reason == Reason.OTHER else "",
                "email": f"{plate.lower()}@example.org",
                "language": lang,
                "status": Permit.Status.ACTIVE,
                "first_night": nights[0],
                "last_night": nights[-1],
            },
        )
        # Clear this plate's other demo nights, so moving the dates never breaks a limit.
        PermitNight.objects.filter(plate=plate, plate_state=state).delete()
        PermitNight.objects.bulk_create(
            [
                PermitNight(
                    permit=permit,
                    night=night,
                    plate=plate,
                    plate_state=state,
                    street=street,
                    house_number=address[1],
                )
                for night in nights
            ]
        )
