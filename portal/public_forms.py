"""Public forms on cached pages: no CSRF token, cross-site posts refused by the browser's word.

A CSRF token ties a page to one visitor (a cookie and a value in the form), so a page carrying
one cannot be cached whole. Residents' public forms (an event sign-up, a neighborhood
subscription) ride on no session: there is no signed-in resident whose authority a forged post
could borrow, so the token protects nothing there (the tip line reasons the same way, see
tips/views.py). What is left to refuse is a post another site makes a visitor's browser send:
browsers say where a post comes from (Sec-Fetch-Site, Origin), and `public_form` refuses a
cross-site one. `Origin: null` is refused too, unless the browser also says the post is
same-origin: a sandboxed frame or a `data:` page on another site sends "null", and so does a page
of ours with `Referrer-Policy: no-referrer`, for which every current browser adds
`Sec-Fetch-Site: same-origin`. A post with neither header (an old browser, a script) is let
through, as it could as well come straight from its sender; limits on what a post may do stay in
the services.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt


def is_cross_site(request: HttpRequest) -> bool:
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE", "")
    if fetch_site in ("cross-site", "same-site"):
        return True
    if fetch_site in ("same-origin", "none"):  # "none": typed or bookmarked by the person
        return False
    origin = request.META.get("HTTP_ORIGIN", "")
    if not origin:
        return False
    if origin == "null":  # an opaque origin, with no word from the browser that it is ours
        return True
    ours = f"{request.scheme}://{request.get_host()}"
    return origin != ours and origin not in settings.CSRF_TRUSTED_ORIGINS


def public_form(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A resident's form view: its page may be cached (no CSRF token), cross-site posts are
    refused with 403."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST" and is_cross_site(request):
            raise PermissionDenied("Cross-site form post")
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapper)
