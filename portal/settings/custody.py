"""Custody (custody/): the purge of released custody records."""

from .base import CELERY_BEAT_SCHEDULE, env

CELERY_BEAT_SCHEDULE["custody-records-purge"] = {
    "task": "custody.tasks.records_purge",
    "schedule": env.float("CUSTODY_PURGE_SECONDS", default=3600.0),
}
