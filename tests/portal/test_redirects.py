"""The language switch and the remembered-language redirect never send anyone off the site."""

from urllib.parse import urlsplit

import pytest

NASTY_NEXT = [
    "//evil.example/",
    "/%2F%2Fevil.example/",
    "/%252Fevil.example/",
    "/%25252Fevil.example/",
    "\\\\evil.example/",
    "/\\evil.example/",
    "https://evil.example/",
    "http:/evil.example/",
    "/%5Cevil.example/",
]


def _follow(client, url: str, hops: int = 6) -> list[str]:
    """Every Location on the way, as a browser (and gunicorn's path decoding) would follow."""
    seen = []
    for _ in range(hops):
        response = client.get(url)
        if response.status_code not in (301, 302, 303, 307, 308):
            break
        url = response["Location"]
        seen.append(url)
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != "testserver":
            break
        if url.startswith("//") or "\\" in url[:3]:
            break
    return seen


def _stays_here(location: str) -> bool:
    parts = urlsplit(location)
    return (
        location.startswith("/")
        and not location.startswith("//")
        and not location.startswith("/\\")
        and parts.netloc in ("", "testserver")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("nasty", NASTY_NEXT)
def test_language_switch_keeps_every_redirect_on_this_site(client, nasty):
    locations = _follow(client, f"/language/es/?next={nasty}")
    assert locations
    assert all(_stays_here(location) for location in locations), locations


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["//evil.example/", "/%2F%2Fevil.example/", "/%2Fevil.example/", "/%5Cevil.example/"]
)
def test_remembered_language_never_redirects_off_the_site(client, settings, path):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    locations = _follow(client, path)
    assert all(_stays_here(location) for location in locations), locations


@pytest.mark.django_db
def test_language_switch_still_returns_to_the_same_page_in_spanish(client):
    response = client.get("/language/es/?next=/contact/")
    assert response.status_code == 302
    assert response["Location"] == "/es/contact/"
