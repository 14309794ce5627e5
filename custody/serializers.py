"""The import API's payloads, as the OpenAPI schema describes them. The rules behind each field
are checked once, in the service (custody.forms.BookingForm through services.booking_import),
so the CSV import refuses exactly what the API refuses."""

from rest_framework import serializers

from custody.models import CustodyRecord


class BookingSerializer(serializers.Serializer):
    booking_number = serializers.CharField(max_length=40)
    last_name = serializers.CharField(max_length=80)
    first_name = serializers.CharField(max_length=80)
    date_of_birth = serializers.DateField()
    juvenile = serializers.BooleanField(required=False, default=False)
    confidential = serializers.BooleanField(required=False, default=False)
    charge_category = serializers.ChoiceField(choices=CustodyRecord.Charge.choices)
    bond = serializers.CharField(
        help_text='An amount ("2500.00"), "no_bond" or "held_without_bond".'
    )
    court_date = serializers.DateField(required=False, allow_null=True)
    court_time = serializers.TimeField(required=False, allow_null=True)
    court_name = serializers.CharField(required=False, allow_blank=True)
    court_address = serializers.CharField(required=False, allow_blank=True)
    booked_at = serializers.DateTimeField()
    released_at = serializers.DateTimeField(required=False, allow_null=True)


class ReleaseSerializer(serializers.Serializer):
    released_at = serializers.DateTimeField(required=False, allow_null=True)


class BookingResultSerializer(serializers.Serializer):
    booking_number = serializers.CharField()
    created = serializers.BooleanField()
    released = serializers.BooleanField()
