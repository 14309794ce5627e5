"""Visit requests to people held at the lock-up.

Rules (department policy, issue 16):
- A slot takes at most `capacity` booked visits: the slot's row is locked before the count, so
  two requests at the same moment can never both take its last place.
- Only future slots can be requested.
- The confirmation carries a link to the visit's own page; whoever holds it may cancel. Opening
  the link cancels nothing (mail scanners open links): the page has a button.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from custody.models import CustodySettings, VisitRequest, VisitSlot
from portal.errors import DomainError
from portal.links import SignedLink, absolute_url
from portal.localtime import department_zone
from portal.models import Notification
from portal.services.audit import audit_record
from portal.services.notifications import notification_enqueue

# The link in every confirmation; the salt is part of every link already sent.
VISIT_LINK = SignedLink(salt="custody.visit")


def slot_starts(slot: VisitSlot) -> datetime.datetime:
    return datetime.datetime.combine(slot.date, slot.starts_at, tzinfo=department_zone())


def _visit_url(visit: VisitRequest) -> str:
    with translation.override(visit.language):
        return absolute_url(
            reverse("custody:visit", kwargs={"token": VISIT_LINK.make(str(visit.public_id))})
        )


def _notify(visit: VisitRequest, *, cancelled: bool) -> None:
    with translation.override(visit.language):
        day = date_format(visit.slot.date, "l j F Y")
        when = f"{day}, {date_format(visit.slot.starts_at, 'TIME_FORMAT')}"
        if cancelled:
            subject = _("Visit cancelled")
            body = _("Your visit on %(when)s is cancelled.") % {"when": when}
        else:
            subject = _("Visit booked")
            body = _(
                "Your visit to %(person)s is booked for %(when)s. Bring a photo ID.\n\n"
                "To cancel it, open this page and press the button: %(url)s"
            ) % {"person": visit.visiting, "when": when, "url": _visit_url(visit)}
        if visit.email:
            notification_enqueue(
                channel=Notification.Channel.EMAIL,
                recipient=visit.email,
                subject=subject,
                body=body,
                language=visit.language,
                dedupe_key=f"custody.visit.{visit.pk}.{'cancelled' if cancelled else 'booked'}",
            )
        elif visit.phone:
            notification_enqueue(
                channel=Notification.Channel.SMS,
                recipient=visit.phone,
                body=body,
                language=visit.language,
                dedupe_key=f"custody.visit.{visit.pk}.{'cancelled' if cancelled else 'booked'}",
            )
    copy_to = CustodySettings.get_solo().visit_contact_email
    if copy_to and not cancelled:
        notification_enqueue(
            channel=Notification.Channel.EMAIL,
            recipient=copy_to,
            subject=f"Visit request {visit.slot}",
            body=f"{visit.name} -> {visit.visiting}, {visit.slot}",
            language="en",
            dedupe_key=f"custody.visit.{visit.pk}.staff",
        )


@transaction.atomic
def visit_request(
    *,
    slot_id: int,
    name: str,
    visiting: str,
    email: str = "",
    phone: str = "",
    language: str = "en",
) -> VisitRequest:
    """Book one place in a slot, or refuse with `slot_full` / `slot_past`."""
    slot = VisitSlot.objects.select_for_update().filter(pk=slot_id).first()
    if slot is None:
        raise DomainError(_("Choose a visiting time."), code="unknown_slot", field="slot")
    if slot_starts(slot) <= timezone.now():
        raise DomainError(
            _("This visiting time has passed. Choose another."), code="slot_past", field="slot"
        )
    taken = slot.requests.filter(status=VisitRequest.Status.BOOKED).count()
    if taken >= slot.capacity:
        raise DomainError(
            _("This visiting time is full. Choose another."),
            code="slot_full",
            field="slot",
            conflict=True,
        )
    if not email and not phone:
        raise DomainError(_("Give an e-mail address or a phone number."), code="no_contact")
    visit = VisitRequest(
        slot=slot, name=name, visiting=visiting, email=email, phone=phone, language=language
    )
    visit.full_clean()
    visit.save()
    audit_record(actor=None, action="custody.visit.requested", target=visit)
    _notify(visit, cancelled=False)
    return visit


def visit_from_token(token: str) -> VisitRequest | None:
    public_id = VISIT_LINK.read(token)
    if not public_id:
        return None
    return VisitRequest.objects.select_related("slot").filter(public_id=public_id).first()


@transaction.atomic
def visit_cancel(*, visit_id: int) -> VisitRequest:
    """Cancel a booked visit; cancelling twice is cancelling once."""
    visit = VisitRequest.objects.select_for_update().select_related("slot").get(pk=visit_id)
    if visit.status == VisitRequest.Status.CANCELLED:
        return visit
    visit.status = VisitRequest.Status.CANCELLED
    visit.cancelled_at = timezone.now()
    visit.save(update_fields=["status", "cancelled_at"])
    audit_record(actor=None, action="custody.visit.cancelled", target=visit)
    _notify(visit, cancelled=True)
    return visit
