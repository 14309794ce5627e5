"""Following a request already reported ("already reported: follow it instead").

Rules:
- A resident gives an e-mail address or a phone number (`contact_required`, and the format
  checks of request_submit: `email_invalid`, `phone_invalid`); they are stored encrypted.
- Only a request that is not closed and not merged can be followed (`follow_closed`).
- Followers are told of each status change (services.workflow), never of the messages staff
  send the reporter, and the request counts one more resident waiting on it.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from portal.errors import DomainError
from portal.models import phone_validator
from portal.services.audit import audit_record
from service_requests.choices import Status
from service_requests.models import RequestFollower, ServiceRequest
from service_requests.services.common import Errors


@transaction.atomic
def request_follow(
    *, service_request: ServiceRequest, email: str = "", phone: str = "", language: str = ""
) -> RequestFollower:
    errors = Errors()
    email, phone = (email or "").strip()[:120], (phone or "").strip()[:30]
    if not email and not phone:
        errors.add(
            "email",
            _("Give an e-mail address or a phone number to be told of changes."),
            "contact_required",
        )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.add("email", _("Enter a valid e-mail address."), "email_invalid")
    if phone:
        try:
            phone_validator(phone)
        except ValidationError:
            errors.add(
                "phone",
                _("Enter a phone number using digits, spaces, +, -, ( and )."),
                "phone_invalid",
            )
    errors.raise_if_any()
    locked = ServiceRequest.objects.select_for_update().get(pk=service_request.pk)
    if locked.status == Status.CLOSED or locked.merged_into_id:
        raise DomainError(
            _("This request is closed: there is nothing more to follow."),
            code="follow_closed",
            conflict=True,
        )
    follower = RequestFollower.objects.create(
        request=locked,
        contact={"email": email, "phone": phone},
        language=(language or translation.get_language() or "en")[:2],
    )
    ServiceRequest.objects.filter(pk=locked.pk).update(followers=F("followers") + 1)
    audit_record(
        actor=None,
        action="service_requests.request.followed",
        target=locked,
        actor_label="resident",
    )
    return follower
