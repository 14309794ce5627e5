"""Records requests (records/): encrypted request files, online fees through Stripe,
the deadline jobs and the purge of identity documents."""

from pathlib import Path

from .base import CELERY_BEAT_SCHEDULE, VAR_DIR, env

# Fernet keys for files attached to record requests (identity documents above all), comma
# separated, newest first. Unset with DEBUG=1: a key derived from SECRET_KEY (demo only); unset
# with DEBUG=0: storing or reading such a file fails (ImproperlyConfigured).
RECORDS_ENCRYPTION_KEYS = env.list("RECORDS_ENCRYPTION_KEYS", default=[])
# Where those encrypted files are kept: outside MEDIA_ROOT, never served as static files.
RECORDS_FILE_ROOT = Path(env.str("RECORDS_FILE_ROOT", default=str(VAR_DIR / "records")))
# Paying fees online through Stripe Checkout (records/services/payments.py, docs/operations.md):
# both set, or the tracking page offers only the window and the mail.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")  # empty: https://api.stripe.com
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=15.0)
STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"
# Deadline jobs (deemed denials, clerk reminders, fingerprinting reminders, the supervisor's
# daily digest) and the retention purge of identity documents. Each is idempotent.
CELERY_BEAT_SCHEDULE["records-deadlines"] = {
    "task": "records.tasks.deadlines_run",
    "schedule": env.float("RECORDS_DEADLINES_SECONDS", default=900.0),
}
CELERY_BEAT_SCHEDULE["records-id-purge"] = {
    "task": "records.tasks.id_documents_purge",
    "schedule": env.float("RECORDS_PURGE_SECONDS", default=3600.0),
}
# Refunds Stripe did not answer are asked for again, with the same key, backing off; each
# waits its own time (records/services/refund_retries.py), this is how often beat looks.
CELERY_BEAT_SCHEDULE["records-refund-retry"] = {
    "task": "records.tasks.refunds_retry_sweep",
    "schedule": env.float("RECORDS_REFUND_RETRY_SECONDS", default=60.0),
}
