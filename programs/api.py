"""Read-only public endpoints for programs and events (neighborhoods are the kernel's)."""

import django_filters
from django.conf import settings
from django.db.models import F, Prefetch, Q
from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from portal.throttling import AnonRateThrottle
from programs import selectors
from programs.models import Event, Partner
from programs.serializers import EventSerializer, ProgramSerializer

LANG = OpenApiParameter(
    "lang",
    str,
    enum=["en", "es"],
    description="Language of the text fields (English by default).",
)


class LanguageMixin:
    """`?lang=es` gives the Spanish text (the API is not under the /es/ prefix)."""

    def dispatch(self, request, *args, **kwargs):
        language = request.GET.get("lang")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            return super().dispatch(request, *args, **kwargs)


@extend_schema_view(
    list=extend_schema(parameters=[LANG]), retrieve=extend_schema(parameters=[LANG])
)
class ProgramViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Published community programs."""

    serializer_class = ProgramSerializer
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]
    lookup_field = "slug"
    filter_backends: list = []

    def get_queryset(self):
        partners = Prefetch("partners", queryset=Partner.objects.order_by("order", "name"))
        return selectors.program_list().prefetch_related(partners).order_by("order", "slug")


class EventFilter(django_filters.FilterSet):
    program = django_filters.CharFilter(field_name="program__slug", help_text="A program's slug.")
    neighborhood = django_filters.CharFilter(
        field_name="neighborhood__slug", help_text="A neighborhood's slug."
    )
    starts_after = django_filters.IsoDateTimeFilter(
        field_name="starts_at", lookup_expr="gte", help_text="Events starting at or after."
    )
    starts_before = django_filters.IsoDateTimeFilter(
        field_name="starts_at", lookup_expr="lt", help_text="Events starting before."
    )
    has_places_left = django_filters.BooleanFilter(
        method="filter_places_left",
        help_text="true: events taking sign-ups with a place free (or no limit); false: full.",
    )
    status = django_filters.ChoiceFilter(choices=Event.Status.choices)

    class Meta:
        model = Event
        fields = ["program", "neighborhood", "starts_after", "starts_before", "status"]

    def filter_places_left(self, queryset, name, value):
        free = Q(capacity__isnull=True) | Q(places_taken__lt=F("capacity"))
        queryset = queryset.exclude(registration=Event.Registration.NONE).exclude(
            status=Event.Status.CANCELLED
        )
        return queryset.filter(free) if value else queryset.exclude(free)


@extend_schema_view(
    list=extend_schema(parameters=[LANG]), retrieve=extend_schema(parameters=[LANG])
)
class EventViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Upcoming published events of programs and neighborhoods, soonest first. Past events
    are included when `starts_after` is given."""

    serializer_class = EventSerializer
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]
    lookup_field = "slug"
    filterset_class = EventFilter

    def get_queryset(self):
        past = "starts_after" in self.request.query_params or self.action == "retrieve"
        return selectors.event_list(include_past=past)
