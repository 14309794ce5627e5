"""Service requests (service_requests/): encrypted contact details, residents' photos,
limits and the supervisors' daily digest."""

from pathlib import Path

from .base import CELERY_BEAT_SCHEDULE, VAR_DIR, env

# Residents' contact details on service requests are encrypted with these Fernet keys (newest
# first); DEBUG=0 requires them (system check portal.E101).
SERVICE_REQUESTS_ENCRYPTION_KEYS = env.list("SERVICE_REQUESTS_ENCRYPTION_KEYS", default=[])
# Where residents' (cleaned) photos are kept: outside MEDIA_ROOT, served only by our views.
SERVICE_REQUESTS_FILE_ROOT = Path(
    env.str("SERVICE_REQUESTS_FILE_ROOT", default=str(VAR_DIR / "service_requests"))
)
# Photos per request, and each photo's size limit.
SERVICE_REQUESTS_MAX_PHOTOS = 5
SERVICE_REQUESTS_PHOTO_MAX_MB = env.int("SERVICE_REQUESTS_PHOTO_MAX_MB", default=10)
# Requests one client may send per hour, and wrong tracking codes it may try.
SERVICE_REQUESTS_PER_HOUR = env.int("SERVICE_REQUESTS_PER_HOUR", default=20)
SERVICE_REQUESTS_LOOKUPS_PER_HOUR = env.int("SERVICE_REQUESTS_LOOKUPS_PER_HOUR", default=20)
# The supervisors' daily digest (local time, hour of day) and the sweep of owed work.
CELERY_BEAT_SCHEDULE["service-requests-digest"] = {
    "task": "service_requests.tasks.digest_run",
    "schedule": env.float("SERVICE_REQUESTS_DIGEST_SECONDS", default=3600.0),
}
SERVICE_REQUESTS_DIGEST_HOUR = env.int("SERVICE_REQUESTS_DIGEST_HOUR", default=7)
