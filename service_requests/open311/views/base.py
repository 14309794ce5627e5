"""What every GeoReport endpoint shares: the format is the path's suffix, the language the
application's, the jurisdiction ours; the api_key of a POST and the rates.

GETs carry `Access-Control-Allow-Origin: *` (the data is public, and browser-based civic
tools read it); POSTs do not, so no web page can post with a key it would have to expose.
"""

from django.conf import settings
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from portal.throttling import AnonRateThrottle, RateThrottle
from service_requests.open311 import services
from service_requests.open311.renderers import Open311JSONRenderer, Open311XMLRenderer
from service_requests.open311.serializers import ErrorSerializer
from service_requests.open311.views.errors import Open311Error, exception_handler


class SuffixNegotiation(BaseContentNegotiation):
    """The format is the path's suffix (.json or .xml), whatever Accept says: GeoReport
    clients name the format in the URL."""

    def select_parser(self, request, parsers):
        for parser in parsers:
            if parser.media_type.split(";")[0] == request.content_type.split(";")[0].strip():
                return parser
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        for renderer in renderers:
            if renderer.format == (format_suffix or "json"):
                return renderer, renderer.media_type
        raise Http404


class ApiKeyAuthentication(BaseAuthentication):
    """A POST names its application by `api_key` (in the form). GETs need no key."""

    def authenticate(self, request):
        if request.method != "POST":
            return None
        key = request.data.get("api_key") if hasattr(request.data, "get") else None
        if not key:
            raise exceptions.AuthenticationFailed(
                _("api_key was not provided: ask the department for one.")
            )
        client = services.client_authenticate(key)
        if client is None:
            raise exceptions.AuthenticationFailed(
                _("Invalid api_key received: it is unknown or was revoked.")
            )
        return (None, client)


class ApiKeyPostThrottle(RateThrottle):
    """POSTs per application, counted on its key (settings.OPEN311_POST_RATE)."""

    scope = "open311_post"

    def get_rate(self):
        return settings.OPEN311_POST_RATE  # read at each check: tests change it

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if request.auth is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class ReadThrottle(AnonRateThrottle):
    """Reads per client address, as the kernel's public endpoints count them ("anon" rate,
    behind NUM_PROXIES); POSTs are counted per key instead."""

    def allow_request(self, request, view):
        if request.method == "POST":
            return True
        return super().allow_request(request, view)


class Open311View(APIView):
    """What every GeoReport endpoint shares: suffix formats, the error list, the
    jurisdiction check, CORS for reads."""

    renderer_classes = [Open311JSONRenderer, Open311XMLRenderer]
    parser_classes = [FormParser, MultiPartParser]
    content_negotiation_class = SuffixNegotiation
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ReadThrottle]
    xml_root = "service_requests"

    def get_exception_handler(self):
        return exception_handler

    def initial(self, request, *args, **kwargs):
        # GeoReport paths carry no language prefix: the application's Accept-Language (or the
        # `locale` argument some clients send) chooses English or Spanish.
        language = request.query_params.get("locale") or translation.get_language_from_request(
            request._request
        )
        language = (language or "").split("-")[0].lower()
        if language in dict(settings.LANGUAGES):
            translation.activate(language)
        super().initial(request, *args, **kwargs)
        given = request.query_params.get("jurisdiction_id")
        if request.method == "POST" and hasattr(request.data, "get"):
            given = request.data.get("jurisdiction_id") or given
        if not services.jurisdiction_matches(given):
            raise Open311Error(
                404,
                _("jurisdiction_id provided was not found: this server serves %(ours)s.")
                % {"ours": services.jurisdiction_id()},
            )

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response.data, list) and response.status_code >= 400:
            response.xml_root = "errors"
        if request.method in ("GET", "HEAD", "OPTIONS"):
            response["Access-Control-Allow-Origin"] = "*"
            if request.method == "OPTIONS":
                response["Access-Control-Allow-Methods"] = "GET, OPTIONS"
                response["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
                response["Access-Control-Max-Age"] = "86400"
        return response


JURISDICTION = OpenApiParameter(
    "jurisdiction_id",
    OpenApiTypes.STR,
    description="Optional: this server serves one jurisdiction. When given, it must be ours.",
)
ERRORS = {code: ErrorSerializer(many=True) for code in (400, 403, 404, 429)}


class ApiKeySchema(OpenApiAuthenticationExtension):
    """The api_key in the OpenAPI schema. GeoReport sends it as a field of the POST's form,
    which OpenAPI's apiKey scheme cannot name; it is also listed in the form's fields."""

    target_class = ApiKeyAuthentication
    name = "open311ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "query",
            "name": "api_key",
            "description": "GeoReport v2: sent as the api_key field of the POST form body.",
        }
