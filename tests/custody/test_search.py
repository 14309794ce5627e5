"""The public search: last name only, nothing for a short query, throttled, never indexed, and
never a juvenile, a confidential record or a released person, whichever door is tried."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from custody import selectors, services
from custody.models import CustodySettings
from custody.views import SEARCH_LIMIT
from tests.custody.factories import booking
from tests.factories import UserFactory
from tests.support.otp import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "adult": booking("EB-1", first_name="Daniel"),
        "juvenile": booking("EB-2", first_name="Luis", date_of_birth="2012-03-02"),
        "flagged_juvenile": booking("EB-3", first_name="Lena", juvenile=True),
        "confidential": booking("EB-4", first_name="Maria", confidential=True),
        "released": booking("EB-5", first_name="Rosa", released_at=timezone.now().isoformat()),
    }


def test_the_search_finds_a_held_adult_by_last_name(client, people):
    response = client.get(reverse("custody:index"), {"last_name": "rivera"})
    assert response.status_code == 200
    assert b"EB-1" in response.content


def test_a_first_initial_narrows_the_search(client, people):
    booking("EB-6", first_name="Ana")
    response = client.get(reverse("custody:index"), {"last_name": "Rivera", "first_initial": "a"})
    assert b"EB-6" in response.content and b"EB-1" not in response.content


@pytest.mark.parametrize("query", ["", "R", " r "])
def test_an_empty_or_short_query_shows_nobody(client, people, query):
    response = client.get(reverse("custody:index"), {"last_name": query})
    assert b"EB-1" not in response.content
    assert selectors.custody_search(last_name=query) == []


def test_the_page_without_a_query_lists_nobody(client, people):
    response = client.get(reverse("custody:index"))
    assert response.status_code == 200
    assert b"EB-1" not in response.content


def test_a_prefix_does_not_browse_the_list(client, people):
    response = client.get(reverse("custody:index"), {"last_name": "Riv"})
    assert b"EB-1" not in response.content


@pytest.mark.parametrize("path", ["/custody/", "/es/custody/", "/custody/visit/"])
def test_custody_pages_are_never_indexed(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert b'<meta name="robots" content="noindex, nofollow">' in response.content
    assert "no-store" in response["Cache-Control"]


def test_the_spanish_page_is_in_spanish(client):
    response = client.get("/es/custody/")
    assert 'lang="es"' in response.content.decode()
    assert "Personas detenidas" in response.content.decode()


def test_searches_are_throttled_per_client(client, people):
    url = reverse("custody:index")
    for _ in range(SEARCH_LIMIT):
        assert client.get(url, {"last_name": "Rivera"}).status_code == 200
    response = client.get(url, {"last_name": "Rivera"})
    assert response.status_code == 429
    assert b"EB-1" not in response.content
    other = client.get(url, {"last_name": "Rivera"}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 200


@pytest.mark.parametrize("who", ["juvenile", "flagged_juvenile", "confidential", "released"])
def test_hidden_people_never_appear_at_any_door(client, people, who):
    hidden = people[who]
    # The public search, by last name and with the first initial.
    for query in (
        {"last_name": "Rivera"},
        {"last_name": "Rivera", "first_initial": hidden.first_name[0]},
    ):
        assert hidden.booking_number.encode() not in client.get("/custody/", query).content
        assert hidden.booking_number.encode() not in client.get("/es/custody/", query).content
    assert hidden not in selectors.custody_search(last_name="Rivera")
    assert not selectors.public_records().filter(pk=hidden.pk).exists()
    # The API has no list: reading the import endpoint needs a booking system's key, and
    # even with one it lists nothing.
    assert APIClient().get("/api/v1/custody/bookings/").status_code in (401, 403)
    # The admin: nobody without staff rights reaches it.
    change = reverse("admin:custody_custodyrecord_change", args=[hidden.pk])
    listing = reverse("admin:custody_custodyrecord_changelist")
    assert client.get(listing).status_code == 302
    assert client.get(change).status_code == 302
    client.force_login(UserFactory(is_staff=False))
    assert client.get(listing).status_code == 302
    assert client.get(change).status_code == 302
    # Staff in no role that reads custody records get no further.
    verified_login(client, UserFactory(is_staff=True))
    assert client.get(listing).status_code == 403
    assert client.get(change).status_code == 403


def test_the_api_refuses_to_list_even_with_a_key(people):
    _system, key = services.booking_system_create(name="x", actor=None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/custody/bookings/").status_code == 405
    assert client.get("/api/v1/custody/bookings/EB-2/").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_searches_at_the_same_moment_cannot_share_the_last_place(monkeypatch):
    """Counted before compared, in one round trip to Redis (as the API's throttles)."""
    monkeypatch.setattr("custody.views.SEARCH_LIMIT", 1)
    CustodySettings.get_solo()  # made once here, not by the racers
    racers = 12
    for round_ in range(5):  # a race shows only sometimes: run it often enough to see it
        statuses = _race(f"198.51.100.{round_ + 10}", racers)
        assert sorted(statuses) == [200] + [429] * (racers - 1)


def _race(address: str, racers: int) -> list[int]:
    start = threading.Barrier(racers)
    statuses: list[int] = []

    def search():
        try:
            start.wait()
            response = Client().get("/custody/", {"last_name": "Rivera"}, REMOTE_ADDR=address)
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=search) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return statuses
