"""The kernel's own settings: the environment (DEBUG, the secret key, host names), the apps,
the database, the cache and files, Celery, mail and text messages, languages, logging.

The other modules of this package read the names they build on from here (BASE_DIR, VAR_DIR,
env, DEBUG, the beat schedule...); `portal/settings/__init__.py` says in which order they run.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# The repository's root: portal/settings/base.py is three levels down.
BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

_INSECURE_KEY = "django-insecure-development-only-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_INSECURE_KEY)
# Rotating SECRET_KEY: put the old key here (comma separated, newest first) for as long as links
# signed with it (residents' permit, tracking and sign-up links) must keep working.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)

if not DEBUG:
    if SECRET_KEY == _INSECURE_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "DEBUG=0 needs a real SECRET_KEY (50+ random characters), for example: "
            "python -c 'import secrets; print(secrets.token_urlsafe(64))'; "
            "`DEBUG=1 python manage.py portal_secrets` prints one with every other secret "
            "production needs."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DEBUG=0 needs ALLOWED_HOSTS, e.g. ALLOWED_HOSTS=portal.town.gov"
        )

# The kernel and the feature apps: ours, after the libraries they build on.
PORTAL_APPS = [
    "portal",
    "tips",
    "parking",
    "records",
    "programs",
    "custody",
    "careers",
    "service_requests",
    "complaints",
]

INSTALLED_APPS = [
    # modeltranslation must come before django.contrib.admin to patch its forms.
    "modeltranslation",
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Django's own widget templates, for the form renderer below (TemplatesSetting).
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "axes",
    "csp",
    "solo",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    *PORTAL_APPS,
]

MIDDLEWARE = [
    # First: pages an app registers as anonymous (registry.anonymous_paths) lose the address,
    # user agent and referrer before anything else sees the request (portal/anonymity.py).
    "portal.anonymity.AnonymityMiddleware",
    # Then an oversized body is refused by its Content-Length before anything reads it.
    "portal.uploads.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.MaintenanceModeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "portal.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # With STAFF_REQUIRE_2FA, a password-only session reads as anonymous everywhere.
    "portal.staff_auth.VerifiedSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.DepartmentTimezoneMiddleware",
    "portal.middleware.ServiceUnavailableMiddleware",
    # AxesMiddleware must be last: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

# Error reports for anonymous pages carry no headers, form fields or local variables.
DEFAULT_EXCEPTION_REPORTER_FILTER = "portal.anonymity.AnonymousExceptionReporterFilter"

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]
# One way to draw every form: portal/templates/portal/forms/ (label, hint, error, error summary).
FORM_RENDERER = "portal.forms.PortalFormRenderer"

# --- Data ---------------------------------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # One prefix per database by default: cached rows (django-solo's settings, say) of
            # one database must never be read by a portal running on another.
            "KEY_PREFIX": env.str(
                "CACHE_KEY_PREFIX",
                default=f"portal:{DATABASES['default']['NAME']}".replace(" ", "_"),
            ),
            # A Redis that hangs costs a request this long; one that is down, a refused connect
            # (portal/cache.py: reads miss, the page comes from the database).
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_CACHE_TIMEOUT", default=0.5),
                "socket_timeout": env.float("REDIS_CACHE_TIMEOUT", default=0.5),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Public pages cached whole (portal.services.page_cache) are rebuilt after any change to what
# they show; this bounds what changes with the clock alone (an event that just ended).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=120)
# Each process also keeps its latest pages in memory and checks for changes made elsewhere
# (other workers, Celery) at most this often: a hit then needs no round trip to Redis.
PAGE_CACHE_LOCAL_SECONDS = env.float("PAGE_CACHE_LOCAL_SECONDS", default=1.0)
PAGE_CACHE_LOCAL_ENTRIES = env.int("PAGE_CACHE_LOCAL_ENTRIES", default=256)

MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_KEEP_ONLY_HASHED_FILES = True

# Field encryption for the tip line (used by tips/). One or more Fernet keys, comma separated,
# newest first: new data is written with the first, old data stays readable with the others.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
FIELD_ENCRYPTION_KEY_FILE = env.str("FIELD_ENCRYPTION_KEY_FILE", default="")

# --- Celery (tasks, notifications) --------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
# Without a broker the embedded default runs every task inline, in the process that queued it.
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == "memory://"
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Fail fast when the broker is down: the outbox keeps the message, the sweep sends it later.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "visibility_timeout": 3600}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "notification-sweep": {
        "task": "portal.tasks.notification_sweep",
        "schedule": env.float("NOTIFICATION_SWEEP_SECONDS", default=60.0),
    },
    "notification-bodies-purge": {
        "task": "portal.tasks.notification_bodies_purge",
        "schedule": 24 * 3600.0,
    },
    "sms-cost-sweep": {
        "task": "portal.tasks.sms_cost_sweep",
        "schedule": 3600.0,
    },
    # Retention (portal/services/retention/): hourly, so a day's due records go early that
    # day; each run does only what is due and carries on where a dead run stopped.
    "retention-purge": {
        "task": "portal.tasks.retention_purge",
        "schedule": env.float("RETENTION_PURGE_SECONDS", default=3600.0),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Tasks on a queue of their own (features add theirs: the tip line's file cleaning, say).
CELERY_TASK_ROUTES = {}

# --- Notifications ------------------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
if env.str("EMAIL_FILE_PATH", default=""):  # for filemail://, whose URL cannot hold a full path
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Police Department <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SMS_BACKEND = env.str("SMS_BACKEND", default="portal.sms.ConsoleSMSBackend")
# Twilio (SMS_BACKEND=portal.sms.TwilioSMSBackend; docs/operations.md). The auth token also
# verifies the signature of Twilio's webhooks; without it every webhook is refused.
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM = env.str("TWILIO_FROM", default="")
TWILIO_MESSAGING_SERVICE_SID = env.str("TWILIO_MESSAGING_SERVICE_SID", default="")
TWILIO_API_BASE = env.str("TWILIO_API_BASE", default="")  # empty: https://api.twilio.com
TWILIO_TIMEOUT_SECONDS = env.float("TWILIO_TIMEOUT_SECONDS", default=10.0)
# The country code of a number typed without one ("860 555 0134").
SMS_DEFAULT_COUNTRY_CODE = env.str("SMS_DEFAULT_COUNTRY_CODE", default="1")
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=8)
# Sent messages' text, headers and attachments are removed after this many days.
NOTIFICATION_BODY_RETENTION_DAYS = env.int("NOTIFICATION_BODY_RETENTION_DAYS", default=30)
NOTIFICATION_RETRY_BASE_SECONDS = env.int("NOTIFICATION_RETRY_BASE_SECONDS", default=60)
# A message not delivered this long after it was queued is picked up by the periodic sweep.
NOTIFICATION_SWEEP_GRACE_SECONDS = env.int("NOTIFICATION_SWEEP_GRACE_SECONDS", default=60)
# A message a worker claimed and did not finish within this is sent again by the sweep (the
# worker died). It must be longer than any send can take: EMAIL_TIMEOUT bounds each exchange.
EMAIL_TIMEOUT = EMAIL_CONFIG.get("EMAIL_TIMEOUT") or env.int("EMAIL_TIMEOUT", default=30)
NOTIFICATION_SENDING_LEASE_SECONDS = env.int("NOTIFICATION_SENDING_LEASE_SECONDS", default=300)
# Messages queued in one transaction go to Celery in batches this large, each sent over one
# connection to the mail server; urgent and bulk messages on queues of their own.
NOTIFICATION_BATCH_SIZE = env.int("NOTIFICATION_BATCH_SIZE", default=50)
NOTIFICATION_URGENT_QUEUE = "celery"
NOTIFICATION_BULK_QUEUE = "bulk"

# --- Internationalisation -----------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
# Our catalogs are read before any app's: the libraries come first in INSTALLED_APPS, and
# their Spanish (Django admin's, two_factor's) would otherwise win over ours for the same
# string. Ours agree among themselves (tests/test_translations.py), so their order is moot.
LOCALE_PATHS = [BASE_DIR / "locale", *(BASE_DIR / app / "locale" for app in PORTAL_APPS)]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
USE_I18N = True
USE_TZ = True
TIME_ZONE = "America/New_York"  # the default; each department sets its own in admin

# --- Site ---------------------------------------------------------------------------------------

MAINTENANCE_MODE = env.bool("MAINTENANCE_MODE", default=False)
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# audit_record refuses action names no app registered (portal/registry.py): in development and
# tests, so a new or misspelt name fails at once; production never refuses a write over a name.
AUDIT_ACTIONS_STRICT = env.bool("AUDIT_ACTIONS_STRICT", default=DEBUG)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Lines naming an anonymous feature's tasks are dropped (portal/log_privacy.py).
    "filters": {"anonymous_tasks": {"()": "portal.log_privacy.DropAnonymousTasks"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["anonymous_tasks"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # The request logger would print paths and client details of failed requests; the
        # error pages and our own logging say what staff need without them.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# Uploads (portal/uploads.py): a body over this is refused before it is read, unless a feature
# registers a larger limit for its own paths; files over 2.5 MB are spooled encrypted.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=25 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = ["portal.uploads.EncryptedSpoolUploadHandler"]

# Log lines that name these tasks are dropped (portal/log_privacy.py): a time-stamped line per
# anonymous tip would say when it was sent to the second.
ANONYMOUS_TASK_PREFIXES = env.list("ANONYMOUS_TASK_PREFIXES", default=["tips.", "complaints."])

VAR_DIR.mkdir(exist_ok=True)

# django-solo keeps the department settings in the cache; saving them in admin refreshes it.
SOLO_CACHE = "default"
SOLO_CACHE_TIMEOUT = 60 * 60
# ... and each process keeps them in memory for this long (portal/singletons.py; 0: off).
SOLO_LOCAL_SECONDS = env.float("SOLO_LOCAL_SECONDS", default=1.0)
