"""Fingerprinting appointments: a place on a time of the clerks' calendar, taken, moved or
given back. A place is never sold twice: the slot's row is locked before counting, and a check
constraint backs this up."""

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.errors import DomainError
from portal.services.audit import audit_record
from records.models import ClosureReason, FingerprintSlot, RecordRequest, RequestKind
from records.services.common import local_datetime_text, notify_requester, timeline_add
from records.services.lifecycle import Action, request_transition


def slot_take(*, slot_id: int, now: datetime) -> FingerprintSlot:
    """Take one place. The slot's row is locked before the count is checked, so two residents
    taking the last place at once cannot both get it (the check constraint backs this up)."""
    slot = FingerprintSlot.objects.select_for_update().filter(pk=slot_id).first()
    if slot is None or slot.starts_at <= now:
        raise DomainError(
            _("That time is no longer offered. Choose another."), code="slot_gone", field="slot"
        )
    if slot.booked >= slot.capacity:
        raise DomainError(
            _("Someone just took the last place at that time. Choose another."),
            code="slot_full",
            field="slot",
        )
    slot.booked += 1
    slot.save(update_fields=["booked"])
    return slot


def slot_release(*, slot_id: int) -> None:
    slot = FingerprintSlot.objects.select_for_update().get(pk=slot_id)
    slot.booked = max(slot.booked - 1, 0)
    slot.save(update_fields=["booked"])


@transaction.atomic
def appointment_reschedule(
    *, record_request: RecordRequest, slot_id: int, actor: AbstractBaseUser | None = None
) -> RecordRequest:
    """Move a fingerprinting appointment to another time (the old place is given back)."""
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    if record_request.kind != RequestKind.FINGERPRINTING or not record_request.is_open:
        raise DomainError(_("This appointment cannot be changed."), code="not_changeable")
    if record_request.slot_id == slot_id:
        return record_request
    old = record_request.slot_id
    # Lock in id order so two moves in opposite directions cannot deadlock.
    for pk in sorted(p for p in (old, slot_id) if p):
        FingerprintSlot.objects.select_for_update().filter(pk=pk).first()
    new_slot = slot_take(slot_id=slot_id, now=timezone.now())
    if old:
        slot_release(slot_id=old)
    record_request.slot = new_slot
    record_request.reminder_sent_for = None
    record_request.save(update_fields=["slot", "reminder_sent_for", "updated_at"])
    when = local_datetime_text(new_slot.starts_at, record_request.language)
    timeline_add(record_request=record_request, action="reschedule", actor=actor, note=when)
    audit_record(
        actor=actor,
        action="records.recordrequest.rescheduled",
        target=record_request,
        detail={"from_slot": old, "to_slot": slot_id},
        actor_label="" if actor else "requester",
    )
    notify_requester(
        record_request=record_request,
        subject=gettext_lazy("Your fingerprinting appointment %(number)s has moved"),
        body=gettext_lazy("Your fingerprinting appointment is now on %(when)s."),
        when=when,
    )
    return record_request


@transaction.atomic
def appointment_cancel(
    *, record_request: RecordRequest, actor: AbstractBaseUser | None = None
) -> RecordRequest:
    """The resident (or a clerk) cancels: the place is given back and the request closed."""
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    if record_request.kind != RequestKind.FINGERPRINTING or not record_request.is_open:
        raise DomainError(_("This appointment cannot be changed."), code="not_changeable")
    if record_request.slot_id:
        slot_release(slot_id=record_request.slot_id)
    return request_transition(
        record_request=record_request,
        action=Action.CLOSE,
        actor=actor,
        closure_reason=ClosureReason.WITHDRAWN,
        note=_("Appointment cancelled."),
    )


@transaction.atomic
def slots_repeat(*, slots: list[FingerprintSlot], weeks: int, actor) -> int:
    """Copy fingerprinting times to the same weekday and hour for the next `weeks` weeks
    (times that already exist are left alone). Returns how many were made."""
    if not 1 <= weeks <= 12:
        raise DomainError(_("Repeat for 1 to 12 weeks."), code="bad_weeks")
    made = 0
    for slot in slots:
        for week in range(1, weeks + 1):
            starts = slot.starts_at + timedelta(weeks=week)
            _slot, created = FingerprintSlot.objects.get_or_create(
                starts_at=starts,
                defaults={
                    "ends_at": slot.ends_at + timedelta(weeks=week),
                    "capacity": slot.capacity,
                },
            )
            made += int(created)
    audit_record(
        actor=actor,
        action="records.fingerprintslot.repeated",
        detail={"slots": [s.pk for s in slots], "weeks": weeks, "made": made},
    )
    return made
