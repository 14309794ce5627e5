"""Parking's part of the demo: loads, and loads again, with its texts in both languages."""

import datetime

from django.utils import translation

from parking import demo
from parking.models import BlanketNight, Permit
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
