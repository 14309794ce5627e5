"""Beat sends only tasks a worker knows: an entry naming a removed task would be discarded by
every worker, on every run, with an error in the log and nothing done."""

from portal.celery import app


def test_every_beat_entry_names_a_registered_task(settings):
    app.loader.import_default_modules()
    unknown = {
        name: entry["task"]
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"] not in app.tasks
    }
    assert unknown == {}
