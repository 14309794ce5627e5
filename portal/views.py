"""Site-wide pages: home, contact directory, neighborhoods, errors and health checks."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import translate_url
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import maps, registry, selectors
from portal.context_processors import department_or_none
from portal.redirects import is_local_location, local_path
from portal.services.page_cache import page_cached

logger = logging.getLogger(__name__)


@page_cached
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "panels": registry.render_panels(registry.home_panels, request),
        },
    )


@page_cached
def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/contact.html", {"divisions": selectors.division_list()})


@page_cached
def neighborhood_list(request: HttpRequest) -> HttpResponse:
    """The neighborhoods, their map, and "which neighborhood is my address in?"."""
    neighborhoods = list(selectors.neighborhood_list())
    address = request.GET.get("address", "").strip()[:200]
    streets = list(maps.street_search(address)) if address else None
    return render(
        request,
        "portal/neighborhood_list.html",
        {
            "neighborhoods": neighborhoods,
            "town_map": maps.town_map(neighborhoods),
            "address": address,
            "streets": streets,
        },
    )


@page_cached
def neighborhood_detail(request: HttpRequest, slug: str) -> HttpResponse:
    neighborhood = selectors.neighborhood_get(slug=slug)
    return render(
        request,
        "portal/neighborhood_detail.html",
        {
            "neighborhood": neighborhood,
            "panels": registry.render_panels(
                registry.neighborhood_panels, request, neighborhood=neighborhood
            ),
        },
    )


@require_GET
def language_switch(request: HttpRequest, language: str) -> HttpResponseRedirect:
    """Switch language with a plain link: remember the choice in the language cookie and go to
    the same page in that language. A link, not a form: it works on pages that send no referrer
    (the tip line), and public pages carry no CSRF token, so they can be cached whole."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    # The path is decoded and normalised first: "/%252Fevil" must not become "//evil" after
    # a server decodes it (portal/redirects.py).
    target = translate_url(local_path(request.GET.get("next")), language)
    response = HttpResponseRedirect(target if is_local_location(target) else "/")
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


# --- Errors -------------------------------------------------------------------------------------


def page_not_found(request, exception=None):
    return render(request, "404.html", {}, status=404)


def server_error(request):
    # Rendered without the database: whatever broke may be the database.
    return _render_standalone(request, "500.html", status=500)


def request_too_large(request, *, limit: int) -> HttpResponse:
    """413, before the body is read (portal/uploads.py): what was sent is not kept. It runs
    before the locale middleware, so it finds the visitor's language itself."""
    with translation.override(translation.get_language_from_request(request, check_path=True)):
        return _render_standalone(
            request, "413.html", status=413, extra={"limit_mb": max(1, limit // (1024 * 1024))}
        )


def service_unavailable(request, *, database: bool) -> HttpResponse:
    response = _render_standalone(request, "503.html", status=503, extra={"database": database})
    response["Retry-After"] = "120"
    return response


def _render_standalone(request, template_name, *, status, extra=None):
    try:
        department = department_or_none()
    except Exception:  # noqa: BLE001 - an error page must render whatever else is broken
        department = None
    context = {"department": department, "standalone": True, **(extra or {})}
    html = loader.get_template(template_name).render(context)
    return HttpResponse(html, status=status)


# --- Health -------------------------------------------------------------------------------------


@never_cache
def health_live(request: HttpRequest) -> HttpResponse:
    """The process answers. Also the bare view the benchmarks compare every page with."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def health_ready(request: HttpRequest) -> JsonResponse:
    """The database and the cache answer (used by docker compose health checks)."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "unavailable"
    try:
        cache.set("healthz", "1", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "unavailable"
    except Exception:  # noqa: BLE001 - any cache failure is "unavailable"
        checks["cache"] = "unavailable"
    checks["tasks"] = "inline" if settings.CELERY_TASK_ALWAYS_EAGER else "broker"
    healthy = all(v in ("ok", "inline", "broker") for v in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)
