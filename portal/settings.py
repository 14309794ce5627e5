"""The portal's one settings module, configured from the environment (12-factor).

With no environment at all it runs the embedded default a newcomer needs: DEBUG on, a SQLite file
under var/, Celery tasks run inline, e-mail printed to the console. Production sets DEBUG=0 and
then must give a real SECRET_KEY and ALLOWED_HOSTS, or the process refuses to start.
Every variable is listed, with its meaning, in the README.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
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

# --- Auth, staff security -----------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # The demo accounts' published password is refused when DEBUG=0.
    "portal.staff_auth.DemoPasswordBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "admin:index"
# Staff must use a second factor (TOTP) in production; the demo can switch it off.
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=not DEBUG)
TWO_FACTOR_PATCH_ADMIN = False
TWO_FACTOR_REMEMBER_COOKIE_AGE = 0
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Police Community Portal")
# Staff enrol through a one-time invitation (password and authenticator together), valid this long.
STAFF_INVITATION_HOURS = env.int("STAFF_INVITATION_HOURS", default=72)
# Handheld devices' API tokens expire after this many days (a site administrator issues another).
STAFF_TOKEN_DAYS = env.int("STAFF_TOKEN_DAYS", default=90)

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"
AXES_VERBOSE = False
# Failures are counted and stored under a keyed hash of the name typed (portal.staff_auth), and
# the form's fields are masked in what axes keeps of the request.
AXES_USERNAME_CALLABLE = "portal.staff_auth.axes_username"
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "auth-username",
    "auth-password",
    "new_password1",
    "new_password2",
    "otp_token",
    "token-otp_token",
]
# Lock out the client behind the proxy, not the proxy every staff member shares.
AXES_CLIENT_IP_CALLABLE = "portal.clients.client_address"

# Sessions belong to staff (residents need none): short, sliding, never readable by scripts.
SESSION_COOKIE_AGE = env.int("STAFF_IDLE_TIMEOUT_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Security headers ---------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
# How many proxies append to X-Forwarded-For before a request reaches gunicorn: the client is
# that many entries from the right (portal/clients.py; docs/operations.md, "Behind a proxy").
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_TLS_PROXY else 0)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/"]
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)

# No page uses the camera, the microphone or the position (the maps take an address).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"
)

# Nothing is loaded from another origin: no CDN, no fonts, no analytics.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- Internationalisation -----------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
USE_I18N = True
USE_TZ = True
TIME_ZONE = "America/New_York"  # the default; each department sets its own in admin

# --- API ----------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # Sessions count only once verified (portal.staff_auth.VerifiedSessionMiddleware).
    # Tokens (portal.staff_auth.StaffTokenAuthentication: expiring, revocable) are accepted
    # only by the endpoints made for handhelds, which name that class themselves.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "120/minute"},
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
    # The API's rate limits count the client behind the proxy, as portal/clients.py does.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Police Community Portal API",
    "DESCRIPTION": "Public and staff endpoints of the community portal.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

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

# --- records ---
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
# --- end records ---

# --- tips ---
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
CELERY_TASK_ROUTES = {
    **globals().get("CELERY_TASK_ROUTES", {}),
    "tips.tasks.attachment_scrub_task": {"queue": "scrub"},
    "tips.tasks.attachment_sweep": {"queue": "scrub"},
}
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
# --- end tips ---

# --- parking ---
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
# --- end parking ---

# --- programs ---
# Beat jobs of programs and events: scheduled publishing, waiting-list offers that ran out,
# reminders 24 hours before an event. Each job is idempotent; a minute's delay is harmless.
PROGRAMS_BEAT_SECONDS = env.float("PROGRAMS_BEAT_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE.update(
    {
        "programs-schedule": {
            "task": "programs.tasks.programs_schedule_run",
            "schedule": PROGRAMS_BEAT_SECONDS,
        },
        "programs-offers-expire": {
            "task": "programs.tasks.registration_offers_expire",
            "schedule": PROGRAMS_BEAT_SECONDS,
        },
        "programs-reminders": {
            "task": "programs.tasks.event_reminders_send",
            "schedule": PROGRAMS_BEAT_SECONDS * 5,
        },
    }
)
# Events' and sign-ups' choice sets get their own names in the OpenAPI schema.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "EventStatusEnum": "programs.models.Event.Status",
        "EventRegistrationEnum": "programs.models.Event.Registration",
    }
)
# --- end programs ---

# --- custody ---
CELERY_BEAT_SCHEDULE["custody-records-purge"] = {
    "task": "custody.tasks.records_purge",
    "schedule": env.float("CUSTODY_PURGE_SECONDS", default=3600.0),
}
# --- end custody ---
# --- careers ---
# Applicants' CVs are stored encrypted with these Fernet keys (newest first); DEBUG=0 requires
# them (system check portal.E101).
CAREERS_ENCRYPTION_KEYS = env.list("CAREERS_ENCRYPTION_KEYS", default=[])
# Where the encrypted CVs are kept: outside MEDIA_ROOT, never served by URL (back it up).
CAREERS_FILE_ROOT = Path(env.str("CAREERS_FILE_ROOT", default=str(VAR_DIR / "careers")))
# Unsuccessful internship applications (and their CVs) are deleted this many days after the
# decision by default; the department's period is on the retention page (careers.application),
# and the beat task below runs the kernel's purge for it.
CAREERS_RETENTION_DAYS = env.int("CAREERS_RETENTION_DAYS", default=180)
CELERY_BEAT_SCHEDULE["careers-applications-purge"] = {
    "task": "careers.tasks.applications_purge",
    "schedule": env.float("CAREERS_PURGE_SECONDS", default=3600.0),
}
# Internship applications one client may send per hour, and the CV's limits.
CAREERS_APPLICATIONS_PER_HOUR = env.int("CAREERS_APPLICATIONS_PER_HOUR", default=5)
CAREERS_CV_MAX_MB = env.int("CAREERS_CV_MAX_MB", default=5)
CAREERS_CV_MAX_PAGES = env.int("CAREERS_CV_MAX_PAGES", default=10)
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {"PositionKindEnum": "careers.models.Position.Kind"}
)
# --- end careers ---
# --- service_requests ---
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
# --- end service_requests ---
# --- open311 ---
# GeoReport v2 POSTs one client application may send (per API key), as DRF spells a rate.
OPEN311_POST_RATE = env.str("OPEN311_POST_RATE", default="60/hour")
# The Open311 server's own Spanish catalog (it is a package of service_requests, not an app).
LOCALE_PATHS.append(BASE_DIR / "service_requests" / "open311" / "locale")
# --- end open311 ---

# --- complaints ---
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
# --- end complaints ---

# --- accountability (the transparency page's board report) ---
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
# --- end accountability ---
