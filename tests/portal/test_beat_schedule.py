"""Beat sends only tasks a worker knows: an entry naming a removed task would be discarded by
every worker, on every run, with an error in the log and nothing done."""

import pytest

from portal.celery import app


@pytest.mark.xfail(
    strict=True,
    reason="portal/settings.py still holds the beat entries of the removed custody and careers "
    "purge tasks (the kernel's hourly purge covers their kinds); drop this marker with them",
)
def test_every_beat_entry_names_a_registered_task(settings):
    app.loader.import_default_modules()
    unknown = {
        name: entry["task"]
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"] not in app.tasks
    }
    assert unknown == {}
