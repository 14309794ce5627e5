"""The Open311 GeoReport v2 server: `/open311/discovery.json` and `/open311/v2/...`.

Each view parses the GeoReport arguments, calls one service or selector, and renders JSON or
XML as the path's suffix says. Every refusal is GeoReport's error list ([{code, description}],
`<errors><error>…`) with the HTTP status the specification gives: 400 for bad input, 403 for
a missing, unknown or revoked api_key, 404 for an unknown jurisdiction, service, request or
token, 429 when an application posts faster than its rate.

GETs carry `Access-Control-Allow-Origin: *` (the data is public, and browser-based civic
tools read it); POSTs do not, so no web page can post with a key it would have to expose.
"""

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from portal.links import absolute_url
from portal.localtime import department_zone
from portal.selectors import department_get
from service_requests import selectors
from service_requests.choices import Status
from service_requests.models import ServiceAttribute
from service_requests.open311 import services
from service_requests.open311.renderers import Open311JSONRenderer, Open311XMLRenderer
from service_requests.open311.serializers import (
    DiscoverySerializer,
    ErrorSerializer,
    PostReplySerializer,
    PostRequestSerializer,
    RequestSerializer,
    ServiceDefinitionSerializer,
    ServiceSerializer,
    TokenSerializer,
    service_notice,
)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this server's behaviour last changed (GeoReport's "changeset" of the discovery file).
CHANGESET = "2026-12-07T00:00:00Z"
FORMATS = ["text/xml", "application/json"]
MAX_SPAN = timedelta(days=90)
OPEN_STATUSES = [Status.OPEN, Status.ACKNOWLEDGED, Status.IN_PROGRESS]
ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")

# A service's field as the GeoReport argument the application sent.
ARGUMENT = {
    "location": "lat/long",
    "address": "address_string",
    "photos": "media_url",
}


class Open311Error(exceptions.APIException):
    """A GeoReport error list with its HTTP status."""

    def __init__(self, status_code: int, *descriptions: str):
        super().__init__()
        self.status_code = status_code
        self.descriptions = list(descriptions)


def _errors(status_code: int, descriptions) -> list[dict]:
    return [{"code": status_code, "description": str(text)} for text in descriptions]


def exception_handler(exc, context):
    """Every refusal as GeoReport's error list, never DRF's or the portal's own shape."""
    headers = {}
    if isinstance(exc, Open311Error):
        code, descriptions = exc.status_code, exc.descriptions
    elif isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        code = 404 if getattr(exc, "domain_code", "") == "service_unknown" else 400
        descriptions = []
        for field, items in exc.error_dict.items():
            argument = ARGUMENT.get(field, field)
            if argument.startswith("attribute_"):
                argument = f"attribute[{argument.removeprefix('attribute_')}]"
            for item in items:
                message = item.message % item.params if item.params else item.message
                descriptions.append(f"{argument}: {message} ({item.code})")
    elif isinstance(exc, ValidationError):
        code, descriptions = 400, exc.messages
    elif isinstance(exc, exceptions.AuthenticationFailed | exceptions.NotAuthenticated):
        code, descriptions = 403, [exc.detail]
    elif isinstance(exc, exceptions.Throttled):
        code = 429
        descriptions = [_("Too many requests: wait a moment and try again.")]
        if exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait) + 1)
    elif isinstance(exc, exceptions.APIException):
        code, descriptions = exc.status_code, [exc.detail]
    elif isinstance(exc, Http404):
        code, descriptions = 404, [_("Not found.")]
    else:
        return None
    return Response(_errors(code, descriptions), status=code, headers=headers)


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


class ApiKeyPostThrottle(SimpleRateThrottle):
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


class DiscoveryView(Open311View):
    xml_root = "discovery"

    @extend_schema(
        tags=["open311"],
        responses={200: DiscoverySerializer},
        summary="Open311 service discovery",
    )
    def get(self, request, format=None):
        department = department_get()
        contact = ", ".join(
            part
            for part in (str(department.name), department.email, department.phone_non_emergency)
            if part
        )
        data = {
            "changeset": CHANGESET,
            "contact": contact,
            "key_service": _("Ask the department for an api_key for your application: %(contact)s")
            % {"contact": department.email or department.phone_non_emergency or department.name},
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": absolute_url("/open311/v2"),
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": FORMATS,
                }
            ],
        }
        return Response(data)


class ServiceListView(Open311View):
    xml_root = "services"

    @extend_schema(
        tags=["open311"],
        parameters=[JURISDICTION],
        responses={200: ServiceSerializer(many=True), **ERRORS},
        summary="GeoReport v2: the services offered",
    )
    def get(self, request, format=None):
        offered = selectors.service_list().prefetch_related(
            Prefetch("attributes", queryset=ServiceAttribute.objects.only("service_id", "variable"))
        )
        return Response(ServiceSerializer(offered, many=True).data)


class ServiceDefinitionView(Open311View):
    xml_root = "service_definition"

    @extend_schema(
        tags=["open311"],
        parameters=[JURISDICTION],
        responses={200: ServiceDefinitionSerializer, **ERRORS},
        summary="GeoReport v2: a service's questions (attributes)",
    )
    def get(self, request, service_code, format=None):
        try:
            service = selectors.service_get(code=service_code)
        except ValidationError as error:
            raise Open311Error(
                404, _("service_code provided was not found: %(code)s") % {"code": service_code}
            ) from error
        return Response(ServiceDefinitionSerializer(service).data)


def _moment(name: str, text: str | None) -> datetime | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = parse_datetime(text.replace(" ", "+") if text.count(" ") == 1 else text)
    except ValueError:
        moment = None
    if moment is None:
        try:
            day = parse_date(text)
        except ValueError:
            day = None
        if day is None:
            raise Open311Error(
                400,
                _("%(name)s must be a W3C date and time, e.g. 2026-12-01T00:00:00Z.")
                % {"name": name},
            )
        moment = datetime(day.year, day.month, day.day)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=department_zone())
    return moment


def _comma_list(params, name: str) -> list[str]:
    """GeoReport's "can be declared multiple times, comma delimited": a=x,y and a=x&a=y."""
    values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name) or ""]
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


# Columns the Open311 output never reads, left in the database: the resident's contact (no
# decryption per row), the tracking code, the exact place, and each row's neighborhood boundary.
PRIVATE = (
    "contact",
    "short_code",
    "address",
    "street",
    "lat",
    "long",
    "notify_email",
    "notify_sms",
    "neighborhood__boundary",
)


def _with_extensions(queryset, extensions: bool):
    queryset = queryset.defer(*PRIVATE)
    if extensions:
        return queryset.select_related("merged_into").prefetch_related(
            Prefetch("service__attributes", queryset=ServiceAttribute.objects.order_by("order"))
        )
    return queryset


def _extensions(request) -> bool:
    return request.query_params.get("extensions", "").strip().lower() in ("true", "1", "yes")


def _list_filters(params) -> dict:
    ids = _comma_list(params, "service_request_id")
    if ids:
        return {"ids": ids}
    statuses = []
    for value in _comma_list(params, "status"):
        if value.lower() == "open":
            statuses += OPEN_STATUSES
        elif value.lower() == "closed":
            statuses.append(Status.CLOSED)
        else:
            raise Open311Error(
                400, _("status must be open or closed, not %(value)s.") % {"value": value}
            )
    start = _moment("start_date", params.get("start_date"))
    end = _moment("end_date", params.get("end_date"))
    if start and end:
        if end < start:
            raise Open311Error(400, _("end_date is before start_date."))
        if end - start > MAX_SPAN:
            raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
    return {
        "service_codes": _comma_list(params, "service_code") or None,
        "status": statuses or None,
        "start": start,
        "end": end,
    }


def _answers(data) -> dict:
    """attribute[code]=value and attribute[code][]=key (repeated) as {code: value | [keys]}."""
    answers: dict = {}
    for name in data:
        match = ATTRIBUTE.match(name)
        if not match:
            continue
        code, many = match.group(1), bool(match.group(2))
        values = data.getlist(name) if hasattr(data, "getlist") else [data[name]]
        if many:
            answers.setdefault(code, [])
            if isinstance(answers[code], list):
                answers[code] += values
        else:
            answers[code] = values[-1] if values else ""
    return answers


class RequestListView(Open311View):
    throttle_classes = [ReadThrottle, ApiKeyPostThrottle]
    authentication_classes = [ApiKeyAuthentication]

    @extend_schema(
        tags=["open311"],
        parameters=[
            JURISDICTION,
            OpenApiParameter(
                "service_request_id", OpenApiTypes.STR, description="Comma separated ids."
            ),
            OpenApiParameter("service_code", OpenApiTypes.STR, description="Comma separated."),
            OpenApiParameter("start_date", OpenApiTypes.DATETIME),
            OpenApiParameter("end_date", OpenApiTypes.DATETIME),
            OpenApiParameter("status", OpenApiTypes.STR, enum=["open", "closed"]),
            OpenApiParameter(
                "extensions", OpenApiTypes.BOOL, description="Add extended_attributes."
            ),
        ],
        responses={200: RequestSerializer(many=True), **ERRORS},
        summary="GeoReport v2: requests (90 days and 1,000 at most by default)",
    )
    def get(self, request, format=None):
        extensions = _extensions(request)
        rows = selectors.request_list(**_list_filters(request.query_params))
        rows = _with_extensions(rows, extensions)
        return Response(RequestSerializer(rows, many=True, context={"extensions": extensions}).data)

    @extend_schema(
        tags=["open311"],
        request={"application/x-www-form-urlencoded": PostRequestSerializer},
        responses={200: PostReplySerializer(many=True), **ERRORS},
        summary="GeoReport v2: post a request (api_key required)",
    )
    def post(self, request, format=None):
        data = request.data
        client = request.auth
        service_code = (data.get("service_code") or "").strip()
        if not service_code:
            raise Open311Error(400, _("service_code was not provided."))
        address = (data.get("address_string") or "").strip()
        lat, long = data.get("lat"), data.get("long")
        if data.get("address_id") and not address and not (lat or long):
            raise Open311Error(
                400,
                _(
                    "address_id: this server has no address ids; send lat and long or "
                    "address_string."
                ),
            )
        service_request, submission = services.open311_request_submit(
            client=client,
            service_code=service_code,
            attributes=_answers(data),
            description=data.get("description") or "",
            address=address,
            lat=lat,
            long=long,
            contact={
                key: data.get(key) or "" for key in ("first_name", "last_name", "email", "phone")
            },
            account_id=data.get("account_id") or "",
            media_url=data.get("media_url") or "",
            language=translation.get_language(),
        )
        reply = (
            {"token": submission.token}
            if client.reply_with_token
            else {"service_request_id": str(service_request.public_id)}
        )
        reply["service_notice"] = service_notice(service_request.service)
        reply["account_id"] = submission.account_id or None
        return Response([reply])


class RequestDetailView(Open311View):
    @extend_schema(
        tags=["open311"],
        parameters=[
            JURISDICTION,
            OpenApiParameter("extensions", OpenApiTypes.BOOL),
        ],
        responses={200: RequestSerializer(many=True), **ERRORS},
        summary="GeoReport v2: one request",
    )
    def get(self, request, service_request_id, format=None):
        extensions = _extensions(request)
        rows = _with_extensions(
            selectors.request_list(ids=[service_request_id], limit=1), extensions
        )
        rows = list(rows)
        if not rows:
            raise Open311Error(
                404,
                _("service_request_id provided was not found: %(id)s") % {"id": service_request_id},
            )
        return Response(RequestSerializer(rows, many=True, context={"extensions": extensions}).data)


class TokenView(Open311View):
    @extend_schema(
        tags=["open311"],
        parameters=[JURISDICTION],
        responses={200: TokenSerializer(many=True), **ERRORS},
        summary="GeoReport v2: the request id of a token",
    )
    def get(self, request, token, format=None):
        submission = services.submission_by_token(token=token)
        if submission is None:
            raise Open311Error(404, _("token provided was not found: %(token)s") % {"token": token})
        return Response(
            [{"service_request_id": str(submission.request.public_id), "token": submission.token}]
        )


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
