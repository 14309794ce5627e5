"""The Open311 GeoReport v2 server (service_requests/open311/)."""

from .base import BASE_DIR, LOCALE_PATHS, env

# GeoReport v2 POSTs one client application may send (per API key), as DRF spells a rate.
OPEN311_POST_RATE = env.str("OPEN311_POST_RATE", default="60/hour")
# The Open311 server's own Spanish catalog (it is a package of service_requests, not an app).
LOCALE_PATHS.append(BASE_DIR / "service_requests" / "open311" / "locale")
