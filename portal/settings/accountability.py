"""Accountability (the transparency page's board report, portal/services/accountability.py)."""

from .base import CELERY_BEAT_SCHEDULE, env

# The board's report of the last full quarter is asked for on the first day of each quarter
# (checked daily: asking twice is a no-op); reports still waiting are queued again.
ACCOUNTABILITY_SWEEP_GRACE_SECONDS = env.float("ACCOUNTABILITY_SWEEP_GRACE_SECONDS", default=300.0)
CELERY_BEAT_SCHEDULE["accountability-report-sweep"] = {
    "task": "portal.tasks.accountability_report_sweep",
    "schedule": env.float("ACCOUNTABILITY_SWEEP_SECONDS", default=300.0),
}
CELERY_BEAT_SCHEDULE["accountability-quarterly-report"] = {
    "task": "portal.tasks.accountability_quarterly_report",
    "schedule": 24 * 3600.0,
}
