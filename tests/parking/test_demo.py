"""Parking's part of the demo: loads, and loads again, with its texts in both languages."""

import datetime

from django.core.management import call_command
from django.utils import translation

from parking import demo
from parking.models import BlanketNight, Permit, PermitNight
from tests.factories import StreetFactory


def test_the_demo_loads_twice_with_a_blanket_night_named_in_both_languages(rules, frozen):
    StreetFactory(name="Chapel Street")
    demo.load()
    demo.load()
    blanket = BlanketNight.objects.get()
    assert blanket.night == datetime.date(2026, 11, 25)
    with translation.override("es"):
        assert blanket.name == "la víspera del Día de Acción de Gracias"
    with translation.override("en"):
        assert blanket.name == "the eve of Thanksgiving Day"
    assert Permit.objects.filter(plate="8KP214").count() == 1


def test_every_demo_permit_is_at_a_number_its_street_has(rules):
    call_command("demo_setup", verbosity=0)
    permits = Permit.objects.select_related("street")
    assert permits.count() == len(demo.PERMITS)
    for permit in permits:
        assert permit.street.number_range, permit.street.name
        assert permit.street.has_number(permit.house_number), permit.address
    for night in PermitNight.objects.select_related("street"):
        assert night.street.has_number(night.house_number)
