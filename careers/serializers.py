from rest_framework import serializers

from careers.models import Position


class PositionSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Position
        fields = [
            "slug",
            "kind",
            "kind_label",
            "title",
            "summary",
            "description",
            "requirements",
            "salary",
            "how_to_apply",
            "closes_on",
            "url",
        ]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()
