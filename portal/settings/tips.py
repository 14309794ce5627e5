"""The anonymous tip line (tips/): the passphrase pepper, guessing and flooding limits,
cleaning tipsters' files and the sweeps behind its tasks."""

from .api import SPECTACULAR_SETTINGS
from .base import CELERY_BEAT_SCHEDULE, CELERY_TASK_ROUTES, DEBUG, SECRET_KEY, env

# The tip line (tips/). Passphrases are hashed with this pepper on top of Argon2id; it lives
# outside the database like the encryption keys. With DEBUG=1 and none given, one is derived
# from SECRET_KEY; DEBUG=0 requires it (system check portal.E104), since changing SECRET_KEY
# would otherwise lock every tipster out.
TIPS_PASSPHRASE_PEPPER = env.str("TIPS_PASSPHRASE_PEPPER", default="") or (
    f"pepper:{SECRET_KEY}" if DEBUG else ""
)
# Wrong passphrases for one tip number before it is locked, and for how long (seconds).
TIPS_CHECK_MAX_FAILURES = env.int("TIPS_CHECK_MAX_FAILURES", default=5)
TIPS_CHECK_LOCKOUT_SECONDS = env.int("TIPS_CHECK_LOCKOUT_SECONDS", default=30 * 60)
# Tips one address may send per hour (counted under a keyed, hourly rotating hash in Redis).
TIPS_SUBMISSIONS_PER_HOUR = env.int("TIPS_SUBMISSIONS_PER_HOUR", default=10)
# Check-back tries (number + passphrase) one address may make per 15 minutes (counted the same way).
TIPS_CHECKS_PER_15_MINUTES = env.int("TIPS_CHECKS_PER_15_MINUTES", default=30)
CELERY_BEAT_SCHEDULE["tips-attachment-sweep"] = {
    "task": "tips.tasks.attachment_sweep",
    "schedule": env.float("TIPS_ATTACHMENT_SWEEP_SECONDS", default=300.0),
}
# Originals of tipsters' files are kept this many days (encrypted, for investigators with the
# special permission), then deleted once a clean copy exists; the tip form says so.
TIPS_ORIGINAL_RETENTION_DAYS = env.int("TIPS_ORIGINAL_RETENTION_DAYS", default=90)
CELERY_BEAT_SCHEDULE["tips-original-purge"] = {
    "task": "tips.tasks.attachment_originals_purge",
    "schedule": env.float("TIPS_ORIGINAL_PURGE_SECONDS", default=3600.0),
}
# Videos longer than this (seconds) or larger than 4K (long x short side, pixels) are refused
# (ffprobe reads them first, tips/scrub.py).
TIPS_VIDEO_MAX_SECONDS = env.int("TIPS_VIDEO_MAX_SECONDS", default=600)
TIPS_VIDEO_MAX_LONG_SIDE = env.int("TIPS_VIDEO_MAX_LONG_SIDE", default=4096)
TIPS_VIDEO_MAX_SHORT_SIDE = env.int("TIPS_VIDEO_MAX_SHORT_SIDE", default=2160)
# Cleaning files (a video encode takes minutes) runs on its own queue, "scrub", so it never
# holds up notifications on the default queue: docker-compose.yml runs a worker for each.
CELERY_TASK_ROUTES.update(
    {
        "tips.tasks.attachment_scrub_task": {"queue": "scrub"},
        "tips.tasks.attachment_sweep": {"queue": "scrub"},
    }
)
# New-tip notices whose task was lost (broker down when the tip came in).
CELERY_BEAT_SCHEDULE["tips-notice-sweep"] = {
    "task": "tips.tasks.tip_notify_sweep",
    "schedule": env.float("TIPS_NOTICE_SWEEP_SECONDS", default=60.0),
}
# Case packets requested whose build task was lost.
CELERY_BEAT_SCHEDULE["tips-packet-sweep"] = {
    "task": "tips.tasks.packet_sweep",
    "schedule": env.float("TIPS_PACKET_SWEEP_SECONDS", default=300.0),
}
# The tip line's choice sets get their own names in the OpenAPI schema (other apps have a
# "status" too).
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "TipStatusEnum": "tips.models.Tip.Status",
        "TipPriorityEnum": "tips.models.Tip.Priority",
        "TipOutcomeEnum": "tips.models.Tip.Outcome",
    }
)
