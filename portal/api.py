"""Read-only public endpoints of the kernel: the contact directory and neighborhoods."""

from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.throttling import AnonRateThrottle

from portal import selectors
from portal.serializers import DivisionSerializer, NeighborhoodSerializer


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
