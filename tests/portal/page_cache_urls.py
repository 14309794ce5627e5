"""Views for the page cache's own tests: each shows one thing the cache must get right."""

from django.contrib import messages
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from portal.services.page_cache import page_cached

COUNTER = {"built": 0}


@page_cached
def plain(request):
    COUNTER["built"] += 1
    return HttpResponse(f"built {COUNTER['built']}")


@page_cached
def flash(request):
    """Shows pending flash messages; ?add=1 adds one for this visitor."""
    if request.GET.get("add"):
        messages.info(request, "Only for you")
    shown = ", ".join(str(m) for m in messages.get_messages(request))
    return HttpResponse(f"messages: [{shown}]")


@page_cached
def nonce(request):
    template = engines["django"].from_string(
        '<script nonce="{{ request.csp_nonce }}">var x = 1;</script>'
    )
    return HttpResponse(template.render({}, request))


@page_cached
def with_cookie(request):
    response = HttpResponse("cookie")
    response.set_cookie("seen", "1")
    return response


@page_cached
def private(request):
    response = HttpResponse("private")
    response["Cache-Control"] = "private, no-store"
    return response


@page_cached
def missing(request):
    return HttpResponse("gone", status=404)


urlpatterns = [
    path("plain/", plain),
    path("flash/", flash),
    path("nonce/", nonce),
    path("cookie/", with_cookie),
    path("private/", private),
    path("missing/", missing),
]
