"""The discovery file and the catalogue: the services offered and each one's questions."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from portal.links import absolute_url
from portal.selectors import department_get
from service_requests import selectors
from service_requests.models import ServiceAttribute
from service_requests.open311.serializers import (
    DiscoverySerializer,
    ServiceDefinitionSerializer,
    ServiceSerializer,
)
from service_requests.open311.views.base import ERRORS, JURISDICTION, Open311View
from service_requests.open311.views.errors import Open311Error

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this server's behaviour last changed (GeoReport's "changeset" of the discovery file).
CHANGESET = "2026-12-07T00:00:00Z"
FORMATS = ["text/xml", "application/json"]


class DiscoveryView(Open311View):
    xml_root = "discovery"

    @extend_schema(
        tags=["open311"],
        responses={200: DiscoverySerializer},
        summary="Open311 service discovery",
    )
    def get(self, request, format=None):
        department = department_get()
        contact = ", ".join(
            part
            for part in (str(department.name), department.email, department.phone_non_emergency)
            if part
        )
        data = {
            "changeset": CHANGESET,
            "contact": contact,
            "key_service": _("Ask the department for an api_key for your application: %(contact)s")
            % {"contact": department.email or department.phone_non_emergency or department.name},
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": absolute_url("/open311/v2"),
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": FORMATS,
                }
            ],
        }
        return Response(data)


class ServiceListView(Open311View):
    xml_root = "services"

    @extend_schema(
        tags=["open311"],
        parameters=[JURISDICTION],
        responses={200: ServiceSerializer(many=True), **ERRORS},
        summary="GeoReport v2: the services offered",
    )
    def get(self, request, format=None):
        offered = selectors.service_list().prefetch_related(
            Prefetch("attributes", queryset=ServiceAttribute.objects.only("service_id", "variable"))
        )
        return Response(ServiceSerializer(offered, many=True).data)


class ServiceDefinitionView(Open311View):
    xml_root = "service_definition"

    @extend_schema(
        tags=["open311"],
        parameters=[JURISDICTION],
        responses={200: ServiceDefinitionSerializer, **ERRORS},
        summary="GeoReport v2: a service's questions (attributes)",
    )
    def get(self, request, service_code, format=None):
        try:
            service = selectors.service_get(code=service_code)
        except ValidationError as error:
            raise Open311Error(
                404, _("service_code provided was not found: %(code)s") % {"code": service_code}
            ) from error
        return Response(ServiceDefinitionSerializer(service).data)
