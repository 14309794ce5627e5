"""The whole-page cache (portal/services/page_cache.py): what it serves, to whom, and when it
forgets."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from portal.services.page_cache import HIT_HEADER, page_cache_invalidate
from tests.factories import NeighborhoodFactory, UserFactory
from tests.portal import page_cache_urls

pytestmark = pytest.mark.django_db

cached_urls = pytest.mark.urls("tests.portal.page_cache_urls")


@cached_urls
def test_second_anonymous_get_is_served_from_the_cache_until_invalidated(client):
    first = client.get("/plain/")
    second = client.get("/plain/")
    assert first[HIT_HEADER] == "miss" and second[HIT_HEADER] == "hit"
    assert second.content == first.content
    page_cache_invalidate()
    third = client.get("/plain/")
    assert third[HIT_HEADER] == "miss" and third.content != first.content


@cached_urls
def test_query_string_is_part_of_the_key_and_head_is_served_too(client):
    a = client.get("/plain/?page=1")
    b = client.get("/plain/?page=2")
    assert a.content != b.content
    assert client.head("/plain/?page=1")[HIT_HEADER] == "hit"


@cached_urls
def test_a_cache_hit_runs_no_query(client):
    client.get("/plain/")
    client.get("/plain/")  # the department's settings are cached from here on
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/plain/")[HIT_HEADER] == "hit"
    assert len(queries) == 0


@cached_urls
def test_a_visitor_with_a_session_is_never_served_nor_stored(client):
    client.get("/plain/")
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    response = client.get("/plain/")
    assert HIT_HEADER not in response
    client.logout()
    client.cookies.clear()
    assert client.get("/plain/")[HIT_HEADER] == "hit"


def _message_cookie(text: str) -> str:
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(constants.INFO, text)
    response = HttpResponse()
    storage.update(response)
    return response.cookies["messages"].value


@cached_urls
def test_a_flash_message_is_never_served_to_another_visitor(client):
    from django.test import Client

    # A visitor with a pending message gets the page built for them, and it is not stored.
    client.cookies["messages"] = _message_cookie("Your sign-up was received")
    mine = client.get("/flash/")
    assert HIT_HEADER not in mine and b"Your sign-up was received" in mine.content
    other = Client().get("/flash/")
    assert b"Your sign-up was received" not in other.content and other[HIT_HEADER] == "miss"
    # A message added while the page is built is not stored either.
    adding = Client().get("/flash/?add=1")
    assert b"Only for you" in adding.content and HIT_HEADER not in adding
    assert HIT_HEADER not in Client().get("/flash/?add=1")  # built anew: nothing was stored


@cached_urls
def test_a_page_with_a_csp_nonce_gets_a_fresh_nonce_on_every_hit(client, settings):
    from csp.constants import NONCE

    policy = settings.CONTENT_SECURITY_POLICY
    directives = {
        **policy["DIRECTIVES"],
        "script-src": [*policy["DIRECTIVES"]["script-src"], NONCE],
    }
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}

    def nonces(response):
        in_page = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
        in_header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        return in_page, in_header

    first = client.get("/nonce/")
    second = client.get("/nonce/")
    assert second[HIT_HEADER] == "hit"
    page_1, header_1 = nonces(first)
    page_2, header_2 = nonces(second)
    assert page_1 == header_1 and page_2 == header_2
    assert page_1 != page_2


@cached_urls
@pytest.mark.parametrize("url", ["/cookie/", "/private/", "/missing/"])
def test_cookies_private_pages_and_errors_are_not_stored(client, url):
    client.get(url)
    assert HIT_HEADER not in client.get(url)


@cached_urls
def test_a_post_is_never_answered_from_the_cache(client):
    client.get("/plain/")
    assert HIT_HEADER not in client.post("/plain/")


def test_hit_keeps_the_headers_that_matter(client):
    NeighborhoodFactory()
    miss = client.get("/es/neighborhoods/")
    hit = client.get("/es/neighborhoods/")
    assert hit[HIT_HEADER] == "hit"
    for header in ("Content-Type", "Content-Language", "Vary", "Content-Security-Policy"):
        assert hit[header] == miss[header], header
    assert hit["Content-Language"] == "es" and "Cookie" in hit["Vary"]


def test_spanish_and_english_never_mix(client):
    NeighborhoodFactory()
    english = client.get("/neighborhoods/")
    spanish = client.get("/es/neighborhoods/")
    assert client.get("/neighborhoods/")[HIT_HEADER] == "hit"
    again = client.get("/es/neighborhoods/")
    assert again[HIT_HEADER] == "hit"
    assert '<html lang="es"' in again.content.decode()
    assert again.content == spanish.content != english.content
    assert '<html lang="en"' in client.get("/neighborhoods/").content.decode()


def test_a_change_in_admin_shows_on_the_next_visit(client):
    neighborhood = NeighborhoodFactory(name="Old Mill")
    assert "Old Mill" in client.get("/neighborhoods/").content.decode()
    neighborhood.name = "Mill District"
    neighborhood.save()
    assert "Mill District" in client.get("/neighborhoods/").content.decode()


def _views(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_private_pages_are_never_cached(client):
    """The tip line, records tracking, parking permits and admin are never decorated."""
    private = [
        (route, view)
        for route, view in _views(get_resolver())
        if re.search(r"(^|/)(tips|records|parking|admin)/", route)
        or route.startswith(("admin", "api"))
    ]
    assert private, "the URL walk found the private pages"
    cached = [route for route, view in private if getattr(view, "page_cached", False)]
    assert cached == []
    for url in ("/tips/", "/es/tips/", "/records/", "/parking/"):
        client.get(url)
        response = client.get(url)
        assert HIT_HEADER not in response, url


def test_a_home_page_panel_without_invalidation_keeps_the_home_page_out_of_the_cache(client):
    from portal import registry

    uncacheable = [p for p in registry.home_panels.all() if not p.cacheable]
    client.get("/")
    hit = client.get("/").get(HIT_HEADER) == "hit"
    assert hit == (not uncacheable)


def test_test_views_module_is_importable():
    assert page_cache_urls.urlpatterns


@cached_urls
def test_pages_are_built_as_usual_when_the_cache_is_down(client, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "get_many", down)
    monkeypatch.setattr(cache, "add", down)
    monkeypatch.setattr(cache, "incr", down)
    monkeypatch.setattr(cache, "set", down)
    response = client.get("/plain/")
    assert response.status_code == 200 and HIT_HEADER not in response
    page_cache_invalidate()  # a save is not stopped by the cache being down


@cached_urls
def test_a_change_from_another_process_is_seen_within_the_local_window(client, settings):
    """Each process keeps its pages in memory and reads the shared generation at most every
    PAGE_CACHE_LOCAL_SECONDS; another process's invalidation (here: the shared counter moved
    without this process knowing) shows once that time has passed."""
    import time

    from django.core.cache import cache

    from portal.services.page_cache import GENERATION_KEY

    settings.PAGE_CACHE_LOCAL_SECONDS = 0.3
    first = client.get("/plain/")
    assert client.get("/plain/")[HIT_HEADER] == "hit"
    cache.incr(GENERATION_KEY)  # what page_cache_invalidate() does in another process
    assert client.get("/plain/").content == first.content  # within the window: this process's copy
    time.sleep(0.35)
    after = client.get("/plain/")
    assert after[HIT_HEADER] == "miss" and after.content != first.content


@cached_urls
def test_pages_served_from_memory_need_no_round_trip_to_the_shared_cache(client, monkeypatch):
    from django.core.cache import cache

    client.get("/plain/")
    assert client.get("/plain/")[HIT_HEADER] == "hit"

    def unexpected(*args, **kwargs):
        raise AssertionError("the shared cache was asked")

    monkeypatch.setattr(cache, "get", unexpected)
    monkeypatch.setattr(cache, "get_many", unexpected)
    assert client.get("/plain/")[HIT_HEADER] == "hit"


@cached_urls
def test_memory_keeps_only_the_latest_pages(client, settings):
    from portal.services import page_cache

    settings.PAGE_CACHE_LOCAL_ENTRIES = 2
    for query in ("a=1", "a=2", "a=3"):
        client.get("/plain/", QUERY_STRING=query)
    assert len(page_cache._local_pages) == 2
