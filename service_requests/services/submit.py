"""Taking a request: `request_submit` is the one door for the web form, Open311 and staff.

Rules (each refused with a DomainError whose code a client can match; every refusal found is
reported at once, and nothing is written unless all pass):
- The service exists and is offered (`service_unknown`).
- Each answer fits its question's GeoReport v2 datatype; required questions are answered
  (the rules and their codes: services/answers.py).
- The description, when given, is at most 4,000 characters (DESCRIPTION_MAX), GeoReport v2's
  limit for `description` (`description_too_long`).
- The place is inside the town, as a point or an address on one of its streets (the rules and
  their codes: services/place.py).
- At most SERVICE_REQUESTS_MAX_PHOTOS photos, each a real JPEG, PNG or WebP image within the
  size limit, checked and cleaned of all metadata by the kernel's scrubbers before anything is
  stored (`photo_count`, and the scrubbers' codes: `file_type`, `file_too_large`,
  `image_broken`, `image_too_big`, `file_empty`).
- Contact details are optional, unless the service needs a call back (`contact_required`);
  asking for e-mail or text updates needs the address or number (`notify_without_contact`).
  They are stored encrypted (service_requests/crypto.py).
- The request is routed to the service's division and gets its expected time from the
  service's response target (hours, or business days as portal/businessdays.py counts them).
- The request, its first history line, its photos, the audit entry and the confirmation
  messages (outbox) are written in one transaction.
"""

import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal import scrub
from portal.errors import DomainError
from portal.models import phone_validator
from portal.services.audit import audit_record
from service_requests import location
from service_requests.choices import EventKind, Source
from service_requests.models import (
    RequestEvent,
    RequestPhoto,
    Service,
    ServiceRequest,
    new_short_code,
)
from service_requests.services.answers import clean_answers
from service_requests.services.common import Errors, expected_at, notify_contact, tracking_url
from service_requests.services.place import _locate

DESCRIPTION_MAX = 4000


def _clean_contact(
    contact: Mapping[str, Any] | None,
    *,
    service: Service | None,
    notify_email: bool,
    notify_sms: bool,
    errors: Errors,
) -> dict | None:
    contact = {
        key: str((contact or {}).get(key) or "").strip()[:120]
        for key in ("first_name", "last_name", "email", "phone")
    }
    if contact["email"]:
        try:
            validate_email(contact["email"])
        except ValidationError:
            errors.add("email", _("Enter a valid e-mail address."), "email_invalid")
    if contact["phone"]:
        try:
            phone_validator(contact["phone"])
        except ValidationError:
            errors.add(
                "phone",
                _("Enter a phone number using digits, spaces, +, -, ( and )."),
                "phone_invalid",
            )
    if (
        service is not None
        and service.callback_required
        and not (contact["email"] or contact["phone"])
    ):
        errors.add(
            "phone",
            _("For this service we need to call you back: give a phone number or an e-mail."),
            "contact_required",
        )
    if notify_email and not contact["email"]:
        errors.add(
            "email",
            _("Give your e-mail address to get updates by e-mail."),
            "notify_without_contact",
        )
    if notify_sms and not contact["phone"]:
        errors.add(
            "phone",
            _("Give your phone number to get updates by text message."),
            "notify_without_contact",
        )
    return contact if any(contact.values()) else None


def _check_photos(photos: Sequence[bytes], errors: Errors) -> list[scrub.CleanFile]:
    limit = settings.SERVICE_REQUESTS_MAX_PHOTOS
    if len(photos) > limit:
        errors.add(
            "photos",
            _("Send at most %(count)d photos.") % {"count": limit},
            "photo_count",
        )
        return []
    clean = []
    for data in photos:
        try:
            scrub.check_file(
                data,
                allowed=("image",),
                limits={"image": settings.SERVICE_REQUESTS_PHOTO_MAX_MB * scrub.MB},
                field="photos",
            )
            clean.append(scrub.clean_image(data))
        except DomainError as error:
            for message in error.message_dict["photos"]:
                errors.add("photos", message, error.domain_code)
            return []
    return clean


def service_for_submit(code: str) -> Service | None:
    return (
        Service.objects.filter(code=code, is_active=True)
        .select_related("division", "group")
        .prefetch_related("attributes__values")
        .first()
    )


def request_submit(
    *,
    service_code: str,
    attributes: Mapping[str, Any] | None = None,
    description: str = "",
    address: str = "",
    lat: Any = None,
    long: Any = None,
    photos: Sequence[bytes] = (),
    contact: Mapping[str, Any] | None = None,
    notify_email: bool = False,
    notify_sms: bool = False,
    language: str | None = None,
    source: str = Source.WEB,
    actor=None,
    requested_at: datetime | None = None,
) -> ServiceRequest:
    """Take a new request (see the module's rules). `attributes` maps each question's code to
    its answer (a string, a number, or a list of keys for a multivaluelist); `contact` may hold
    first_name, last_name, email and phone. Returns the saved request; raises DomainError."""
    errors = Errors()
    service = service_for_submit((service_code or "").strip())
    if service is None:
        errors.add("service_code", _("Choose one of the services we offer."), "service_unknown")
    answers = clean_answers(service, attributes or {}, errors) if service else {}
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        errors.add(
            "description",
            _("Keep the description under %(limit)d characters.") % {"limit": DESCRIPTION_MAX},
            "description_too_long",
        )
    place = _locate(address=address, lat=lat, long=long, errors=errors)
    contact_clean = _clean_contact(
        contact, service=service, notify_email=notify_email, notify_sms=notify_sms, errors=errors
    )
    clean_photos = _check_photos(list(photos), errors)
    errors.raise_if_any()
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    saved_files: list = []
    try:
        return _write(
            service=service,
            answers=answers,
            description=description,
            place=place,
            contact=contact_clean,
            notify_email=notify_email,
            notify_sms=notify_sms,
            language=language,
            source=source,
            actor=actor,
            requested_at=requested_at or timezone.now(),
            photos=clean_photos,
            saved_files=saved_files,
        )
    except BaseException:
        for stored in saved_files:  # the transaction rolled back: no orphan photo on disk
            stored.storage.delete(stored.name)
        raise


@transaction.atomic
def _write(
    *,
    service,
    answers,
    description,
    place,
    contact,
    notify_email,
    notify_sms,
    language,
    source,
    actor,
    requested_at,
    photos,
    saved_files,
) -> ServiceRequest:
    sensitive = service.sensitive_location
    service_request = ServiceRequest(
        service=service,
        division=service.division,
        description=description,
        attributes=answers,
        address=place.address,
        street=place.street,
        lat=place.lat,
        long=place.long,
        neighborhood=place.neighborhood,
        public_address=location.public_address(place.address, place.street, sensitive=sensitive),
        public_lat=location.coarsen(place.lat, sensitive=sensitive),
        public_long=location.coarsen(place.long, sensitive=sensitive),
        contact=contact,
        notify_email=notify_email,
        notify_sms=notify_sms,
        language=language,
        source=source,
        requested_at=requested_at,
        updated_at=requested_at,
        expected_at=expected_at(service, requested_at),
    )
    service_request.full_clean(exclude=["short_code", "contact"])
    for _attempt in range(5):
        try:
            with transaction.atomic():
                service_request.save()
            break
        except IntegrityError:  # the one-in-a-trillion short code already taken
            service_request.pk = None
            service_request.short_code = new_short_code()
    else:  # pragma: no cover
        raise RuntimeError("no free short code")
    RequestEvent.objects.create(
        request=service_request,
        kind=EventKind.SUBMITTED,
        to_status=service_request.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=requested_at,
    )
    for order, photo in enumerate(photos, start=1):
        extension = "png" if photo.content_type == "image/png" else "jpg"
        record = RequestPhoto(
            request=service_request,
            content_type=photo.content_type,
            size=len(photo.data),
            order=order,
        )
        record.file.save(
            f"{secrets.token_hex(16)}.{extension}", ContentFile(photo.data), save=False
        )
        saved_files.append(record.file)
        record.save()
    audit_record(
        actor=actor,
        action="service_requests.request.submitted",
        target=service_request,
        detail={"service": service.code, "source": source},
        actor_label=source,
    )
    with translation.override(language):
        subject = _("We received your request: %(service)s") % {"service": service.name}
        body = _(
            "Thank you. We received your request (%(service)s) and sent it to %(division)s.\n\n"
            "Your tracking code is %(code)s. Follow the request here: %(url)s\n\n"
            "This is not for emergencies: call 911 if anyone is in danger."
        ) % {
            "service": service.name,
            "division": service.division.name,
            "code": service_request.short_code,
            "url": tracking_url(service_request),
        }
        sms_body = _("Request %(code)s received (%(service)s). Follow it: %(url)s") % {
            "code": service_request.short_code,
            "service": service.name,
            "url": tracking_url(service_request),
        }
    notify_contact(
        contact=contact,
        email=notify_email,
        sms=notify_sms,
        language=language,
        subject=subject,
        body=body,
        sms_body=sms_body,
        dedupe_key=f"sr:{service_request.public_id}:submitted",
    )
    return service_request
