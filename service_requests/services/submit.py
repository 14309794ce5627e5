"""Taking a request: `request_submit` is the one door for the web form, Open311 and staff.

Rules (each refused with a DomainError whose code a client can match; every refusal found is
reported at once, and nothing is written unless all pass):
- The service exists and is offered (`service_unknown`).
- Each answer fits its question's GeoReport v2 datatype: string (one line, 200 characters),
  text (4,000), number, datetime (ISO 8601), singlevaluelist (one key of the list),
  multivaluelist (keys of the list); required questions are answered; an answer to a question
  the service does not ask is refused (`attribute_required`, `attribute_type`,
  `attribute_choice`, `attribute_unknown`, `attribute_too_long`).
- The place is inside the town: a point inside one of our neighborhoods' boundaries
  (`location_outside`, `location_invalid`), or an address on one of the town's streets
  (`address_unknown`, with suggestions) at a number the street has (`address_number_outside`,
  the kernel's rule, portal/addresses.py); one or the other is given (`location_missing`).
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
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from portal import scrub
from portal.addresses import street_number_check
from portal.errors import DomainError
from portal.localtime import department_zone
from portal.models import phone_validator
from portal.services.audit import audit_record
from service_requests import location
from service_requests.choices import Datatype, EventKind, Source
from service_requests.models import (
    RequestEvent,
    RequestPhoto,
    Service,
    ServiceAttribute,
    ServiceRequest,
    new_short_code,
)
from service_requests.services.common import Errors, expected_at, notify_contact, tracking_url

STRING_MAX = 200
TEXT_MAX = 4000
DESCRIPTION_MAX = 4000


def attribute_field(code: str) -> str:
    """The form field (and error key) of a question: `attribute_<code>`."""
    return f"attribute_{code}"


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise ValueError
    number = Decimal(str(value).strip())
    if not number.is_finite():
        raise ValueError
    return int(number) if number == number.to_integral_value() else float(number)


def _datetime(value: Any) -> str:
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        moment = parse_datetime(text.replace(" ", "T", 1) if len(text) > 10 else text)
        if moment is None:
            day = parse_date(text)
            if day is None:
                raise ValueError
            moment = datetime(day.year, day.month, day.day)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=department_zone())
    return moment.astimezone(UTC).isoformat()


def clean_answers(service: Service, answers: Mapping[str, Any], errors: Errors) -> dict:
    """The answers to `service`'s questions, each in its datatype's JSON form: str, number,
    ISO datetime (UTC), a key, or a list of keys."""
    questions: dict[str, ServiceAttribute] = {a.code: a for a in service.attributes.all()}
    cleaned: dict[str, Any] = {}
    for code in answers:
        asked = code in questions and questions[code].variable
        if not asked and not _empty(answers[code]):
            errors.add(
                attribute_field(code),
                _("This service does not ask “%(code)s”.") % {"code": code},
                "attribute_unknown",
            )
    for code, question in questions.items():
        if not question.variable:
            continue
        field = attribute_field(code)
        value = answers.get(code)
        if isinstance(value, str):
            value = value.strip()
        if _empty(value):
            if question.required:
                errors.add(
                    field,
                    _("Answer this question: %(question)s") % {"question": question.description},
                    "attribute_required",
                )
            continue
        datatype = question.datatype
        keys = [v.key for v in question.values.all()]
        try:
            if datatype in (Datatype.STRING, Datatype.TEXT):
                if not isinstance(value, str):
                    raise ValueError
                limit = STRING_MAX if datatype == Datatype.STRING else TEXT_MAX
                if datatype == Datatype.STRING and "\n" in value:
                    raise ValueError
                if len(value) > limit:
                    errors.add(
                        field,
                        _("Keep this answer under %(limit)d characters.") % {"limit": limit},
                        "attribute_too_long",
                    )
                    continue
                cleaned[code] = value
            elif datatype == Datatype.NUMBER:
                cleaned[code] = _number(value)
            elif datatype == Datatype.DATETIME:
                cleaned[code] = _datetime(value)
            elif datatype == Datatype.SINGLEVALUELIST:
                if isinstance(value, list | tuple):
                    if len(value) != 1:
                        raise ValueError
                    value = value[0]
                if str(value) not in keys:
                    errors.add(field, _("Choose one of the answers offered."), "attribute_choice")
                    continue
                cleaned[code] = str(value)
            elif datatype == Datatype.MULTIVALUELIST:
                values = [value] if isinstance(value, str) else list(value)
                chosen = []
                for item in values:
                    if str(item) not in keys:
                        raise LookupError
                    if str(item) not in chosen:
                        chosen.append(str(item))
                cleaned[code] = chosen
        except LookupError:
            errors.add(field, _("Choose only among the answers offered."), "attribute_choice")
        except (ValueError, TypeError, ArithmeticError):
            messages = {
                Datatype.NUMBER: _("Give a number, for example 2."),
                Datatype.DATETIME: _("Give a date and time, for example 2026-12-06 14:30."),
                Datatype.STRING: _("Give a short answer on one line."),
            }
            errors.add(
                field,
                messages.get(datatype, _("This answer is not of the right kind.")),
                "attribute_type",
            )
    return cleaned


def _locate(*, address: str, lat: Any, long: Any, errors: Errors) -> location.Place | None:
    address = (address or "").strip()[:200]
    try:
        lat_value = location.parse_coordinate(lat, low=-90, high=90)
        long_value = location.parse_coordinate(long, low=-180, high=180)
    except ValueError:
        errors.add(
            "location",
            _("The point on the map is not a valid latitude and longitude."),
            "location_invalid",
        )
        return None
    if (lat_value is None) != (long_value is None):
        errors.add("location", _("Give both the latitude and the longitude."), "location_invalid")
        return None
    street = location.street_exact(address) if address else None
    if street is not None:
        try:
            street_number_check(street=street, number=location.house_number(address))
        except DomainError as error:
            # The kernel's rule and message; the way out is this form's own.
            hint = _("Check the number, or pick the place on the map.")
            errors.add("address", f"{error.messages[0]} {hint}", error.domain_code)
            return None
    if lat_value is not None:
        neighborhood = location.neighborhood_at(lat_value, long_value)
        if neighborhood is None:
            errors.add(
                "location",
                _("This place is outside the town. We can only help within the town's limits."),
                "location_outside",
            )
            return None
        return location.Place(address, street, lat_value, long_value, neighborhood)
    if not address:
        errors.add(
            "address",
            _("Tell us where: give an address or pick the place on the map."),
            "location_missing",
        )
        return None
    if street is None:
        suggestions = location.street_suggestions(address, limit=5)
        if suggestions:
            message = _(
                "We do not know this street in town. Did you mean: %(streets)s? You can also "
                "pick the place on the map."
            ) % {"streets": ", ".join(s.name for s in suggestions)}
        else:
            message = _(
                "We do not know this street in town. Check the spelling, or pick the place on "
                "the map."
            )
        errors.add("address", message, "address_unknown")
        return None
    if street.neighborhood is None:
        errors.add(
            "address",
            _("We cannot tell which neighborhood this street is in: pick the place on the map."),
            "address_unknown",
        )
        return None
    return location.Place(address, street, None, None, street.neighborhood)


def place_resolve(*, address: str = "", lat: Any = None, long: Any = None) -> location.Place:
    """Where a request would be, by the same rules as `request_submit` (the first step of the
    web form asks for the place alone, to show possible duplicates before the rest). Raises
    DomainError with the location codes of `request_submit`."""
    errors = Errors()
    place = _locate(address=address, lat=lat, long=long, errors=errors)
    errors.raise_if_any()
    return place


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
