"""Where the portal may send a browser back to: a path on this site, and nothing else.

A `next` value or a request path can hide another host behind percent-encoding ("/%2F/evil"
becomes "//evil" once a server decodes it) or a backslash (browsers read "/\\evil" as
"//evil"). `local_path` decodes until nothing changes, folds backslashes into slashes and
collapses leading slashes, then asks Django's `url_has_allowed_host_and_scheme` about the
result; `is_local_location` checks a Location we are about to send."""

from urllib.parse import unquote, urlsplit

from django.utils.http import url_has_allowed_host_and_scheme

_MAX_DECODES = 5


def _fully_decoded(value: str) -> str | None:
    for _ in range(_MAX_DECODES):
        decoded = unquote(value)
        if decoded == value:
            return value
        value = decoded
    return None  # encoded deeper than any honest link


def is_local_location(location: str) -> bool:
    """True when `location` is a path on this site ("/es/tips/"), never another host."""
    decoded = _fully_decoded(location)
    if decoded is None or any(ch in decoded for ch in "\\\r\n\t\x00"):
        return False
    if not decoded.startswith("/") or decoded.startswith("//"):
        return False
    return url_has_allowed_host_and_scheme(location, allowed_hosts=None) and (
        url_has_allowed_host_and_scheme(decoded, allowed_hosts=None)
    )


def local_path(url: str | None, default: str = "/") -> str:
    """`url` as a path on this site (query kept), or `default` when it is anything else."""
    if not url:
        return default
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return default
    decoded = _fully_decoded(parts.path)
    if decoded is None or any(ch in decoded for ch in "\r\n\t\x00"):
        return default
    path = "/" + decoded.replace("\\", "/").lstrip("/")
    candidate = path + (f"?{parts.query}" if parts.query else "")
    if not is_local_location(candidate):
        return default
    return candidate
