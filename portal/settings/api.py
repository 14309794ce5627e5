"""The REST API (Django REST framework) and its OpenAPI schema (drf-spectacular)."""

from .security import TRUSTED_PROXY_COUNT

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
