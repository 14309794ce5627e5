"""Attachment generators the outbox tests name in their rows; the test worker imports them by
their dotted path, as it would a feature's."""

from django.core.cache import cache

from portal.services.notifications import attachment_generator

FAIL_KEY = "tests:attachments:fail-next"


@attachment_generator
def greeting(*, name: str) -> str:
    """Text made at delivery from its keyword arguments."""
    return f"Hello, {name}.\n"


@attachment_generator
def binary(*, size: int) -> bytes:
    """Bytes that are not text, as a PDF's are."""
    return bytes(range(256)) * (size // 256) + bytes(range(size % 256))


@attachment_generator
def flaky(*, name: str) -> str:
    """Fails while the cache says so (the tests set it), then works."""
    if cache.get(FAIL_KEY):
        cache.delete(FAIL_KEY)
        raise OSError("the report store is unavailable")
    return f"Made for {name}.\n"


def unmarked(**kwargs) -> str:
    return "never called"
