"""Sign-ups for events, the waiting list, and notices about cancelled or moved events.

Rules (department policy for community events):
- Capacity is never exceeded: every change to who holds a place locks the event row first
  (select_for_update) and counts places after the lock (pretix's quota pattern).
- A full event puts a new sign-up on a waiting list, first come, first served. When a place
  frees up, the first person waiting is offered it with a claim link valid for 24 hours; an
  offer not claimed in time expires and the place passes to the next person (beat sweep).
- PAL (youth) sign-ups need the youth's name and age, within the event's ages, and a parent's
  or guardian's name, contact and consent.
- Those confirmed are reminded 24 hours before (a moved or cancelled event tells everyone
  registered: programs/services/events.py). All messages go through the outbox, with dedupe
  keys where a job may repeat. The reminder and news of a moved or cancelled event go by text
  message to those who chose that (and gave a mobile number); the rest by e-mail.
- Links in e-mails carry a signed token; anyone holding it may cancel that one sign-up.
- A new sign-up with a place free *holds* it: the place is confirmed only when the person
  presses the button on the page the e-mail links to (proof that the address is theirs; the
  page that answers the form never shows that link). A hold not confirmed within HOLD_HOURS
  (or by the start) ends without another e-mail and the place passes on. A waiting-list
  sign-up needs no confirming: its place comes only through the claim link in an e-mail.
- One sign-up per address (and youth) per event; at most SIGN_UP_LIMIT sign-ups an hour per
  address (programs/services/throttles.py), counted only once the form is valid
  (issue 13, finding 8).
"""

from datetime import timedelta

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.contact import ContactChannel, resident_notify
from portal.errors import DomainError
from portal.links import SignedLink, absolute_url
from portal.localtime import department_zone
from portal.models import Notification
from portal.selectors import department_get
from portal.services.audit import audit_record
from portal.services.notifications import notification_enqueue
from programs.models import Event, Registration
from programs.services.publishing import content_changed
from programs.services.throttles import address_allowed

OFFER_HOURS = 24
HOLD_HOURS = 24
SIGN_UP_LIMIT = 10  # sign-ups an hour per e-mail address, all events together
REMINDER_HOURS = 24
# Sent the way the person chose (e-mail or text message); the rest always by e-mail.
BY_CHOSEN_CHANNEL = {"reminder", "event_cancelled", "event_rescheduled"}
# The link in every sign-up e-mail: whoever holds it may see, claim or cancel that one sign-up.
# The salt is part of every link already sent.
REGISTRATION_LINK = SignedLink(salt="programs.registration")
R = Registration.Status
# What a new sign-up's audit entry says, by the status it gets.
CREATED_ACTIONS = {
    R.HELD: "programs.registration.held",
    R.WAITING: "programs.registration.waitlisted",
}


def registration_token(registration: Registration) -> str:
    return REGISTRATION_LINK.make(str(registration.pk))


def registration_from_token(token: str) -> Registration:
    pk = REGISTRATION_LINK.read(token)
    if pk is None:
        raise DomainError(
            _("This link is not valid. Copy the whole link from the e-mail."), code="bad_token"
        )
    registration = (
        Registration.objects.select_related("event", "event__program", "event__neighborhood")
        .filter(pk=pk)
        .first()
    )
    if registration is None:
        raise DomainError(_("This sign-up no longer exists."), code="not_found")
    return registration


def _link(name: str, registration: Registration) -> str:
    with translation.override(registration.language):
        return absolute_url(reverse(name, args=[registration_token(registration)]))


def registration_notify(
    registration: Registration, kind: str, subject, dedupe: str | None = None
) -> None:
    """Queue one message about `registration`, written in the language they signed up in: an
    e-mail, or for the reminder and a moved or cancelled event, a text message if they chose
    that."""
    with translation.override(registration.language):
        event = registration.event
        body = render_to_string(
            "programs/email/registration.txt",
            {
                "kind": kind,
                "registration": registration,
                "event": event,
                "event_url": absolute_url(event.get_absolute_url()),
                "cancel_url": _link("programs:registration-cancel", registration),
                "claim_url": _link("programs:registration-claim", registration),
                "offer_hours": OFFER_HOURS,
                "hold_hours": HOLD_HOURS,
                "confirm_url": _link("programs:registration", registration),
                "tz": department_zone(),
            },
        )
        subject = f"{subject}: {event.title}"
        if kind in BY_CHOSEN_CHANNEL:
            # The reminder and news of a moved or cancelled event go the way they chose.
            text = render_to_string(
                "programs/sms/registration.txt",
                {
                    "kind": kind,
                    "event": event,
                    "department": department_get().name,
                    "cancel_url": _link("programs:registration-cancel", registration),
                    "tz": department_zone(),
                },
            ).strip()
            resident_notify(
                channel=registration.contact_channel,
                email=registration.email,
                phone=registration.phone,
                subject=subject,
                body=body,
                text=text,
                language=registration.language,
                dedupe_key=dedupe,
            )
            return
        notification_enqueue(
            channel=Notification.Channel.EMAIL,
            recipient=registration.email,
            subject=subject,
            body=body,
            language=registration.language,
            dedupe_key=dedupe,
        )


def _places_taken(event: Event) -> int:
    return event.registrations.filter(status__in=Registration.HOLDS_A_PLACE).count()


def event_lock(event_id) -> Event:
    return Event.objects.select_for_update().get(pk=event_id)


@transaction.atomic
def registration_create(
    *,
    event_id: int,
    name: str,
    email: str,
    phone: str = "",
    youth_name: str = "",
    youth_age: int | None = None,
    consent: bool = False,
    language: str = "en",
    contact_channel: str = ContactChannel.EMAIL,
) -> Registration:
    """Sign someone up: a place if one is left, otherwise a place on the waiting list."""
    if contact_channel == ContactChannel.SMS and not phone.strip():
        raise DomainError(
            _("Give a mobile number for the text messages."), code="phone_required", field="phone"
        )
    event = event_lock(event_id)
    now = timezone.now()
    if not event.takes_registration or not event.is_published:
        raise DomainError(_("This event does not take sign-ups."), code="no_registration")
    if event.is_cancelled:
        raise DomainError(_("This event has been cancelled."), code="cancelled")
    if event.starts_at <= now:
        raise DomainError(_("Sign-up has closed: the event has started."), code="closed")
    if event.registration == Event.Registration.YOUTH:
        if not youth_name.strip():
            raise DomainError(
                _("Enter the young person's name."), code="required", field="youth_name"
            )
        if youth_age is None:
            raise DomainError(
                _("Enter the young person's age."), code="required", field="youth_age"
            )
        if (event.min_age and youth_age < event.min_age) or (
            event.max_age and youth_age > event.max_age
        ):
            raise DomainError(
                _("This activity is for ages %(low)s to %(high)s."),
                code="age",
                field="youth_age",
                params={"low": event.min_age or 0, "high": event.max_age or 99},
            )
        if not consent:
            raise DomainError(
                _("A parent or guardian must give consent."), code="consent", field="consent"
            )
    duplicate = event.registrations.filter(
        email__iexact=email.strip(),
        youth_name__iexact=youth_name.strip(),
        status__in=[R.HELD, R.CONFIRMED, R.OFFERED, R.WAITING],
    )
    if duplicate.exists():
        raise DomainError(
            _("This e-mail address is already signed up for this event."),
            code="duplicate",
            field="email",
        )
    if not address_allowed(scope="sign-up", email=email, limit=SIGN_UP_LIMIT):
        raise DomainError(
            _("Too many sign-ups from this e-mail address. Please try again in an hour."),
            code="throttled",
            field="email",
        )
    full = event.capacity is not None and _places_taken(event) >= event.capacity
    registration = Registration(
        event=event,
        status=R.WAITING if full else R.HELD,
        offer_expires_at=None if full else min(now + timedelta(hours=HOLD_HOURS), event.starts_at),
        name=name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        contact_channel=contact_channel,
        youth_name=youth_name.strip(),
        youth_age=youth_age,
        consent=consent,
        language=language,
        created_at=now,
    )
    registration.full_clean()
    registration.save()
    audit_record(
        actor=None,
        actor_label="public",
        action=CREATED_ACTIONS[registration.status],
        target=registration,
        detail={"event": event.pk},
    )
    if full:
        registration_notify(registration, "waiting", _("You are on the waiting list"))
    else:
        registration_notify(registration, "held", _("Please confirm your place"))
    transaction.on_commit(content_changed)
    return registration


@transaction.atomic
def registration_confirm(*, registration_id) -> Registration:
    """The button on the page the sign-up e-mail links to: a held place becomes the
    person's. Confirming twice is the same as once."""
    return _place_take(
        registration_id=registration_id,
        held_as=R.HELD,
        action="programs.registration.confirmed",
        too_late=DomainError(
            _("This place was not confirmed in time and has passed on. You can sign up again."),
            code="hold_expired",
        ),
    )


def waiting_list_advance(event: Event, now) -> list[Registration]:
    """With the event locked: offer freed places to the first people waiting."""
    offered = []
    if event.is_cancelled or event.starts_at <= now:
        return offered
    free = None if event.capacity is None else event.capacity - _places_taken(event)
    waiting = event.registrations.filter(status=R.WAITING).order_by("created_at", "pk")
    for registration in waiting:
        if free is not None and free <= 0:
            break
        registration.status = R.OFFERED
        # An offer never outlives the event's start.
        registration.offer_expires_at = min(now + timedelta(hours=OFFER_HOURS), event.starts_at)
        registration.save(update_fields=["status", "offer_expires_at"])
        audit_record(
            actor=None,
            actor_label="waiting list",
            action="programs.registration.offered",
            target=registration,
            detail={"event": event.pk},
        )
        registration_notify(
            registration,
            "offered",
            _("A place is free for you"),
            dedupe=f"programs:offer:{registration.pk}:{registration.offer_expires_at.isoformat()}",
        )
        offered.append(registration)
        if free is not None:
            free -= 1
    return offered


@transaction.atomic
def registration_cancel(*, registration_id, actor=None) -> Registration:
    """Give up a place or leave the waiting list; the freed place goes to the next person."""
    registration = Registration.objects.select_related("event").get(pk=registration_id)
    event = event_lock(registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration_id)
    registration.event = event
    if registration.status in (R.CANCELLED, R.EXPIRED):
        return registration  # cancelling twice is the same as once
    now = timezone.now()
    if event.ends_at <= now:
        raise DomainError(_("This event is over."), code="over")
    registration.status = R.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    audit_record(
        actor=actor,
        actor_label="public",
        action="programs.registration.cancelled",
        target=registration,
        detail={"event": event.pk},
    )
    registration_notify(registration, "cancelled", _("Your sign-up is cancelled"))
    waiting_list_advance(event, now)
    transaction.on_commit(content_changed)
    return registration


@transaction.atomic
def registration_claim(*, registration_id) -> Registration:
    """Take the place offered from the waiting list, while the offer lasts."""
    return _place_take(
        registration_id=registration_id,
        held_as=R.OFFERED,
        action="programs.registration.claimed",
        too_late=DomainError(
            _("This offer has ended and the place has passed to the next person."),
            code="offer_expired",
        ),
    )


def _place_take(*, registration_id, held_as, action: str, too_late: DomainError) -> Registration:
    """A place held for someone (a hold to confirm, an offer to claim) becomes theirs, once,
    while the hold lasts and the event stands. Call inside a transaction."""
    registration = Registration.objects.get(pk=registration_id)
    event = event_lock(registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration_id)
    registration.event = event
    if registration.status == R.CONFIRMED:
        return registration
    now = timezone.now()
    if registration.status != held_as or (
        registration.offer_expires_at and registration.offer_expires_at <= now
    ):
        raise too_late
    if event.is_cancelled:
        raise DomainError(_("This event has been cancelled."), code="cancelled")
    registration.status = R.CONFIRMED
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "offer_expires_at"])
    audit_record(
        actor=None,
        actor_label="public",
        action=action,
        target=registration,
        detail={"event": event.pk},
    )
    registration_notify(registration, "confirmed", _("You are signed up"))
    transaction.on_commit(content_changed)
    return registration


def offers_expire(*, now=None) -> int:
    """Beat: end unclaimed offers and unconfirmed holds, and pass each place on. Idempotent.
    A hold that ends gets no e-mail: nobody confirmed that the address wanted one."""
    now = now or timezone.now()
    expired = 0
    due = (
        Registration.objects.filter(status__in=[R.OFFERED, R.HELD], offer_expires_at__lte=now)
        .values_list("event_id", flat=True)
        .distinct()
    )
    for event_id in list(due):
        with transaction.atomic():
            event = event_lock(event_id)
            for registration in event.registrations.select_for_update().filter(
                status__in=[R.OFFERED, R.HELD], offer_expires_at__lte=now
            ):
                was_held = registration.status == R.HELD
                registration.status = R.EXPIRED
                registration.save(update_fields=["status"])
                expired += 1
                if was_held:
                    audit_record(
                        actor=None,
                        actor_label="sign-ups",
                        action="programs.registration.hold_expired",
                        target=registration,
                        detail={"event": event.pk},
                    )
                    continue
                audit_record(
                    actor=None,
                    actor_label="waiting list",
                    action="programs.registration.expired",
                    target=registration,
                    detail={"event": event.pk},
                )
                registration_notify(
                    registration,
                    "expired",
                    _("Your offer has ended"),
                    dedupe=f"programs:expired:{registration.pk}",
                )
            waiting_list_advance(event, now)
            transaction.on_commit(content_changed)
    return expired


def reminders_send(*, now=None) -> int:
    """Beat: remind each confirmed person once, within 24 hours of the start. Idempotent."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=R.CONFIRMED,
        reminded_at__isnull=True,
        event__status__in=[Event.Status.SCHEDULED, Event.Status.RESCHEDULED],
        event__starts_at__gt=now,
        event__starts_at__lte=now + timedelta(hours=REMINDER_HOURS),
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            registration = (
                Registration.objects.select_for_update(of=("self",))
                .select_related("event")
                .filter(pk=pk, reminded_at__isnull=True)
                .first()
            )
            if registration is None:
                continue
            registration.reminded_at = now
            registration.save(update_fields=["reminded_at"])
            registration_notify(
                registration,
                "reminder",
                _("Reminder"),
                dedupe=f"programs:reminder:{pk}:{registration.event.starts_at.isoformat()}",
            )
            sent += 1
    return sent
