"""Read-only public endpoint: the open positions."""

from django.conf import settings
from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from careers import selectors
from careers.models import Position
from careers.serializers import PositionSerializer
from portal.throttling import AnonRateThrottle

LANG = OpenApiParameter(
    "lang", str, enum=["en", "es"], description="Language of the text fields (English by default)."
)


@extend_schema_view(
    list=extend_schema(parameters=[LANG]), retrieve=extend_schema(parameters=[LANG])
)
class PositionViewSet(viewsets.ReadOnlyModelViewSet):
    """Open positions: published, closing date not passed."""

    serializer_class = PositionSerializer
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]
    lookup_field = "slug"
    filter_backends: list = []

    def dispatch(self, request, *args, **kwargs):
        language = request.GET.get("lang")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no department, no database
            return Position.objects.none()
        return selectors.position_list_open()
