"""Events as staff write them: saving one, moving it, cancelling it.

Rules (department policy for community events):
- A community officer changes the events of the programs they are assigned to and every
  neighborhood meeting (neighborhoods are every community officer's work); a publisher
  changes any event.
- Moving an event (a new start or end) is a reschedule: the event says it was moved and from
  when, its calendar SEQUENCE goes up, and everyone signed up or waiting is told by e-mail
  (and reminded again before the new time). Cancelling tells them too.
- Raising an event's capacity (or removing the limit) offers the new places to the waiting
  list in order, with the usual 24-hour claim links (registrations.waiting_list_advance).
- A new neighborhood meeting is announced to the neighborhood's subscribers, once each.
- Every save is audit-logged in the same transaction; public pages are refreshed after commit.
"""

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.errors import DomainError
from portal.services.audit import audit_record
from programs.models import Event, Program, Registration
from programs.services.neighborhoods import subscribers_notify_event
from programs.services.publishing import content_changed, is_publisher
from programs.services.registrations import (
    event_lock,
    registration_notify,
    waiting_list_advance,
)

R = Registration.Status
TOLD = [R.HELD, R.CONFIRMED, R.OFFERED, R.WAITING]  # who hears of a moved or cancelled event


def events_editable_q(user, prefix: str = "") -> Q:
    """The events `user` may change, as a filter on events (or, with `prefix="event__"`, on
    what belongs to an event, such as its sign-ups)."""
    if is_publisher(user):
        return Q()
    return Q(**{f"{prefix}program__editors": user}) | Q(**{f"{prefix}program__isnull": True})


def _may_edit(user, program_id: int | None) -> bool:
    return (
        is_publisher(user)
        or program_id is None
        or Program.objects.filter(pk=program_id, editors=user).exists()
    )


def _same_time(one, other) -> bool:
    # Staff enter times to the second; a stored time may carry microseconds.
    return one.replace(microsecond=0) == other.replace(microsecond=0)


def _more_places(before: int | None, after: int | None) -> bool:
    return before is not None and (after is None or after > before)


@transaction.atomic
def event_update(
    *, actor: AbstractBaseUser, event: Event, changed_fields: Sequence[str] = ()
) -> Event:
    """Save an event as staff submitted it (`event` carries the submitted values; no pk for a
    new one). A new start or end is a reschedule (event_reschedule, with the event's status note
    as the reason); a new neighborhood meeting is announced to the subscribers."""
    created = event.pk is None
    if not actor.has_perm("programs.add_event" if created else "programs.change_event"):
        raise DomainError(_("You may not change events."), code="forbidden")
    current = None if created else event_lock(event.pk)
    if not _may_edit(actor, event.program_id) or (
        current is not None and not _may_edit(actor, current.program_id)
    ):
        raise DomainError(
            _("You may change only the programs you are assigned to."), code="not_assigned"
        )
    moved = current is not None and not (
        _same_time(event.starts_at, current.starts_at)
        and _same_time(event.ends_at, current.ends_at)
    )
    starts_at, ends_at = event.starts_at, event.ends_at
    if current is not None:
        # Status, sequence and the earlier start are the workflow's: reschedule and cancel
        # move them. The new times are saved by event_reschedule below.
        event.status, event.sequence = current.status, current.sequence
        event.previous_starts_at = current.previous_starts_at
        if moved:
            event.starts_at, event.ends_at = current.starts_at, current.ends_at
    event.full_clean()
    event.save()
    audit_record(
        actor=actor,
        action="programs.event.added" if created else "programs.event.changed",
        target=event,
        detail={} if created else {"fields": sorted(changed_fields)},
    )
    if moved:
        event = event_reschedule(
            actor=actor, event=event, starts_at=starts_at, ends_at=ends_at, note=event.status_note
        )
    if current is not None and _more_places(current.capacity, event.capacity):
        # Still under the event's row lock; the offers' e-mails leave through the outbox.
        waiting_list_advance(event, timezone.now())
    if created and event.neighborhood_id:
        subscribers_notify_event(event=event)  # deduplicated: one message per subscriber
    transaction.on_commit(content_changed)
    return event


@transaction.atomic
def event_reschedule(*, actor, event: Event, starts_at, ends_at, note: str = "") -> Event:
    """Move an event to a new time and tell everyone registered or waiting."""
    event = event_lock(event.pk)
    if event.is_cancelled:
        raise DomainError(_("A cancelled event cannot be moved."), code="cancelled")
    if ends_at <= starts_at:
        raise DomainError(_("The event must end after it starts."), code="ends", field="ends_at")
    if starts_at == event.starts_at and ends_at == event.ends_at:
        return event
    event.previous_starts_at = event.starts_at
    event.starts_at, event.ends_at = starts_at, ends_at
    event.status = Event.Status.RESCHEDULED
    if note:
        event.status_note = note
    event.sequence += 1
    event.full_clean()
    event.save()
    audit_record(
        actor=actor,
        action="programs.event.rescheduled",
        target=event,
        detail={"from": event.previous_starts_at.isoformat(), "to": starts_at.isoformat()},
    )
    holders = event.registrations.filter(status__in=TOLD)
    holders.filter(status=R.CONFIRMED).update(reminded_at=None)  # remind again before the new time
    for registration in holders:
        registration.event = event
        registration_notify(
            registration,
            "event_rescheduled",
            _("New date"),
            dedupe=f"programs:event-moved:{event.pk}:{registration.pk}:{starts_at.isoformat()}",
        )
    transaction.on_commit(content_changed)
    return event


@transaction.atomic
def event_cancel(*, actor, event: Event, note: str = "") -> Event:
    """Cancel an event and tell everyone registered or waiting."""
    event = event_lock(event.pk)
    if event.is_cancelled:
        return event
    event.status = Event.Status.CANCELLED
    if note:
        event.status_note = note
    event.sequence += 1
    event.save()
    audit_record(
        actor=actor, action="programs.event.cancelled", target=event, detail={"note": note}
    )
    for registration in event.registrations.filter(status__in=TOLD):
        registration.event = event
        registration_notify(
            registration,
            "event_cancelled",
            _("Cancelled"),
            dedupe=f"programs:event-cancelled:{event.pk}:{registration.pk}",
        )
    transaction.on_commit(content_changed)
    return event
