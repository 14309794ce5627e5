"""Public forms refuse posts another site makes a visitor's browser send."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from portal.public_forms import public_form


@public_form
def _view(request):
    return HttpResponse("saved")


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "https://sub.testserver"},
        {"Origin": "null"},  # a sandboxed frame or a data: page elsewhere
        {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_cross_site_or_opaque_post_is_refused(headers):
    with pytest.raises(PermissionDenied):
        _view(RequestFactory().post("/form/", {}, headers=headers))


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
        {"Origin": "null", "Sec-Fetch-Site": "same-origin"},  # our no-referrer pages
        {"Origin": "http://testserver"},
        {},  # an old browser or a script: no word either way
    ],
)
def test_a_post_from_our_own_pages_goes_through(headers):
    response = _view(RequestFactory().post("/form/", {}, headers=headers))
    assert response.content == b"saved"
