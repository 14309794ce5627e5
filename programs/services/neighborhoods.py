"""A neighborhood's problem board and its e-mail subscribers.

Rules:
- Problems are worked with SARA (scanning, analysis, response, assessment); the coordinating
  officer publishes a problem and its dated progress notes. Each save is audit-logged.
- A resident subscribes with an e-mail address and confirms from a link we send (so nobody is
  subscribed by someone else); every message carries a one-click unsubscribe link (signed), and
  unsubscribing needs nothing else. Subscribers hear of new meetings and new progress notes.
- The confirmation e-mail goes at most once a day per address and neighborhood (outbox
  dedupe key with the day), and at most SUBSCRIBE_LIMIT an hour per address across
  neighborhoods (programs/services/throttles.py): the form cannot flood a mailbox. The page
  says the same whatever the address's state, so it tells nobody who is subscribed.
- The links open a page with a button; only the button's POST confirms or unsubscribes (mail
  scanners open links). A mail client's RFC 8058 one-click POST to the unsubscribe link works
  too (issue 13, finding 8).
"""

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.errors import DomainError
from portal.links import SignedLink, absolute_url
from portal.localtime import department_zone, local_today
from portal.models import Neighborhood, Notification
from portal.services.audit import audit_record
from portal.services.notifications import notification_enqueue
from programs.models import Event, Problem, ProblemNote, Subscription
from programs.services.publishing import content_changed
from programs.services.throttles import address_allowed

SUBSCRIBE_LIMIT = 5  # confirmation e-mails an hour per address, all neighborhoods together

# Confirm and unsubscribe links carry [subscription id, purpose], so one is never the other.
# The salt is part of every link already sent.
SUBSCRIPTION_LINK = SignedLink(salt="programs.subscription")


def subscription_token(subscription: Subscription, purpose: str) -> str:
    return SUBSCRIPTION_LINK.make([subscription.pk, purpose])


def subscription_from_token(token: str, purpose: str) -> Subscription | None:
    value = SUBSCRIPTION_LINK.read(token)
    if not isinstance(value, list) or len(value) != 2:
        raise DomainError(
            _("This link is not valid. Copy the whole link from the e-mail."), code="bad_token"
        )
    pk, signed_purpose = value
    if signed_purpose != purpose:
        raise DomainError(_("This link is not valid."), code="bad_token")
    return Subscription.objects.select_related("neighborhood").filter(pk=pk).first()


def _url(name: str, token: str, language: str) -> str:
    with translation.override(language):
        return absolute_url(reverse(name, args=[token]))


def _send(subscription: Subscription, kind: str, subject: str, context: dict, dedupe: str | None):
    # Notices to every subscriber go on the bulk queue, behind urgent mail; a confirmation
    # link someone is waiting for does not.
    with translation.override(subscription.language):
        unsubscribe_url = _url(
            "programs:unsubscribe",
            subscription_token(subscription, "unsubscribe"),
            subscription.language,
        )
        body = render_to_string(
            "programs/email/subscription.txt",
            {
                "kind": kind,
                "subscription": subscription,
                "neighborhood": subscription.neighborhood,
                "confirm_url": _url(
                    "programs:subscription-confirm",
                    subscription_token(subscription, "confirm"),
                    subscription.language,
                ),
                "unsubscribe_url": unsubscribe_url,
                "tz": department_zone(),
                **context,
            },
        )
        notification_enqueue(
            channel=Notification.Channel.EMAIL,
            recipient=subscription.email,
            subject=f"{subscription.neighborhood.name}: {subject}",
            body=body,
            language=subscription.language,
            dedupe_key=dedupe,
            bulk=kind != "confirm",
            # RFC 2369 and RFC 8058: mail clients offer their own one-click unsubscribe.
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )


@transaction.atomic
def subscription_request(*, neighborhood: Neighborhood, email: str, language: str) -> Subscription:
    """Ask to subscribe: sends a confirmation link, at most once a day per address and
    neighborhood and SUBSCRIBE_LIMIT an hour per address. The caller answers the same page
    whatever happened here."""
    subscription, created = Subscription.objects.get_or_create(
        neighborhood=neighborhood,
        email=email.strip().lower(),
        defaults={"language": language},
    )
    if not created and subscription.confirmed_at:
        return subscription  # already subscribed: say nothing that reveals it
    dedupe = f"programs:subscribe:{subscription.pk}:{local_today().isoformat()}"
    if Notification.objects.filter(dedupe_key=dedupe).exists():
        return subscription  # one confirmation e-mail a day is enough
    if not address_allowed(scope="subscribe", email=subscription.email, limit=SUBSCRIBE_LIMIT):
        return subscription
    subscription.language = language
    subscription.save(update_fields=["language"])
    _send(subscription, "confirm", _("Please confirm your subscription"), {}, dedupe)
    return subscription


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription:
    subscription = subscription_from_token(token, "confirm")
    if subscription is None:
        raise DomainError(_("This subscription no longer exists."), code="not_found")
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
        audit_record(
            actor=None,
            actor_label="public",
            action="programs.subscription.confirmed",
            target=subscription,
        )
    return subscription


@transaction.atomic
def subscription_cancel(*, token: str) -> Neighborhood | None:
    """One click: the subscription is gone. Unsubscribing twice is fine."""
    subscription = subscription_from_token(token, "unsubscribe")
    if subscription is None:
        return None
    neighborhood = subscription.neighborhood
    audit_record(
        actor=None,
        actor_label="public",
        action="programs.subscription.cancelled",
        target=subscription,
    )
    subscription.delete()
    return neighborhood


def _subscribers(neighborhood_id: int):
    return Subscription.objects.filter(
        neighborhood_id=neighborhood_id, confirmed_at__isnull=False
    ).select_related("neighborhood")


def subscribers_notify_event(*, event: Event) -> int:
    """Tell a neighborhood's subscribers about a new meeting (once per meeting)."""
    if not event.neighborhood_id or not event.is_published:
        return 0
    count = 0
    for subscription in _subscribers(event.neighborhood_id):
        with translation.override(subscription.language):
            event_url = absolute_url(event.get_absolute_url())
        _send(
            subscription,
            "event",
            _("New meeting"),
            {"event": event, "event_url": event_url},
            f"programs:nb-event:{event.pk}:{subscription.pk}",
        )
        count += 1
    return count


@transaction.atomic
def problem_record_save(*, actor, problem: Problem, new_notes: list[ProblemNote]) -> None:
    """After staff saved a problem: audit it, and tell subscribers of published progress."""
    audit_record(
        actor=actor,
        action="programs.problem.saved",
        target=problem,
        detail={"stage": problem.stage, "status": problem.status, "notes": len(new_notes)},
    )
    if problem.is_published:
        for note in new_notes:
            for subscription in _subscribers(problem.neighborhood_id):
                _send(
                    subscription,
                    "progress",
                    _("Progress on a problem"),
                    {"problem": problem, "note": note},
                    f"programs:nb-note:{note.pk}:{subscription.pk}",
                )
    transaction.on_commit(content_changed)
