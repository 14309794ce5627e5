"""The GeoReport v2 documents, field for field as the specification names them. The same
serializers render the responses and describe them in the OpenAPI schema.

What is never in any of them: the resident's contact details, the secret tracking code, the
exact place of a request for a service with a sensitive location (the `public_*` fields
computed at submission are used for every request), the photos (private to the resident and
staff), the application's account id and media URL, and the free-text description of a
request for a sensitive service (it often says exactly where).
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import serializers

from portal.links import absolute_url
from portal.localtime import department_zone
from service_requests.choices import LIST_DATATYPES, Datatype, Status, TargetUnit

# Our four statuses in GeoReport's two.
OPEN311_STATUS = {
    Status.OPEN: "open",
    Status.ACKNOWLEDGED: "open",
    Status.IN_PROGRESS: "open",
    Status.CLOSED: "closed",
}


def coordinate(value) -> float | None:
    return None if value is None else float(value)


def service_notice(service) -> str:
    """What the department will do: its response target for the service."""
    if service.target_unit == TargetUnit.BUSINESS_DAYS:
        target = ngettext(
            "%(count)d business day", "%(count)d business days", service.target_value
        ) % {"count": service.target_value}
    else:
        target = ngettext("%(count)d hour", "%(count)d hours", service.target_value) % {
            "count": service.target_value
        }
    return _("We aim to respond within %(target)s.") % {"target": target}


class ServiceSerializer(serializers.Serializer):
    service_code = serializers.CharField(source="code")
    service_name = serializers.CharField(source="name")
    description = serializers.CharField()
    metadata = serializers.SerializerMethodField()
    type = serializers.SerializerMethodField()
    keywords = serializers.CharField()
    group = serializers.CharField(source="group.name")

    def get_metadata(self, service) -> bool:
        return any(attribute.variable for attribute in service.attributes.all())

    def get_type(self, service) -> str:
        return "realtime"


class ValueSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()


class AttributeSerializer(serializers.Serializer):
    variable = serializers.BooleanField()
    code = serializers.CharField()
    datatype = serializers.ChoiceField(choices=Datatype.values)
    required = serializers.BooleanField()
    datatype_description = serializers.CharField(allow_null=True)
    order = serializers.IntegerField()
    description = serializers.CharField()
    values = serializers.SerializerMethodField()

    def to_representation(self, attribute):
        data = super().to_representation(attribute)
        data["datatype_description"] = str(attribute.datatype_description) or None
        if attribute.datatype not in LIST_DATATYPES:
            data.pop("values")
        return data

    def get_values(self, attribute) -> list[dict]:
        return ValueSerializer(attribute.values.all(), many=True).data


class ServiceDefinitionSerializer(serializers.Serializer):
    service_code = serializers.CharField(source="code")
    attributes = AttributeSerializer(many=True, source="attributes.all")


class RequestSerializer(serializers.Serializer):
    """One request as GET requests shows it. With `extensions` in the context, our own
    fields follow under `extended_attributes` (the GeoReport v2 extensions' convention)."""

    service_request_id = serializers.CharField(source="public_id")
    status = serializers.SerializerMethodField()
    status_notes = serializers.SerializerMethodField()
    service_name = serializers.CharField(source="service.name")
    service_code = serializers.CharField(source="service.code")
    description = serializers.SerializerMethodField()
    agency_responsible = serializers.CharField(source="division.name")
    service_notice = serializers.SerializerMethodField()
    requested_datetime = serializers.SerializerMethodField()
    updated_datetime = serializers.SerializerMethodField()
    expected_datetime = serializers.SerializerMethodField()
    address = serializers.SerializerMethodField()
    address_id = serializers.SerializerMethodField()
    zipcode = serializers.SerializerMethodField()
    lat = serializers.SerializerMethodField()
    long = serializers.SerializerMethodField()
    media_url = serializers.SerializerMethodField()
    extended_attributes = serializers.SerializerMethodField()

    def get_fields(self):
        fields = super().get_fields()
        if not self.context.get("extensions"):
            del fields["extended_attributes"]  # not computed at all: it reads the questions
        return fields

    def to_representation(self, service_request):
        """The same fields as declared, built directly: a list has up to 1,000 rows, and
        DRF's per-field machinery tripled the time of one."""
        data = {
            "service_request_id": str(service_request.public_id),
            "status": self.get_status(service_request),
            "status_notes": self.get_status_notes(service_request),
            "service_name": str(service_request.service.name),
            "service_code": service_request.service.code,
            "description": self.get_description(service_request),
            "agency_responsible": str(service_request.division.name),
            "service_notice": self.get_service_notice(service_request),
            "requested_datetime": self.get_requested_datetime(service_request),
            "updated_datetime": self.get_updated_datetime(service_request),
            "expected_datetime": self.get_expected_datetime(service_request),
            "address": self.get_address(service_request),
            "address_id": None,
            "zipcode": None,
            "lat": self.get_lat(service_request),
            "long": self.get_long(service_request),
            "media_url": None,
        }
        if self.context.get("extensions"):
            data["extended_attributes"] = self.get_extended_attributes(service_request)
        return data

    def _w3c(self, moment) -> str | None:
        # The department's zone, read once per list rather than once per date.
        if not hasattr(self, "_zone"):
            self._zone = department_zone()
        return None if moment is None else moment.astimezone(self._zone).isoformat("T", "seconds")

    def get_status(self, service_request) -> str:
        return OPEN311_STATUS[service_request.status]

    def get_status_notes(self, service_request) -> str | None:
        """The close reason, or our finer status: never the message staff wrote to the
        resident, which may be personal."""
        if service_request.status == Status.CLOSED and service_request.close_reason:
            return str(service_request.get_close_reason_display())
        return str(service_request.get_status_display())

    def get_description(self, service_request) -> str | None:
        if service_request.service.sensitive_location:
            return None
        return service_request.description or None

    def get_service_notice(self, service_request) -> str:
        # One notice per service (and language) in a list, not one per row.
        notices = self.__dict__.setdefault("_notices", {})
        service = service_request.service
        if service.pk not in notices:
            notices[service.pk] = service_notice(service)
        return notices[service.pk]

    def get_requested_datetime(self, service_request) -> str:
        return self._w3c(service_request.requested_at)

    def get_updated_datetime(self, service_request) -> str:
        return self._w3c(service_request.updated_at)

    def get_expected_datetime(self, service_request) -> str | None:
        return self._w3c(service_request.expected_at)

    def get_address(self, service_request) -> str | None:
        return service_request.public_address or None

    def get_address_id(self, service_request) -> str | None:
        return None

    def get_zipcode(self, service_request) -> str | None:
        return None

    def get_lat(self, service_request) -> float | None:
        return coordinate(service_request.public_lat)

    def get_long(self, service_request) -> float | None:
        return coordinate(service_request.public_long)

    def get_media_url(self, service_request) -> str | None:
        return None

    def get_extended_attributes(self, service_request) -> dict:
        service = service_request.service
        datatypes = {a.code: a.datatype for a in service.attributes.all()}
        # Only the structured answers: free text may name people or say exactly where. A list
        # of {code, value} rather than a mapping: a code may not be a valid XML element name.
        answers = [
            {"code": code, "value": value}
            for code, value in (service_request.attributes or {}).items()
            if datatypes.get(code) in (*LIST_DATATYPES, Datatype.NUMBER)
        ]
        merged = service_request.merged_into
        return {
            "status_detail": service_request.status,
            "close_reason": service_request.close_reason or None,
            "neighborhood": service_request.neighborhood.slug,
            "neighborhood_name": str(service_request.neighborhood.name),
            "location_coarsened": bool(service.sensitive_location),
            "public_url": absolute_url(service_request.get_absolute_url()),
            "duplicate_of": str(merged.public_id) if merged else None,
            "followers": service_request.followers,
            "answers": answers,
        }


class PostReplySerializer(serializers.Serializer):
    service_request_id = serializers.CharField(required=False)
    token = serializers.CharField(required=False)
    service_notice = serializers.CharField()
    account_id = serializers.CharField(allow_null=True)


class TokenSerializer(serializers.Serializer):
    service_request_id = serializers.CharField()
    token = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    code = serializers.IntegerField(help_text="The HTTP status code of the error.")
    description = serializers.CharField()


class EndpointSerializer(serializers.Serializer):
    specification = serializers.CharField()
    url = serializers.CharField()
    changeset = serializers.CharField()
    type = serializers.CharField()
    formats = serializers.ListField(child=serializers.CharField())


class DiscoverySerializer(serializers.Serializer):
    changeset = serializers.CharField()
    contact = serializers.CharField()
    key_service = serializers.CharField()
    endpoints = EndpointSerializer(many=True)


class PostRequestSerializer(serializers.Serializer):
    """The form a GeoReport POST sends (application/x-www-form-urlencoded). Answers go as
    attribute[code]=value, and attribute[code][]=key once per key for a multivaluelist."""

    api_key = serializers.CharField()
    jurisdiction_id = serializers.CharField(required=False)
    service_code = serializers.CharField()
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, required=False)
    long = serializers.DecimalField(max_digits=9, decimal_places=6, required=False)
    address_string = serializers.CharField(required=False)
    address_id = serializers.CharField(required=False)
    email = serializers.EmailField(required=False)
    device_id = serializers.CharField(required=False)
    account_id = serializers.CharField(required=False)
    first_name = serializers.CharField(required=False)
    last_name = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)
    description = serializers.CharField(required=False)
    media_url = serializers.URLField(required=False)
