from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.serializers import OfficerSerializer
from programs.models import Event, Partner, Program
from programs.text import render_markdown


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["name", "description", "url"]


class ProgramSerializer(serializers.ModelSerializer):
    contact_officer = OfficerSerializer(read_only=True)
    partners = PartnerSerializer(many=True, read_only=True)
    body_html = serializers.SerializerMethodField(help_text="The page text as sanitised HTML.")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Program
        fields = [
            "slug",
            "title",
            "summary",
            "body",
            "body_html",
            "contact_officer",
            "partners",
            "url",
            "updated_at",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_body_html(self, obj) -> str:
        return str(render_markdown(str(obj.body or "")))

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


class EventSerializer(serializers.ModelSerializer):
    program = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    neighborhood = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    places_left = serializers.SerializerMethodField(
        help_text="Places still free; null when the event has no limit."
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "slug",
            "title",
            "description",
            "program",
            "neighborhood",
            "starts_at",
            "ends_at",
            "status",
            "status_note",
            "place_name",
            "address",
            "accessibility",
            "registration",
            "min_age",
            "max_age",
            "capacity",
            "places_left",
            "url",
        ]

    @extend_schema_field(OpenApiTypes.INT)
    def get_places_left(self, obj) -> int | None:
        return obj.places_left

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())
