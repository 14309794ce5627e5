"""Shared by the parking services: the rules, signed links, refusals and the holder's
messages (through the outbox, in the holder's language)."""

import datetime
import logging
import zoneinfo

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from parking import nights as n
from parking.models import (
    ParkingRules,
    Permit,
    PermitNight,
)
from portal.errors import DomainError
from portal.links import SignedLink, absolute_url
from portal.localtime import department_zone
from portal.services.notifications import notification_enqueue

logger = logging.getLogger(__name__)

TOKEN_SALT = "parking.permit"  # noqa: S105 - a signing namespace, not a secret
TOKEN_MAX_AGE = 400 * 24 * 3600
# The holder's link to their permit. The salt is part of every link already sent: keep it.
PERMIT_LINK = SignedLink(salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
BAN_BATCH = 500
COUNTED = PermitNight.Status.ACTIVE


def rules_get() -> ParkingRules:
    return ParkingRules.get_solo()


def rules_and_zone() -> tuple[ParkingRules, zoneinfo.ZoneInfo]:
    """The rules and the department's time zone: both singletons are held a second in this
    process (portal/singletons.py), so most calls make no round trip at all."""
    return ParkingRules.get_solo(), department_zone()


# --- Tokens ------------------------------------------------------------------------------------


def permit_token(permit: Permit) -> str:
    return PERMIT_LINK.make(permit.code)


def permit_from_token(token: str) -> Permit | None:
    code = PERMIT_LINK.read(token)
    if not isinstance(code, str):  # forged, altered or expired
        return None
    return Permit.objects.select_related("street").filter(code=code).first()


def permit_url(permit: Permit) -> str:
    with translation.override(permit.language):
        path = reverse("parking:permit", kwargs={"token": permit_token(permit)})
    return absolute_url(path)


def _refuse(code: str, message: str, **params) -> DomainError:
    return DomainError(message % params if params else message, code=code)


def _format_local(moment: datetime.datetime, zone) -> str:
    return formats.date_format(moment.astimezone(zone), "DATETIME_FORMAT")


# --- Notifications -----------------------------------------------------------------------------


def _subject_approved() -> str:
    return _("Overnight parking permit approved")


def _subject_cancelled() -> str:
    return _("Overnight parking permit cancelled")


def _notify(
    permit: Permit, template: str, subject, *, key: str, extra=None, nights=None, into=None
) -> None:
    """The holder's message, in their language, by e-mail and/or text, through the outbox.
    `nights`: the permit's active nights, when the caller has them at hand. `into`: a list to
    add the messages to, for the caller to queue many at once (notification_enqueue_many)."""
    enqueue = into.append if into is not None else lambda message: notification_enqueue(**message)
    if nights is None:
        nights = [
            night.night
            for night in permit.nights.all()
            if night.status == PermitNight.Status.ACTIVE
        ]
    with translation.override(permit.language):
        context = {
            "permit": permit,
            "url": permit_url(permit),
            "nights": [n.night_label(night) for night in nights],
            **(extra or {}),
        }
        body = render_to_string(template, context).strip()
        sms = (
            render_to_string(template.replace(".txt", "_sms.txt"), context).strip()
            if permit.mobile
            else ""
        )
        subject_text = subject()
    if permit.email:
        enqueue(
            {
                "channel": "email",
                "recipient": permit.email,
                "subject": subject_text,
                "body": body,
                "language": permit.language,
                "dedupe_key": f"parking:{permit.pk}:{key}:email",
            }
        )
    if permit.mobile:
        enqueue(
            {
                "channel": "sms",
                "recipient": permit.mobile,
                "body": sms,
                "language": permit.language,
                "dedupe_key": f"parking:{permit.pk}:{key}:sms",
            }
        )
