"""Complaints about officers (complaints/): encryption keys, guessing and flooding limits,
cleaning residents' files, the sweep and the reminders."""

from .base import CELERY_BEAT_SCHEDULE, CELERY_TASK_ROUTES, env

# Complainants' and witnesses' details, what residents wrote, investigators' notes and files are
# encrypted with these Fernet keys (newest first); DEBUG=0 requires them (portal.E101).
COMPLAINTS_ENCRYPTION_KEYS = env.list("COMPLAINTS_ENCRYPTION_KEYS", default=[])
# Guessing and flooding: per client (a keyed hash of the address that changes every hour) and,
# for wrong passphrases, per tracking code.
COMPLAINTS_SUBMISSIONS_PER_HOUR = env.int("COMPLAINTS_SUBMISSIONS_PER_HOUR", default=10)
COMPLAINTS_CHECKS_PER_15_MINUTES = env.int("COMPLAINTS_CHECKS_PER_15_MINUTES", default=30)
COMPLAINTS_CHECK_MAX_FAILURES = env.int("COMPLAINTS_CHECK_MAX_FAILURES", default=5)
COMPLAINTS_CHECK_LOCKOUT_SECONDS = env.int("COMPLAINTS_CHECK_LOCKOUT_SECONDS", default=30 * 60)
# Cleaning residents' files runs beside the tip line's, on the "scrub" queue.
CELERY_TASK_ROUTES["complaints.tasks.attachment_scrub_task"] = {"queue": "scrub"}
CELERY_BEAT_SCHEDULE["complaints-sweep"] = {
    "task": "complaints.tasks.sweep",
    "schedule": env.float("COMPLAINTS_SWEEP_SECONDS", default=300.0),
}
CELERY_BEAT_SCHEDULE["complaints-reminders"] = {
    "task": "complaints.tasks.reminders_send",
    "schedule": env.float("COMPLAINTS_REMINDER_SECONDS", default=3600.0),
}
