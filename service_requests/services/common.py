"""What the request services share: collecting several refusals into one DomainError, the
response target, and the messages to residents."""

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal.businessdays import add_business_days
from portal.errors import DomainError
from portal.links import SignedLink, absolute_url
from portal.localtime import department_zone, to_local
from portal.services.notifications import notification_enqueue
from service_requests.choices import TargetUnit
from service_requests.models import Service, ServiceRequest

# The tracking link does not expire: a request may stay open for weeks and the resident keeps
# the e-mail. The short code is the other way in.
TRACK = SignedLink(salt="service_requests.track")
# The hour by which a target counted in business days is due, on the department's clocks.
CLOSE_OF_BUSINESS = time(17, 0)


class Errors:
    """Refusals gathered field by field, so the resident sees every problem at once."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str]] = []

    def add(self, field: str, message: str, code: str) -> None:
        self.items.append((field, str(message), code))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        field, message, code = self.items[0]
        error = DomainError(message, code=code, field=field)
        for field, message, code in self.items[1:]:
            error.error_dict.setdefault(field, []).append(ValidationError(message, code=code))
        raise error


def expected_at(service: Service, requested_at: datetime) -> datetime:
    """When the service's response target falls due for a request made at `requested_at`:
    so many clock hours later, or at close of business of the n-th business day after it."""
    if service.target_unit == TargetUnit.HOURS:
        return requested_at + timedelta(hours=service.target_value)
    day = add_business_days(to_local(requested_at).date(), service.target_value)
    return datetime.combine(day, CLOSE_OF_BUSINESS, tzinfo=department_zone())


def tracking_path(service_request: ServiceRequest, *, language: str | None = None) -> str:
    with translation.override(language or service_request.language):
        return reverse("service_requests:track", args=[TRACK.make(str(service_request.public_id))])


def tracking_url(service_request: ServiceRequest) -> str:
    return absolute_url(tracking_path(service_request))


def notify_contact(
    *,
    contact: dict | None,
    email: bool,
    sms: bool,
    language: str,
    subject: str,
    body: str,
    sms_body: str = "",
    dedupe_key: str = "",
) -> int:
    """Queue an e-mail and/or a text message to one resident, in the outbox of the caller's
    transaction. Returns how many were queued."""
    contact = contact or {}
    queued = 0
    if email and contact.get("email"):
        notification_enqueue(
            channel="email",
            recipient=contact["email"],
            subject=subject,
            body=body,
            language=language,
            dedupe_key=f"{dedupe_key}:email" if dedupe_key else None,
        )
        queued += 1
    if sms and contact.get("phone"):
        notification_enqueue(
            channel="sms",
            recipient=contact["phone"],
            body=sms_body or subject,
            language=language,
            dedupe_key=f"{dedupe_key}:sms" if dedupe_key else None,
        )
        queued += 1
    return queued


def status_words(service_request: ServiceRequest) -> str:
    return _("%(service)s, request %(code)s") % {
        "service": service_request.service.name,
        "code": service_request.short_code,
    }
