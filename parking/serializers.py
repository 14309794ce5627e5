from rest_framework import serializers

from parking.models import PermitNight


class PermitNightSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="permit.display_code")
    street = serializers.CharField(source="street.name")
    address = serializers.SerializerMethodField()
    vehicle = serializers.CharField(source="permit.vehicle")
    vehicle_type = serializers.CharField(source="permit.vehicle_type")

    class Meta:
        model = PermitNight
        fields = [
            "night",
            "plate",
            "plate_state",
            "code",
            "street",
            "house_number",
            "address",
            "vehicle",
            "vehicle_type",
            "status",
        ]

    def get_address(self, obj: PermitNight) -> str:
        return f"{obj.house_number} {obj.street.name}"


class PlateCheckSerializer(serializers.Serializer):
    plate = serializers.CharField()
    plate_state = serializers.CharField(allow_blank=True)
    night = serializers.DateField()
    permitted = serializers.BooleanField()
    permit = PermitNightSerializer(allow_null=True)
    blanket_night = serializers.BooleanField(
        help_text="Tonight is a town-wide blanket night: every vehicle may park."
    )
    snow_emergency = serializers.BooleanField(
        help_text="A snow emergency ban covers tonight: no vehicle may park, permit or not."
    )
