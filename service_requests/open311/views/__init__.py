"""The Open311 GeoReport v2 server: `/open311/discovery.json` and `/open311/v2/...`.

Each view parses the GeoReport arguments (`params`), calls one service or selector, and renders
JSON or XML as the path's suffix says (`base`, which every view builds on: formats, language,
jurisdiction, api_key, rates, CORS for reads). Every refusal is GeoReport's error list with the
HTTP status the specification gives (`errors`). The discovery file and the catalogue of services
are in `catalogue`, the requests and tokens in `requests`.
"""

from service_requests.open311.views.catalogue import (
    DiscoveryView,
    ServiceDefinitionView,
    ServiceListView,
)
from service_requests.open311.views.requests import RequestDetailView, RequestListView, TokenView

__all__ = [
    "DiscoveryView",
    "RequestDetailView",
    "RequestListView",
    "ServiceDefinitionView",
    "ServiceListView",
    "TokenView",
]
