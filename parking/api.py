"""Endpoints for officers' handheld devices: token (or session) authentication, the
parking.lookup_plate permission, every lookup audit-logged."""

import time

import django_filters
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from parking import nights as n
from parking import services
from parking.models import US_STATES, PermitNight
from parking.serializers import PermitNightSerializer, PlateCheckSerializer
from portal.services.audit import audit_record
from portal.staff_auth import StaffTokenAuthentication

PERMISSION_CACHE_SECONDS = 60
TOKEN_CACHE_SECONDS = 60
TOKEN_CACHE_SIZE = 2048


class CachedTokenAuthentication(StaffTokenAuthentication):
    """DRF's token authentication, remembering for a minute, in this process, which user a
    token belongs to and whether that user may look up plates. A handheld asks many times a
    night; without this each call paid a query for the token and two for the permissions.
    Deleting a token, deactivating its user or taking the role away takes effect within that
    minute (as the role check already did)."""

    _known: dict[str, tuple[float, object, object, bool]] = {}

    def authenticate_credentials(self, key):
        now = time.monotonic()
        known = self._known.get(key)
        if known is not None and known[0] > now:
            return known[1], known[2]
        user, token = super().authenticate_credentials(key)
        if len(self._known) >= TOKEN_CACHE_SIZE:
            self._known.clear()
        allowed = user.has_perm("parking.lookup_plate")
        self._known[key] = (now + TOKEN_CACHE_SECONDS, user, token, allowed)
        return user, token

    @classmethod
    def allowed(cls, key: str) -> bool | None:
        known = cls._known.get(key)
        return known[3] if known is not None and known[0] > time.monotonic() else None


class CanLookUpPlates(permissions.BasePermission):
    """The Parking officers role. The answer is cached for a minute: with a token, in this
    process beside the token (CachedTokenAuthentication); with a session, per user in the
    cache. Taking the role away takes effect within that minute."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        token_key = getattr(request.auth, "key", None)
        if token_key is not None:
            allowed = CachedTokenAuthentication.allowed(token_key)
            if allowed is not None:
                return allowed
        key = f"parking:can-lookup:{user.pk}"
        allowed = cache.get(key)
        if allowed is None:
            allowed = user.has_perm("parking.lookup_plate")
            cache.set(key, allowed, PERMISSION_CACHE_SECONDS)
        return bool(allowed)


class PlateFilter(django_filters.CharFilter):
    def filter(self, qs, value):
        return super().filter(qs, n.normalise_plate(value) if value else value)


class PermitNightFilter(django_filters.FilterSet):
    plate = PlateFilter(field_name="plate", help_text="Plate; spaces and hyphens are ignored.")
    plate_state = django_filters.ChoiceFilter(choices=US_STATES)
    night = django_filters.DateFilter(help_text="The night (its evening's date). Default: tonight.")
    street = django_filters.CharFilter(field_name="street__name", lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=PermitNight.Status.choices)

    class Meta:
        model = PermitNight
        fields = ["plate", "plate_state", "night", "street", "status"]


class _OfficerAPI:
    authentication_classes = [CachedTokenAuthentication, SessionAuthentication]
    permission_classes = [CanLookUpPlates]


class PermitNightList(_OfficerAPI, generics.ListAPIView):
    """Permitted nights, filtered by plate, state, night (default tonight), street or status.
    Every call is recorded in the audit log."""

    serializer_class = PermitNightSerializer
    filterset_class = PermitNightFilter

    def get_queryset(self) -> QuerySet[PermitNight]:
        if getattr(self, "swagger_fake_view", False):
            # Schema generation: "tonight" reads the department's time zone from the database,
            # which check --deploy must not need.
            return PermitNight.objects.none()
        queryset = PermitNight.objects.select_related("permit", "street").order_by(
            "street__name", "house_number", "plate"
        )
        if not self.request.query_params.get("night"):
            queryset = queryset.filter(night=n.tonight())
        if not self.request.query_params.get("status"):
            queryset = queryset.filter(status=PermitNight.Status.ACTIVE)
        return queryset

    def list(self, request, *args, **kwargs):
        audit_record(
            actor=request.user,
            action="parking.nights.listed",
            detail=dict(request.query_params.items()),
        )
        return super().list(request, *args, **kwargs)


class PlateCheck(_OfficerAPI, APIView):
    """Is this plate permitted tonight? One answer, audit-logged like the officer's page.
    JSON only: handhelds ask for nothing else, and negotiating among the browsable API's
    renderers cost a tenth of a millisecond a call."""

    renderer_classes = [JSONRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("plate", OpenApiTypes.STR, required=True),
            OpenApiParameter("plate_state", OpenApiTypes.STR, enum=[c for c, _ in US_STATES]),
        ],
        responses=PlateCheckSerializer,
    )
    def get(self, request):
        plate = n.normalise_plate(request.query_params.get("plate", ""))
        state = request.query_params.get("plate_state", "").upper()
        if not plate:
            raise ValidationError({"plate": ["This parameter is required."]}, code="required")
        rules, zone = services.rules_and_zone()
        night = n.tonight(zone=zone, ban_end=rules.ban_end)
        check = services.plate_check(
            actor=request.user, plate=plate, plate_state=state, night=night, rules=rules, zone=zone
        )
        found = check.found
        # The answer is built by hand, field for field as PlateCheckSerializer (the schema)
        # describes it: the serializer machinery cost more than the rest of the answer.
        return Response(
            {
                "plate": plate,
                "plate_state": state,
                "night": night.isoformat(),
                "permitted": found is not None,
                "permit": permit_night_data(found) if found is not None else None,
                "blanket_night": check.blanket_night,
                "snow_emergency": check.snow_emergency,
            }
        )


def permit_night_data(night: PermitNight) -> dict:
    """What PermitNightSerializer gives, without its machinery (tests compare the two)."""
    permit = night.permit
    return {
        "night": night.night.isoformat(),
        "plate": night.plate,
        "plate_state": night.plate_state,
        "code": permit.display_code,
        "street": night.street.name,
        "house_number": night.house_number,
        "address": f"{night.house_number} {night.street.name}",
        "vehicle": permit.vehicle,
        "vehicle_type": permit.vehicle_type,
        "status": night.status,
    }


class PlateFloor(_OfficerAPI, APIView):
    """The floor the plate check is measured against (bench/snow_night.py): the same token
    authentication and role check, one read through the plate index, and nothing else (no
    department settings, no audit entry). It answers nothing about the plate, so an officer's
    handheld learns nothing from it that escapes the audit log. Off (404) unless
    PARKING_FLOOR_ENDPOINT=1, which only the benchmark sets."""

    renderer_classes = [JSONRenderer]
    schema = None

    def get(self, request):
        if not settings.PARKING_FLOOR_ENDPOINT:
            raise NotFound
        plate = n.normalise_plate(request.query_params.get("plate", ""))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM parking_permitnight WHERE plate = %s AND night = CURRENT_DATE "
                "LIMIT 1",
                [plate],
            )
            cursor.fetchone()
        return Response({})
