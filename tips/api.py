"""Staff-only endpoints for the tip queue (/api/v1/tips/). Reading one tip decrypts it and is
audit-logged, exactly as opening it in admin is; a change is one call of `services.tip_triage`,
as a submission of the admin's form is. A refusal rises to `portal.api.exception_handler`
(400 with the field errors and the stable `code`)."""

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tips import selectors, services
from tips.models import Tip, TipMessage
from tips.serializers import (
    TipDetailSerializer,
    TipListSerializer,
    TipMessageCreateSerializer,
    TipMessageSerializer,
    TipUpdateSerializer,
)


class TipInvestigatorPermission(permissions.DjangoModelPermissions):
    """Staff with the tip permissions only; reading needs view_tip, changing change_tip."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.change_%(model_name)s"],
    }


class TipFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category__slug")
    neighborhood = django_filters.CharFilter(field_name="neighborhood__slug")
    assigned_to = django_filters.CharFilter(field_name="assigned_to__username")
    received_after = django_filters.DateFilter(field_name="received_at", lookup_expr="date__gte")
    received_before = django_filters.DateFilter(field_name="received_at", lookup_expr="date__lte")
    urgent = django_filters.BooleanFilter(field_name="category__urgent")

    class Meta:
        model = Tip
        fields = ["status", "priority", "category", "neighborhood", "assigned_to", "urgent"]


class TipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The investigators' queue: urgent categories first, then priority, then the oldest."""

    permission_classes = [permissions.IsAuthenticated, TipInvestigatorPermission]
    filterset_class = TipFilter
    lookup_field = "number"
    lookup_value_regex = r"[0-9A-Z]{5}-[0-9A-Z]{5}"

    def get_queryset(self):
        queryset = selectors.tip_queue()
        if self.action == "retrieve":  # the detail: its thread and merges in constant queries
            queryset = queryset.select_related("duplicate_of").prefetch_related(
                Prefetch("messages", queryset=TipMessage.objects.select_related("merged_from")),
                Prefetch("duplicates", queryset=Tip.objects.only("id", "number", "duplicate_of")),
            )
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return TipDetailSerializer
        return TipListSerializer

    def retrieve(self, request, *args, **kwargs):
        tip = self.get_object()
        services.tip_decrypted_view(tip=tip, actor=request.user, channel="api")
        return Response(TipDetailSerializer(tip).data)

    @extend_schema(request=TipUpdateSerializer, responses=TipListSerializer)
    def partial_update(self, request, *args, **kwargs):
        tip = self.get_object()
        serializer = TipUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        tip = services.tip_triage(
            tip=tip,
            actor=request.user,
            status=data.get("status"),
            priority=data.get("priority"),
            outcome=data.get("outcome"),
            category=data.get("category"),
            neighborhood=data.get("neighborhood"),
            assigned_to=data.get("assigned_to"),
            unassign="assigned_to" in data and data["assigned_to"] is None,
        )
        return Response(TipListSerializer(selectors.tip_queue().get(pk=tip.pk)).data)

    @extend_schema(request=TipMessageCreateSerializer, responses={201: TipMessageSerializer})
    @action(detail=True, methods=["post"], url_path="messages")
    def send_message(self, request, number=None):
        """Write to the tipster; they read it when they check on the tip."""
        tip = self.get_object()
        serializer = TipMessageCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = services.tip_message_send(
            tip=tip, actor=request.user, body=serializer.validated_data["body"]
        )
        return Response(TipMessageSerializer(message).data, status=status.HTTP_201_CREATED)
