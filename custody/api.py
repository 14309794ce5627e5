"""The booking systems' import API: `Authorization: Token <key>` of a `BookingSystem`.

POST /api/v1/custody/bookings/ and PUT /api/v1/custody/bookings/<number>/ create or update a
booking (the same payload twice is one record); POST .../<number>/release/ releases it. A
refused payload is a 400 with the field errors and `code` (portal.api.exception_handler)."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from custody import services
from custody.models import BookingSystem
from custody.serializers import BookingResultSerializer, BookingSerializer, ReleaseSerializer
from portal.errors import DomainError


class BookingSystemAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` against custody.BookingSystem (hashed, revocable)."""

    def authenticate_credentials(self, key):
        system = services.booking_system_authenticate(key)
        if system is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked key."))
        return AnonymousUser(), system


class BookingSystemAuthenticationScheme(OpenApiAuthenticationExtension):
    """The schema names this scheme apart from the handhelds' `tokenAuth`."""

    target_class = "custody.api.BookingSystemAuthentication"
    name = "bookingSystemKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>` of a booking system (admin, Booking systems).",
        }


class IsBookingSystem(BasePermission):
    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, BookingSystem)


def _result(record, created: bool) -> dict:
    return {
        "booking_number": record.booking_number,
        "created": created,
        "released": record.released_at is not None,
    }


class _ImportView(APIView):
    authentication_classes = [BookingSystemAuthentication]
    permission_classes = [IsBookingSystem]
    throttle_classes: list = []


class BookingCollection(_ImportView):
    @extend_schema(
        operation_id="custody_booking_upsert",
        request=BookingSerializer,
        responses={200: BookingResultSerializer, 201: BookingResultSerializer},
        description="Create or update a booking by its booking number (idempotent).",
    )
    def post(self, request):
        record, created = services.booking_import(data=request.data, source=request.auth)
        return Response(
            _result(record, created), status=status.HTTP_201_CREATED if created else 200
        )


class BookingItem(_ImportView):
    @extend_schema(
        operation_id="custody_booking_put",
        request=BookingSerializer,
        responses={200: BookingResultSerializer, 201: BookingResultSerializer},
        description="Create or update the booking with this number (idempotent).",
    )
    def put(self, request, booking_number: str):
        data = dict(request.data.items()) if hasattr(request.data, "items") else {}
        sent = data.get("booking_number")
        if sent and sent != booking_number:
            raise DomainError(
                _("The booking number differs from the one in the address."),
                code="booking_number_mismatch",
                field="booking_number",
            )
        data["booking_number"] = booking_number
        record, created = services.booking_import(data=data, source=request.auth)
        return Response(
            _result(record, created), status=status.HTTP_201_CREATED if created else 200
        )


class BookingRelease(_ImportView):
    @extend_schema(
        operation_id="custody_booking_release",
        request=ReleaseSerializer,
        responses={200: BookingResultSerializer, 400: OpenApiResponse(description="Unknown")},
        description="Release the person: they leave the public search at once.",
    )
    def post(self, request, booking_number: str):
        serializer = ReleaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = services.booking_release(
            booking_number=booking_number,
            released_at=serializer.validated_data.get("released_at"),
            source=request.auth,
        )
        return Response(_result(record, False))
