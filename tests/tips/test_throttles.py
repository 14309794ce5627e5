"""Behind the proxy, one person cannot close the tip line or check-back for everyone else: the
throttles count the client the proxy names, count only valid submissions, and refuse a
throttled client before reading what it sent."""

import io

import pytest
from django.test import RequestFactory

from tests.tips.factories import PASSPHRASE, TipFactory
from tips.models import Tip

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
ANA, BEN = "203.0.113.7", "198.51.100.23"
VALID_TIP = "Dirt bikes are kept in the blue garage."
TOO_MANY_TIPS = "Too many tips were sent from this connection"
TOO_MANY_TRIES = "Too many tries from this connection"


@pytest.fixture(autouse=True)
def _behind_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def _via_proxy(forwarded: str) -> dict:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def _tip(client, category, forwarded, **fields):
    data = {"category": category.pk, "what": VALID_TIP, **fields}
    return client.post("/tips/", data, **_via_proxy(forwarded))


def _sent(response) -> bool:
    return 'data-testid="tip-number"' in response.content.decode()


class _Unreadable(io.RawIOBase):
    def read(self, *args):
        raise AssertionError("the body was read")

    readinto = read


def _unreadable_post(client, path, forwarded):
    """A POST whose body cannot be read, through every middleware and the view."""
    environ = RequestFactory().post(path, data={}).environ
    environ.update(_via_proxy(forwarded))
    environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
    environ["CONTENT_LENGTH"] = "5000"
    environ["wsgi.input"] = _Unreadable()
    return client.handler(environ)


# --- Giving a tip -------------------------------------------------------------------------------


def test_empty_posts_from_one_client_close_the_tip_line_for_no_one(client, category, settings):
    for _ in range(settings.TIPS_SUBMISSIONS_PER_HOUR):
        response = client.post("/tips/", {}, **_via_proxy(ANA))
        assert TOO_MANY_TIPS not in response.content.decode()
    assert _sent(_tip(client, category, BEN))
    assert _sent(_tip(client, category, ANA))  # invalid posts were not counted


def test_invalid_tips_are_not_counted(client, category, settings):
    settings.TIPS_SUBMISSIONS_PER_HOUR = 2
    for _ in range(5):
        assert not _sent(_tip(client, category, ANA, what=""))
    assert _sent(_tip(client, category, ANA))
    assert _sent(_tip(client, category, ANA))


def test_valid_tips_from_one_client_close_the_line_for_that_client_only(client, category, settings):
    for _ in range(settings.TIPS_SUBMISSIONS_PER_HOUR):
        assert _sent(_tip(client, category, ANA))
    refused = _tip(client, category, ANA)
    assert refused.status_code == 429
    assert TOO_MANY_TIPS in refused.content.decode()
    assert _sent(_tip(client, category, BEN))
    assert Tip.objects.count() == settings.TIPS_SUBMISSIONS_PER_HOUR + 1


def test_a_forged_forwarded_prefix_does_not_escape_the_throttle(client, category, settings):
    settings.TIPS_SUBMISSIONS_PER_HOUR = 2
    for _ in range(2):
        assert _sent(_tip(client, category, ANA))
    for forged in (f"{BEN}, {ANA}", f"1.1.1.1, {BEN}, {ANA}", f"unknown, {ANA}"):
        assert TOO_MANY_TIPS in _tip(client, category, forged).content.decode()
    assert Tip.objects.count() == 2


def test_a_throttled_client_is_refused_before_its_tip_is_read(client, category, settings):
    settings.TIPS_SUBMISSIONS_PER_HOUR = 1
    assert _sent(_tip(client, category, ANA))
    response = _unreadable_post(client, "/tips/", ANA)
    assert response.status_code == 429
    assert TOO_MANY_TIPS in response.content.decode()


def test_the_tip_line_keeps_no_address_of_the_client(client, category):
    from django.core.cache import cache

    _tip(client, category, ANA)
    redis = cache._cache.get_client()
    keys = [key for key in redis.keys("*") if b"throttle:tips" in key]
    assert keys
    assert not [key for key in redis.keys("*") if ANA.encode() in key]
    assert all(0 < redis.ttl(key) <= 3600 for key in keys)


# --- Checking back ------------------------------------------------------------------------------


WRONG = "wrong words here"


def _check(client, forwarded, number="T-0000-0000", passphrase=WRONG):
    return client.post(
        "/tips/check/", {"number": number, "passphrase": passphrase}, **_via_proxy(forwarded)
    )


def test_empty_check_backs_close_check_back_for_no_one(client, settings):
    tip = TipFactory()
    for _ in range(settings.TIPS_CHECKS_PER_15_MINUTES):
        assert (
            TOO_MANY_TRIES
            not in client.post("/tips/check/", {}, **_via_proxy(ANA)).content.decode()
        )
    for who in (BEN, ANA):
        html = _check(client, who, tip.number, PASSPHRASE).content.decode()
        assert TOO_MANY_TRIES not in html and tip.number in html


def test_check_back_tries_close_check_back_for_that_client_only(client, settings):
    settings.TIPS_CHECKS_PER_15_MINUTES = 3
    tip = TipFactory()
    for i in range(3):
        _check(client, ANA, number=f"T-0000-000{i}")
    refused = _check(client, ANA, tip.number, PASSPHRASE)
    assert refused.status_code == 429
    assert TOO_MANY_TRIES in refused.content.decode()
    forged = _check(client, f"{BEN}, {ANA}", tip.number, PASSPHRASE)
    assert TOO_MANY_TRIES in forged.content.decode()
    assert tip.number in _check(client, BEN, tip.number, PASSPHRASE).content.decode()


def test_a_throttled_check_back_is_refused_before_it_is_read(client, settings):
    settings.TIPS_CHECKS_PER_15_MINUTES = 1
    _check(client, ANA)
    response = _unreadable_post(client, "/tips/check/", ANA)
    assert response.status_code == 429
    assert TOO_MANY_TRIES in response.content.decode()
