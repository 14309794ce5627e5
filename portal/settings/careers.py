"""Careers (careers/): encrypted CVs, their retention and the application limits."""

from pathlib import Path

from .api import SPECTACULAR_SETTINGS
from .base import VAR_DIR, env

# Applicants' CVs are stored encrypted with these Fernet keys (newest first); DEBUG=0 requires
# them (system check portal.E101).
CAREERS_ENCRYPTION_KEYS = env.list("CAREERS_ENCRYPTION_KEYS", default=[])
# Where the encrypted CVs are kept: outside MEDIA_ROOT, never served by URL (back it up).
CAREERS_FILE_ROOT = Path(env.str("CAREERS_FILE_ROOT", default=str(VAR_DIR / "careers")))
# Unsuccessful internship applications (and their CVs) are deleted this many days after the
# decision by default; the department's period is on the retention page (careers.application),
# and the kernel's hourly retention purge deletes them.
CAREERS_RETENTION_DAYS = env.int("CAREERS_RETENTION_DAYS", default=180)
# Internship applications one client may send per hour, and the CV's limits.
CAREERS_APPLICATIONS_PER_HOUR = env.int("CAREERS_APPLICATIONS_PER_HOUR", default=5)
CAREERS_CV_MAX_MB = env.int("CAREERS_CV_MAX_MB", default=5)
CAREERS_CV_MAX_PAGES = env.int("CAREERS_CV_MAX_PAGES", default=10)
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {"PositionKindEnum": "careers.models.Position.Kind"}
)
