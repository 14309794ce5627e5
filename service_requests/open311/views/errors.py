"""GeoReport's error list ([{code, description}], `<errors><error>…`) for every refusal, with
the HTTP status the specification gives: 400 for bad input, 403 for a missing, unknown or
revoked api_key, 404 for an unknown jurisdiction, service, request or token, 429 when an
application posts faster than its rate."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

# A service's field as the GeoReport argument the application sent.
ARGUMENT = {
    "location": "lat/long",
    "address": "address_string",
    "photos": "media_url",
}


class Open311Error(exceptions.APIException):
    """A GeoReport error list with its HTTP status."""

    def __init__(self, status_code: int, *descriptions: str):
        super().__init__()
        self.status_code = status_code
        self.descriptions = list(descriptions)


def _errors(status_code: int, descriptions) -> list[dict]:
    return [{"code": status_code, "description": str(text)} for text in descriptions]


def exception_handler(exc, context):
    """Every refusal as GeoReport's error list, never DRF's or the portal's own shape."""
    headers = {}
    if isinstance(exc, Open311Error):
        code, descriptions = exc.status_code, exc.descriptions
    elif isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        code = 404 if getattr(exc, "domain_code", "") == "service_unknown" else 400
        descriptions = []
        for field, items in exc.error_dict.items():
            argument = ARGUMENT.get(field, field)
            if argument.startswith("attribute_"):
                argument = f"attribute[{argument.removeprefix('attribute_')}]"
            for item in items:
                message = item.message % item.params if item.params else item.message
                descriptions.append(f"{argument}: {message} ({item.code})")
    elif isinstance(exc, ValidationError):
        code, descriptions = 400, exc.messages
    elif isinstance(exc, exceptions.AuthenticationFailed | exceptions.NotAuthenticated):
        code, descriptions = 403, [exc.detail]
    elif isinstance(exc, exceptions.Throttled):
        code = 429
        descriptions = [_("Too many requests: wait a moment and try again.")]
        if exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait) + 1)
    elif isinstance(exc, exceptions.APIException):
        code, descriptions = exc.status_code, [exc.detail]
    elif isinstance(exc, Http404):
        code, descriptions = 404, [_("Not found.")]
    else:
        return None
    return Response(_errors(code, descriptions), status=code, headers=headers)
