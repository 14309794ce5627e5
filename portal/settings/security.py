"""Staff sign-in (passwords, the second factor, lockouts), sessions, the proxy in front,
security headers and the content security policy."""

from csp.constants import NONE, SELF

from .base import DEBUG, env

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
