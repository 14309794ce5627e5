"""Overnight parking (parking/): the nightly list and the snow-emergency sweep."""

from .base import CELERY_BEAT_SCHEDULE, env

# The nightly list goes out before the ban starts; the beat entry checks every few minutes and
# sends each night's list once. The ban sweep re-queues a snow-emergency job the broker lost.
CELERY_BEAT_SCHEDULE["parking-nightly-list"] = {
    "task": "parking.tasks.nightly_list_send",
    "schedule": env.float("PARKING_LIST_CHECK_SECONDS", default=300.0),
}
# /api/v1/parking/floor/: the plate check's floor for bench/snow_night.py; never in production.
PARKING_FLOOR_ENDPOINT = env.bool("PARKING_FLOOR_ENDPOINT", default=False)
CELERY_BEAT_SCHEDULE["parking-ban-sweep"] = {
    "task": "parking.tasks.ban_sweep",
    "schedule": env.float("PARKING_BAN_SWEEP_SECONDS", default=60.0),
}
