"""Read-only public endpoints of the kernel (the contact directory and neighborhoods), and the
API's exception handler, which every app's endpoints share."""

from django.core.exceptions import ValidationError
from rest_framework import status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal import selectors
from portal.serializers import DivisionSerializer, NeighborhoodSerializer
from portal.throttling import AnonRateThrottle


class NeighborhoodViewSet(viewsets.ReadOnlyModelViewSet):
    """Policing neighborhoods with their coordinating officer and boundary (GeoJSON)."""

    serializer_class = NeighborhoodSerializer
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]
    lookup_field = "slug"
    filterset_fields = ["slug"]

    def get_queryset(self):
        return selectors.neighborhood_list()


class DivisionViewSet(viewsets.ReadOnlyModelViewSet):
    """The public contact directory: divisions and units with phone, e-mail and hours."""

    serializer_class = DivisionSerializer
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    def get_queryset(self):
        return selectors.division_list()


def exception_handler(exc, context):
    """A service's refusal (`DomainError`, or any Django `ValidationError`) becomes a 400 (409
    when the record's state refused it) with the field errors and the stable `code`, so a view
    calls its service and lets the refusal rise. Everything else is DRF's own handling."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            detail = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
        else:
            detail = {"detail": exc.messages}
        code = getattr(exc, "domain_code", None) or getattr(exc, "code", None) or "invalid"
        conflict = getattr(exc, "conflict", False)
        return Response(
            {**detail, "code": code},
            status=status.HTTP_409_CONFLICT if conflict else status.HTTP_400_BAD_REQUEST,
        )
    return drf_exception_handler(exc, context)
