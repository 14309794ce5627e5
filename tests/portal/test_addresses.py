"""The kernel's address rule (portal/addresses.py): a house number the street does not have is
refused, in one place, for every app that takes an address."""

import pytest
from django.utils import translation

from portal.addresses import street_number_check
from portal.errors import DomainError
from tests.factories import StreetFactory

pytestmark = pytest.mark.django_db


def _refusal(street, number, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        street_number_check(street=street, number=number, **kwargs)
    return caught.value


def test_a_street_without_numbers_accepts_any_number():
    street = StreetFactory(name="Chapel Street")
    for number in (1, 250, 99999):
        street_number_check(street=street, number=number)


def test_both_ends_of_the_range_are_accepted():
    street = StreetFactory(name="Main Street", number_from=2, number_to=250)
    street_number_check(street=street, number=2)
    street_number_check(street=street, number=250)


@pytest.mark.parametrize("number", [1, 251])
def test_one_past_either_end_is_refused_on_the_field_with_a_stable_code(number):
    street = StreetFactory(name="Main Street", number_from=2, number_to=250)
    refusal = _refusal(street, number, field="house_number")
    assert refusal.domain_code == "address_number_outside"
    assert list(refusal.error_dict) == ["house_number"]
    assert refusal.error_dict["house_number"][0].code == "address_number_outside"


def test_no_number_at_all_is_not_checked():
    street_number_check(street=StreetFactory(number_from=1, number_to=9), number=None)


def test_the_refusal_names_the_streets_numbers_in_english_and_spanish():
    street = StreetFactory(name="Main Street", number_from=1, number_to=250)
    with translation.override("en"):
        english = _refusal(street, 99999).messages[0]
    with translation.override("es"):
        spanish = _refusal(street, 99999).messages[0]
    assert english == "Main Street has no number 99999: its house numbers are 1\u2013250."
    assert spanish == "Main Street no tiene el número 99999: sus números son 1\u2013250."


def test_a_street_known_at_one_end_only_is_checked_at_that_end():
    low = StreetFactory(name="Hill Road", number_from=10)
    high = StreetFactory(name="Dock Lane", number_to=80)
    street_number_check(street=low, number=99999)
    street_number_check(street=high, number=1)
    with translation.override("en"):
        assert "its house numbers start at 10" in _refusal(low, 9).messages[0]
        assert "its house numbers go up to 80" in _refusal(high, 81).messages[0]
