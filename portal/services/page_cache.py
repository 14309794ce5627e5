"""Whole-page cache for public pages that look the same to every anonymous visitor.

A view decorated with `@page_cached` is served from the default cache (Redis in production,
local memory in development, nothing with the dummy cache) when:
- the request is an anonymous GET or HEAD: no session cookie (staff), no pending flash
  message, no Authorization header;
- the stored response was a plain 200, set no cookie, was not marked private, no-store or
  no-cache (a staff preview), touched no session, queued no message and used no CSRF token;
- nothing public changed since it was stored: every entry carries the generation it was built
  in, and `page_cache_invalidate()` starts a new generation. Feature apps call it from their
  services (publish, sign-up, cancellation, scheduled jobs), and `watch(Model, ...)` calls it on
  every save and delete of a model public pages show (admin edits, inlines). A short time to
  live (PAGE_CACHE_SECONDS) is the safety net for what changes with the clock alone.

Each process also keeps the pages it served lately in memory (PAGE_CACHE_LOCAL_ENTRIES), and
reads the generation from the shared cache at most every PAGE_CACHE_LOCAL_SECONDS (1 s): a
hit then costs no round trip at all. A change made in this process is seen at once; one made
in another process (another web worker, a Celery job) within that second.

The key is the scheme, host, path, query string and active language, so English and Spanish
never mix. The decorator sits inside the middleware stack: on a hit the response still goes
through the middleware, which adds Content-Language, Vary, the security headers and the
Content-Security-Policy as for any response. A page that used a CSP nonce is stored with the
nonce replaced by a placeholder, and each hit gets a fresh nonce in both the page and the
header, so no visitor ever sees another's nonce.

A page that includes something that must not be cached (a panel whose owner has not said
which models it shows, say) calls `page_cache_skip(request)` while it is built.

Private pages (the tip line, records tracking, parking permits) are never decorated: caching
is opt-in, view by view.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
KEY_PREFIX = "page-cache:v2:"
NONCE_PLACEHOLDER = b"\x00csp-nonce\x00"
SKIP_ATTRIBUTE = "_page_cache_skip"
HIT_HEADER = "X-Page-Cache"
_REFUSED_CACHE_CONTROL = ("private", "no-store", "no-cache")
_KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Content-Disposition",
    "Cache-Control",
    "Expires",
    "Last-Modified",
    "ETag",
    "Vary",
    "Link",
)


def _seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 120))


# This process's layer: the generation last read from the shared cache (and when), and the
# pages served lately, each with the generation it was built in and when it expires.
_local_lock = threading.Lock()
_local_generation: list = [None, 0.0]
_local_pages: OrderedDict[str, tuple] = OrderedDict()


def _local_seconds() -> float:
    return float(getattr(settings, "PAGE_CACHE_LOCAL_SECONDS", 1.0))


def _local_forget_generation() -> None:
    with _local_lock:
        _local_generation[0] = None


def page_cache_forget_local() -> None:
    """Forget this process's layer (pages and generation): after the shared cache was cleared
    under it, as the test suite does between tests."""
    with _local_lock:
        _local_generation[0] = None
        _local_pages.clear()


def _current_generation() -> int:
    now = time.monotonic()
    with _local_lock:
        generation, read_at = _local_generation
    if generation is not None and now - read_at < _local_seconds():
        return generation
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = page_cache_generation()
    with _local_lock:
        _local_generation[:] = [generation, now]
    return generation


def _local_get(key: str, generation: int):
    with _local_lock:
        entry = _local_pages.get(key)
        if entry is None:
            return None
        if entry[0] != generation or entry[1] <= time.time():
            del _local_pages[key]
            return None
        _local_pages.move_to_end(key)
        return entry


def _local_put(key: str, entry: tuple) -> None:
    limit = int(getattr(settings, "PAGE_CACHE_LOCAL_ENTRIES", 256))
    if limit <= 0:
        return
    with _local_lock:
        _local_pages[key] = entry
        _local_pages.move_to_end(key)
        while len(_local_pages) > limit:
            _local_pages.popitem(last=False)


def _new_generation() -> int:
    # Time-based, so a generation counter that Redis lost restarts above every older one.
    return time.time_ns()


def _bump() -> None:
    _local_forget_generation()  # this process sees its own change at once
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # missing (first use, flushed, evicted)
            cache.set(GENERATION_KEY, _new_generation(), None)
    except Exception:  # the cache being down must not stop a save
        # Stored pages (if the cache comes back with them) expire after PAGE_CACHE_SECONDS.
        logger.warning("Page cache: could not start a new generation", exc_info=True)


def page_cache_invalidate() -> None:
    """Start a new generation: every page stored until now is out of date.

    Called inside a transaction, it bumps now and again after commit, so a page rendered from
    the not-yet-committed state between the two is never served afterwards."""
    _bump()
    if connection.in_atomic_block:
        transaction.on_commit(_bump)


def page_cache_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _new_generation(), None)
        generation = cache.get(GENERATION_KEY, 0)
    return generation


def page_cache_skip(request: HttpRequest) -> None:
    """Do not store the response to this request (something on it is per-visitor or has no
    invalidation)."""
    setattr(request, SKIP_ATTRIBUTE, True)


def _changed(sender, **kwargs) -> None:
    page_cache_invalidate()


def _m2m_changed(sender, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        page_cache_invalidate()


def watch(*models) -> None:
    """Invalidate the page cache on every save and delete of these models (and changes of
    their many-to-many fields): for models whose content public pages show."""
    for model in models:
        label = model._meta.label_lower
        post_save.connect(_changed, sender=model, weak=False, dispatch_uid=f"page-cache:{label}")
        post_delete.connect(
            _changed, sender=model, weak=False, dispatch_uid=f"page-cache-del:{label}"
        )
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _m2m_changed,
                sender=through,
                weak=False,
                dispatch_uid=f"page-cache-m2m:{through._meta.label_lower}",
            )


# --- Serving --------------------------------------------------------------------------------------


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies:
        return False  # staff, or anyone with a session: may see drafts, messages, their name
    if getattr(settings, "MESSAGE_COOKIE_NAME", "messages") in cookies:
        return False  # a pending flash message is for this visitor only
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    return len(request.META.get("QUERY_STRING", "")) <= 512


def _key(request: HttpRequest) -> str:
    raw = "\n".join(
        [
            request.scheme or "",
            request.get_host(),
            request.path,
            request.META.get("QUERY_STRING", ""),
            translation.get_language() or "",
        ]
    )
    return KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or getattr(request, SKIP_ATTRIBUTE, False):
        return False
    if response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in _REFUSED_CACHE_CONTROL):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False  # the page carries a CSRF token: it belongs to this visitor
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False  # (reading the empty session of a visitor without one is harmless)
    # A flash message shown or added belongs to this visitor.
    storage = getattr(request, "_messages", None)
    return storage is None or not (
        getattr(storage, "_queued_messages", None) or getattr(storage, "_loaded_data", None)
    )


def _store(request: HttpRequest, response: HttpResponse, key: str, generation: int) -> None:
    content = response.content
    nonce = getattr(request, "_csp_nonce", None)
    if isinstance(nonce, str):
        content = content.replace(nonce.encode(), NONCE_PLACEHOLDER)
    headers = [(name, response[name]) for name in _KEPT_HEADERS if response.has_header(name)]
    entry = (generation, time.time() + _seconds(), response.status_code, headers, content)
    cache.set(key, entry, _seconds())
    _local_put(key, entry)


def _rebuild(request: HttpRequest, entry) -> HttpResponse | None:
    _generation, _expires, status, headers, content = entry
    if NONCE_PLACEHOLDER in content:
        # A fresh nonce for this visitor, in the page and (by the CSP middleware) in the header.
        nonce = str(request.csp_nonce) if hasattr(request, "csp_nonce") else ""
        if not nonce:
            return None
        content = content.replace(NONCE_PLACEHOLDER, nonce.encode())
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    patch_vary_headers(response, ["Cookie"])  # a session or message cookie is never served
    response[HIT_HEADER] = "hit"
    return response


def page_cached(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve this public view's anonymous GETs from the page cache (see the module docstring)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        try:
            generation = _current_generation()
            entry = _local_get(key, generation)
            if entry is None:
                entry = cache.get(key)
                if entry is not None and entry[0] == generation:
                    _local_put(key, entry)
        except Exception:  # the cache being down: build the page as usual
            logger.warning("Page cache unavailable", exc_info=True)
            return view(request, *args, **kwargs)
        if entry is not None and entry[0] == generation:
            response = _rebuild(request, entry)
            if response is not None:
                return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if _storable(request, response):
            patch_vary_headers(response, ["Cookie"])
            try:
                _store(request, response, key, generation)
            except Exception:  # not stored this time; the page is served
                logger.warning("Page cache: could not store %s", request.path, exc_info=True)
            else:
                response[HIT_HEADER] = "miss"
        return response

    wrapper.page_cached = True
    return wrapper
