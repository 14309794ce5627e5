"""Behind the proxy, the hourly limit on permit requests counts each client the proxy names,
counts only valid requests, and refuses a throttled client before reading what it sent."""

import io

import pytest
from django.test import Client, RequestFactory

from parking.models import Permit, Refusal
from tests.parking.test_views import _form

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
ANA, BEN = "203.0.113.7", "198.51.100.23"
TOO_MANY = "Too many requests have come from your connection"


@pytest.fixture(autouse=True)
def _behind_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def _via_proxy(forwarded: str) -> dict:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def _ask(client, street, forwarded, plate):
    return client.post("/parking/", _form(street, plate=plate, nights="1"), **_via_proxy(forwarded))


class _Unreadable(io.RawIOBase):
    def read(self, *args):
        raise AssertionError("the body was read")

    readinto = read


def test_empty_posts_from_one_client_close_parking_for_no_one(client, rules, street, frozen):
    for _ in range(rules.requests_per_hour):
        assert TOO_MANY not in client.post("/parking/", {}, **_via_proxy(ANA)).content.decode()
    assert _ask(client, street, BEN, "BEN1").status_code == 302
    assert _ask(client, street, ANA, "ANA1").status_code == 302


def test_requests_from_one_client_close_parking_for_that_client_only(client, rules, street, frozen):
    rules.requests_per_hour = 2
    rules.save()
    assert _ask(client, street, ANA, "ONE1").status_code == 302
    assert _ask(client, street, ANA, "TWO2").status_code == 302
    refused = _ask(client, street, ANA, "THREE3")
    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    forged = _ask(client, street, f"{BEN}, {ANA}", "THREE3")
    assert TOO_MANY in forged.content.decode()
    assert _ask(client, street, BEN, "THREE3").status_code == 302
    assert Permit.objects.count() == 3
    assert set(Refusal.objects.values_list("rule", flat=True)) == {"too_many_requests"}


def test_a_throttled_client_is_refused_before_its_request_is_read(rules, street, frozen):
    rules.requests_per_hour = 1
    rules.save()
    client = Client(enforce_csrf_checks=True)  # Django's CSRF check reads the body too
    client.get("/parking/", **_via_proxy(ANA))
    token = client.cookies["csrftoken"].value
    first = client.post(
        "/parking/",
        {**_form(street, plate="ONE1", nights="1"), "csrfmiddlewaretoken": token},
        **_via_proxy(ANA),
    )
    assert first.status_code == 302
    environ = RequestFactory().post("/parking/", data={}).environ
    environ.update(_via_proxy(ANA))
    environ["HTTP_COOKIE"] = f"csrftoken={token}"
    environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
    environ["CONTENT_LENGTH"] = "5000"
    environ["wsgi.input"] = _Unreadable()
    response = client.handler(environ)
    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()


def test_the_csrf_check_still_guards_the_form(rules, street, frozen):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/parking/", _form(street, plate="ONE1"), **_via_proxy(ANA))
    assert response.status_code == 403
    assert not Permit.objects.exists()
