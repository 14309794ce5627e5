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
- An officer's new or changed event on a program waits for a publisher's approval, as
  program pages do (issue 13): a new event is kept unpublished until approved; a change to a
  published event is kept as the event's pending change (the fields that differ) while the
  public goes on seeing the event as it was. A publisher approves (the change is then saved
  as the publisher's own, with the reschedule and waiting-list rules below) or sends it
  back. A publisher's own saves, and neighborhood meetings (every community officer's
  work), go live directly.
- Every save is audit-logged in the same transaction; public pages are refreshed after commit.
"""

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

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


# What an officer's pending change may hold: the fields of the admin's form. The workflow's
# own fields (status, sequence, the earlier start) and the plain names of translated fields
# (their `_en`/`_es` columns are the ones stored) are left out.
_WORKFLOW_FIELDS = {"id", "status", "sequence", "previous_starts_at", "updated_at"}


def _proposable_fields():
    translated = set(translator.get_options_for_model(Event).all_fields)
    return [
        field
        for field in Event._meta.concrete_fields
        if field.editable and field.name not in _WORKFLOW_FIELDS and field.name not in translated
    ]


def _differs(field, one: Event, other: Event) -> bool:
    a, b = field.value_from_object(one), field.value_from_object(other)
    if a in (None, "") and b in (None, ""):
        return False  # an empty translation is stored as None or as ""
    if isinstance(a, datetime) and isinstance(b, datetime):
        return not _same_time(a, b)
    return a != b


def _pending_values(submitted: Event, current: Event) -> dict:
    """The submitted fields that differ from the live event, as JSON."""
    values = {}
    for field in _proposable_fields():
        if _differs(field, submitted, current):
            value = field.value_from_object(submitted)
            values[field.attname] = None if value is None else field.value_to_string(submitted)
    return values


def _apply_pending(event: Event, values: dict) -> None:
    fields = {field.attname: field for field in _proposable_fields()}
    for attname, value in values.items():
        field = fields.get(attname)
        if field is not None:
            setattr(event, attname, None if value is None else field.to_python(value))


def needs_approval(actor, event: Event, current: Event | None) -> bool:
    """An officer's event on a program waits for a publisher; meetings and publishers' don't."""
    if is_publisher(actor):
        return False
    return bool(event.program_id or (current is not None and current.program_id))


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
    if needs_approval(actor, event, current):
        if current is not None and current.is_published:
            return _propose(actor=actor, submitted=event, current=current)
        # Not live yet (new, or never approved): saved as it is, but kept off the public
        # pages; wanting it published is the change that waits for approval.
        wants_live = event.is_published
        event.is_published = False
        event.pending_change = {"is_published": True} if wants_live else None
        event.pending_author = actor if wants_live else None
        event.pending_at = timezone.now() if wants_live else None
    elif event.is_published and event.pending_change == {"is_published": True}:
        event.pending_change, event.pending_author, event.pending_at = None, None, None
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
    if event.pending_change and event.pending_author_id == getattr(actor, "pk", None):
        audit_record(
            actor=actor,
            action="programs.event.proposed",
            target=event,
            detail={"fields": sorted(event.pending_change)},
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


def _propose(*, actor, submitted: Event, current: Event) -> Event:
    """An officer's change to a live program event: kept as its pending change (a later save
    replaces an earlier one); the live event is untouched. Saving no difference is a plain
    save, as before."""
    values = _pending_values(submitted, current)
    if not values:
        audit_record(
            actor=actor, action="programs.event.changed", target=current, detail={"fields": []}
        )
        return current
    current.pending_change = values
    current.pending_author = actor
    current.pending_at = timezone.now()
    current.save(update_fields=["pending_change", "pending_author", "pending_at", "updated_at"])
    audit_record(
        actor=actor,
        action="programs.event.proposed",
        target=current,
        detail={"fields": sorted(values)},
    )
    return current


def _require_publisher(actor) -> None:
    if not is_publisher(actor):
        raise DomainError(
            _("Only a publisher may approve or send back an event's change."), code="forbidden"
        )


@transaction.atomic
def event_change_approve(*, actor, event: Event) -> Event:
    """A publisher approves an officer's pending change (or new event): it is saved as the
    publisher's own save, so a new time reschedules and more places go to the waiting list."""
    _require_publisher(actor)
    event = event_lock(event.pk)
    values = event.pending_change
    if not values:
        raise DomainError(_("This event has no change waiting for approval."), code="no_pending")
    proposer = event.pending_author
    _apply_pending(event, values)
    event.pending_change, event.pending_author, event.pending_at = None, None, None
    event = event_update(actor=actor, event=event, changed_fields=sorted(values))
    audit_record(
        actor=actor,
        action="programs.event.change_approved",
        target=event,
        detail={"fields": sorted(values), "proposed_by": getattr(proposer, "username", "")},
    )
    return event


@transaction.atomic
def event_change_reject(*, actor, event: Event) -> Event:
    """A publisher sends an officer's pending change back: the event stays as it is."""
    _require_publisher(actor)
    event = event_lock(event.pk)
    if not event.pending_change:
        return event
    fields = sorted(event.pending_change)
    event.pending_change, event.pending_author, event.pending_at = None, None, None
    event.save(update_fields=["pending_change", "pending_author", "pending_at", "updated_at"])
    audit_record(
        actor=actor,
        action="programs.event.change_rejected",
        target=event,
        detail={"fields": fields},
    )
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
