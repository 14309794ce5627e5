"""Settings singletons that every request reads, kept for a moment in the process's memory.

django-solo keeps a singleton (the department's settings, the parking rules, the records
settings) in the shared cache, so reading one costs a Redis round trip: on every request for
the department's time zone, and again in the officer's plate lookup. A `LocalSingleton` is also
kept in this process for SOLO_LOCAL_SECONDS (1 s by default; 0 turns it off): a change saved in
admin is seen at once by the process that saved it and within that second by the others.

Each caller gets its own copy, so one request changing its object never changes another's.
Celery tasks read through to the shared cache (the layer is forgotten before each task): they
are not on a hot path, and a task must see what the request that queued it saved.
"""

import copy
import threading
import time

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from solo.models import SingletonModel

_lock = threading.Lock()
_held: dict[type, tuple[SingletonModel, float]] = {}


def _seconds() -> float:
    return float(getattr(settings, "SOLO_LOCAL_SECONDS", 1.0))


class LocalSingleton(SingletonModel):
    class Meta:
        abstract = True

    @classmethod
    def get_solo(cls):
        seconds = _seconds()
        if seconds <= 0:
            return super().get_solo()
        now = time.monotonic()
        with _lock:
            held = _held.get(cls)
        if held is None or now - held[1] >= seconds:
            held = (super().get_solo(), now)
            with _lock:
                _held[cls] = held
        return copy.copy(held[0])


def forget_local_singletons(**kwargs) -> None:
    """Drop every singleton this process holds (before a Celery task; between tests)."""
    with _lock:
        _held.clear()


def _changed(sender, **kwargs) -> None:
    if isinstance(sender, type) and issubclass(sender, LocalSingleton):
        with _lock:
            _held.pop(sender, None)


post_save.connect(_changed, dispatch_uid="portal.singletons.saved")
post_delete.connect(_changed, dispatch_uid="portal.singletons.deleted")
