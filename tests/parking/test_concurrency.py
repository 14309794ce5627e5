"""Limits hold under concurrency: requests for the same plate submitted at the same moment, each
on its own PostgreSQL connection, can never both pass a limit."""

import datetime
import threading

import pytest
from django.db import connection

from parking.models import PermitNight, Refusal
from parking.services import permit_request
from portal.errors import DomainError
from tests.parking.factories import hold_nights
from tests.parking.factories import permit_request as make_request

pytestmark = [pytest.mark.django_db(transaction=True)]

D = datetime.date


def _race(requests) -> list[str]:
    """Submit every request at the same moment, each from its own thread and connection."""
    barrier = threading.Barrier(len(requests))
    outcomes: list[str] = [""] * len(requests)

    def submit(index, data):
        try:
            barrier.wait()
            permit_request(data=data)
            outcomes[index] = "approved"
        except DomainError as error:
            outcomes[index] = error.domain_code
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_two_requests_at_once_cannot_both_take_the_last_night_in_the_window(
    on_postgresql, rules, street, frozen
):
    hold_nights("ABC123", [D(2026, 11, 23), D(2026, 11, 25)])
    outcomes = _race(
        [
            make_request(street, first_night=D(2026, 11, 27)),
            make_request(street, first_night=D(2026, 11, 29)),
        ]
    )
    assert sorted(outcomes) == ["approved", "rolling_window"]
    assert PermitNight.objects.filter(plate="ABC123", status="active").count() == 3


def test_eight_requests_at_once_for_the_same_night_yield_one_permit(
    on_postgresql, rules, street, frozen
):
    outcomes = _race([make_request(street, email=f"r{i}@example.org") for i in range(8)])
    assert outcomes.count("approved") == 1
    assert set(outcomes) == {"approved", "already_permitted"}
    assert PermitNight.objects.filter(plate="ABC123").count() == 1
    assert Refusal.objects.filter(rule="already_permitted").count() == 7


def test_two_plates_at_once_cannot_both_take_an_addresss_last_night_of_the_month(
    on_postgresql, rules, street, frozen
):
    rules.nights_per_address_per_month = 1
    rules.save()
    outcomes = _race(
        [
            make_request(street, plate="ONE1", first_night=D(2026, 11, 27)),
            make_request(street, plate="TWO2", first_night=D(2026, 11, 28)),
        ]
    )
    assert sorted(outcomes) == ["address_monthly", "approved"]
