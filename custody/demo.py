"""Demo data: a few fictional people held (one juvenile and one confidential, which never show),
the visiting information and the next two weekends' visiting slots."""

import datetime

from django.utils import timezone

from custody import services
from custody.models import CustodySettings, VisitSlot
from portal.localtime import local_today

PEOPLE = [
    # booking, last, first, born, charge, bond, flags
    ("EB-26-0101", "Rivera", "Daniel", "1990-04-12", "misdemeanor", "500.00", {}),
    ("EB-26-0102", "Rivera", "Ana", "1985-09-30", "felony", "held_without_bond", {}),
    ("EB-26-0103", "Okafor", "James", "1978-01-05", "warrant", "no_bond", {}),
    ("EB-26-0104", "Kowalski", "Peter", "2001-07-19", "violation", "150", {}),
    ("EB-26-0105", "Rivera", "Luis", "2010-03-02", "misdemeanor", "no_bond", {}),  # juvenile
    ("EB-26-0106", "Rivera", "Maria", "1992-11-11", "felony", "2500.00", {"confidential": True}),
]


def load_demo() -> None:
    settings = CustodySettings.get_solo()
    settings.visiting_hours_en = "Saturday and Sunday, 1 p.m. to 4 p.m."
    settings.visiting_hours_es = "Sábados y domingos, de 1 p. m. a 4 p. m."
    settings.visiting_rules_en = (
        "Visits last 30 minutes, two visitors at a time. Visitors under 18 come with an adult."
    )
    settings.visiting_rules_es = (
        "Las visitas duran 30 minutos, dos visitantes a la vez. Los menores de 18 años vienen "
        "con un adulto."
    )
    settings.what_to_bring_en = "A photo ID. Leave phones and bags in the lockers."
    settings.what_to_bring_es = (
        "Una identificación con foto. Deje teléfonos y bolsos en los casilleros."
    )
    settings.accessibility_en = (
        "The visiting room is step-free; ask at the desk for a hearing loop."
    )
    settings.accessibility_es = (
        "La sala de visitas no tiene escalones; pida en el mostrador el bucle auditivo."
    )
    settings.save()
    now = timezone.now()
    court = local_today() + datetime.timedelta(days=3)
    for number, last, first, born, charge, bond, flags in PEOPLE:
        services.booking_import(
            data={
                "booking_number": number,
                "last_name": last,
                "first_name": first,
                "date_of_birth": born,
                "charge_category": charge,
                "bond": bond,
                "court_date": court.isoformat(),
                "court_time": "09:30",
                "court_name": "Eastbrook District Court",
                "court_address": "12 Court Street, Eastbrook",
                "booked_at": (now - datetime.timedelta(hours=20)).isoformat(),
                **flags,
            }
        )
    today = local_today()
    for offset in range(1, 15):  # the weekends of the next two weeks, as the hours say
        day = today + datetime.timedelta(days=offset)
        if day.weekday() < 5:
            continue
        for hour in (13, 14, 15):
            VisitSlot.objects.get_or_create(
                date=day, starts_at=datetime.time(hour, 0), defaults={"capacity": 4}
            )
