"""The requests: the list (GeoReport's filters), one request, a POST from an application with
its api_key, and the request id of a token."""

from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from service_requests import selectors
from service_requests.models import ServiceAttribute
from service_requests.open311 import services
from service_requests.open311.serializers import (
    PostReplySerializer,
    PostRequestSerializer,
    RequestSerializer,
    TokenSerializer,
    service_notice,
)
from service_requests.open311.views.base import (
    ERRORS,
    JURISDICTION,
    ApiKeyAuthentication,
    ApiKeyPostThrottle,
    Open311View,
    ReadThrottle,
)
from service_requests.open311.views.errors import Open311Error
from service_requests.open311.views.params import _answers, _extensions, _list_filters

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
