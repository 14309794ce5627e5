"""The staff API's shapes. Who complained appears only for internal affairs (`identity`)."""

from rest_framework import serializers

from complaints.models import Allegation, Complaint, InvestigationStep


class AllegationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Allegation
        fields = ["id", "category", "summary", "finding", "finding_on"]


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvestigationStep
        fields = ["id", "kind", "title", "due_on", "done_on"]


class ComplaintListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Complaint
        fields = [
            "id",
            "tracking_code",
            "kind",
            "filing",
            "channel",
            "stage",
            "seriousness",
            "neighborhood",
            "received_at",
            "closed_on",
            "assignee_kind",
        ]


class ComplaintDetailSerializer(ComplaintListSerializer):
    allegations = AllegationSerializer(many=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True)
    complainant = serializers.SerializerMethodField()
    what = serializers.SerializerMethodField()

    class Meta(ComplaintListSerializer.Meta):
        fields = [
            *ComplaintListSerializer.Meta.fields,
            "outcome",
            "allegations",
            "steps",
            "what",
            "complainant",
        ]

    def _identity(self) -> bool:
        return self.context.get("access") == "identity"

    def get_what(self, obj) -> str | None:
        return obj.what if self.context.get("access") in ("identity", "case") else None

    def get_complainant(self, obj) -> dict | None:
        if not self._identity():
            return None
        return {
            "name": obj.complainant_name,
            "email": obj.complainant_email,
            "phone": obj.complainant_phone,
            "address": obj.complainant_address,
            "on_behalf_of": obj.on_behalf_of,
        }
