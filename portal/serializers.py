from rest_framework import serializers

from portal.models import Division, Neighborhood, Officer


class OfficerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Officer
        fields = ["name", "rank", "assignment", "phone", "email"]


class NeighborhoodSerializer(serializers.ModelSerializer):
    coordinator = OfficerSerializer(read_only=True)

    class Meta:
        model = Neighborhood
        fields = ["slug", "name", "summary", "description", "coordinator", "boundary"]


class DivisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Division
        fields = ["id", "name", "description", "phone", "email", "address", "hours"]
