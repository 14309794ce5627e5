"""Shapes of the staff API. The list shows what sorts the queue, never what the tipster wrote;
the detail view decrypts (and the view audit-logs it)."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from portal.models import Neighborhood
from tips.models import Tip, TipCategory, TipMessage


class TipListSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    urgent = serializers.BooleanField(source="category.urgent", read_only=True)
    neighborhood = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    assigned_to = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Tip
        fields = [
            "number",
            "category",
            "urgent",
            "status",
            "priority",
            "neighborhood",
            "assigned_to",
            "received_at",
            "first_triaged_at",
            "outcome",
        ]


class TipMessageSerializer(serializers.ModelSerializer):
    merged_from = serializers.SlugRelatedField(
        slug_field="number",
        read_only=True,
        help_text="The merged tip this message came from (its tipster's thread), or null.",
    )

    class Meta:
        model = TipMessage
        fields = ["direction", "body", "created_at", "merged_from"]


class TipDetailSerializer(TipListSerializer):
    messages = TipMessageSerializer(many=True, read_only=True)
    duplicate_of = serializers.SlugRelatedField(slug_field="number", read_only=True)
    merged = serializers.SlugRelatedField(
        source="duplicates",
        slug_field="number",
        many=True,
        read_only=True,
        help_text="The tips merged into this one.",
    )

    class Meta(TipListSerializer.Meta):
        fields = [
            *TipListSerializer.Meta.fields,
            "what",
            "where",
            "when",
            "people",
            "vehicles",
            "contact",
            "duplicate_of",
            "merged",
            "messages",
        ]


class TipUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Tip.Status.choices, required=False)
    priority = serializers.ChoiceField(choices=Tip.Priority.choices, required=False)
    outcome = serializers.ChoiceField(choices=Tip.Outcome.choices, required=False)
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=TipCategory.objects.all(), required=False
    )
    neighborhood = serializers.SlugRelatedField(
        slug_field="slug", queryset=Neighborhood.objects.all(), required=False
    )
    # Any existing user: who may be given a tip is the triage service's rule, stated once.
    assigned_to = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.all(),
        required=False,
        allow_null=True,
    )


class TipMessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)
