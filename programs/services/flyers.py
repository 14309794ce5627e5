"""Printable flyers: built by a Celery task the first time someone asks for one.

Nothing in the database says a flyer is owed, so no beat sweep looks for lost builds: the
flyer page answers "come back in five seconds" (Retry-After) until the file exists, and each
visit that finds none queues the build again. A broker outage therefore delays a flyer and
never loses it. The build reads only committed rows, so it is queued at once
(portal.handoff.dispatch), not after a commit.
"""

from django.core.files.storage import default_storage

from portal import handoff
from programs import tasks
from programs.flyer import flyer_name
from programs.models import Event


def flyer_request(*, event: Event, language: str) -> str | None:
    """The storage name of the event's flyer in `language` when it is built; otherwise queue
    its build and return None (or the name, when the build ran inline)."""
    name = flyer_name(event, language)
    if default_storage.exists(name):
        return name
    handoff.dispatch(tasks.flyer_build, event.pk, language)
    return name if default_storage.exists(name) else None
