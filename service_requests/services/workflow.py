"""Staff work on a request: status changes, assignment, notes, messages, merging duplicates,
bulk closing. Every door (the admin queue, its actions, the Open311 server, a task) calls these.

Rules:
- Statuses follow choices.TRANSITIONS (open → acknowledged → in progress → closed; a closed
  request may be reopened). Anything else is refused as a conflict (`transition_not_allowed`).
- Closing needs a reason (`close_reason_required`); the close time and reason are kept, and
  the on-time figure counts a request closed by its expected time as on time.
- A request is assigned only to an active staff member (`assignee_invalid`).
- A message to the resident needs a way to reach them (`no_contact`) and text (`text_required`).
- A duplicate is merged into another request that is not itself merged (`merge_invalid`): the
  duplicate is closed with the reason "duplicate", points at the request kept, and its reporter
  becomes a follower of the one kept.
- Each change writes a history line and an audit entry, and queues, in the same transaction,
  the e-mail/text the resident asked for (and one to each follower for a status change).
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.errors import DomainError
from portal.links import absolute_url
from portal.services.audit import audit_record
from service_requests.choices import (
    STATUS_PLAIN,
    TRANSITIONS,
    CloseReason,
    EventKind,
    Status,
)
from service_requests.models import RequestEvent, RequestFollower, ServiceRequest
from service_requests.services.common import notify_contact, tracking_url

AUDIT_BY_STATUS = {
    Status.ACKNOWLEDGED: "service_requests.request.acknowledged",
    Status.IN_PROGRESS: "service_requests.request.started",
    Status.CLOSED: "service_requests.request.closed",
    Status.OPEN: "service_requests.request.reopened",
}


def _locked(service_request: ServiceRequest) -> ServiceRequest:
    return (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("service", "division", "neighborhood")
        .get(pk=service_request.pk)
    )


def _tell_status(service_request: ServiceRequest, message: str) -> None:
    """The e-mail/text of a status change, to the reporter (if they asked) and followers."""
    key = f"sr:{service_request.public_id}:{service_request.updated_at.timestamp()}"
    recipients = [
        (
            service_request.contact,
            service_request.notify_email,
            service_request.notify_sms,
            service_request.language,
            tracking_url(service_request),
        )
    ] + [
        (f.contact, True, True, f.language, public_url(service_request, language=f.language))
        for f in RequestFollower.objects.filter(request=service_request)
    ]
    for index, (contact, email, sms, language, url) in enumerate(recipients):
        if not (email or sms):
            continue
        with translation.override(language):
            subject = _("Your request (%(service)s) is now: %(status)s") % {
                "service": service_request.service.name,
                "status": service_request.get_status_display(),
            }
            lines = [str(STATUS_PLAIN[service_request.status])]
            if service_request.close_reason:
                lines.append(
                    _("Reason: %(reason)s") % {"reason": service_request.get_close_reason_display()}
                )
            if message:
                lines.append(message)
            lines.append(_("Follow it here: %(url)s") % {"url": url})
            body = "\n\n".join(lines)
        notify_contact(
            contact=contact,
            email=email,
            sms=sms,
            language=language,
            subject=subject,
            body=body,
            sms_body=f"{subject}. {lines[-1]}",
            dedupe_key=f"{key}:{index}",
        )


def public_url(service_request: ServiceRequest, *, language: str) -> str:
    with translation.override(language):
        return absolute_url(service_request.get_absolute_url())


@transaction.atomic
def request_transition(
    *,
    service_request: ServiceRequest,
    to_status: str,
    actor,
    reason: str = "",
    message: str = "",
) -> ServiceRequest:
    """Move the request to `to_status` (see TRANSITIONS); closing needs `reason` (a
    CloseReason). `message` is told to the resident with the change and kept in the history."""
    service_request = _locked(service_request)
    current = service_request.status
    if to_status not in TRANSITIONS.get(current, ()):
        raise DomainError(
            _("A request that is “%(current)s” cannot become “%(new)s”.")
            % {
                "current": Status(current).label,
                "new": Status(to_status).label if to_status in Status.values else to_status,
            },
            code="transition_not_allowed",
            field="status",
            conflict=True,
        )
    now = timezone.now()
    if to_status == Status.CLOSED:
        if reason not in CloseReason.values:
            raise DomainError(
                _("Say why the request is closed."), code="close_reason_required", field="reason"
            )
        service_request.close_reason = reason
        service_request.closed_at = now
    else:
        service_request.close_reason = ""
        service_request.closed_at = None
        if to_status != Status.OPEN and service_request.acknowledged_at is None:
            service_request.acknowledged_at = now
        if to_status == Status.OPEN:
            service_request.merged_into = None
    service_request.status = to_status
    service_request.updated_at = now
    service_request.save(
        update_fields=[
            "status",
            "close_reason",
            "closed_at",
            "acknowledged_at",
            "updated_at",
            "merged_into",
        ]
    )
    message = (message or "").strip()[:2000]
    RequestEvent.objects.create(
        request=service_request,
        kind=EventKind.STATUS,
        from_status=current,
        to_status=to_status,
        close_reason=service_request.close_reason,
        text=message,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=now,
    )
    audit_record(
        actor=actor,
        action=AUDIT_BY_STATUS[to_status],
        target=service_request,
        detail={"from": current, "to": to_status, "reason": service_request.close_reason},
    )
    _tell_status(service_request, message)
    return service_request


@transaction.atomic
def request_assign(*, service_request: ServiceRequest, assignee, actor) -> ServiceRequest:
    """Give the request to a staff member (None: nobody)."""
    if assignee is not None and not (assignee.is_active and assignee.is_staff):
        raise DomainError(
            _("Assign requests to active staff members only."),
            code="assignee_invalid",
            field="assigned_to",
        )
    service_request = _locked(service_request)
    service_request.assigned_to = assignee
    service_request.updated_at = timezone.now()
    service_request.save(update_fields=["assigned_to", "updated_at"])
    RequestEvent.objects.create(
        request=service_request,
        kind=EventKind.ASSIGNED,
        text=assignee.get_username() if assignee else "",
        actor=actor,
        at=service_request.updated_at,
    )
    audit_record(
        actor=actor,
        action="service_requests.request.assigned",
        target=service_request,
        detail={"assignee": assignee.pk if assignee else None},
    )
    return service_request


@transaction.atomic
def request_note_add(*, service_request: ServiceRequest, text: str, actor) -> RequestEvent:
    """An internal note: staff only, never shown to the resident."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the note first."), code="text_required", field="text")
    event = RequestEvent.objects.create(
        request=service_request,
        kind=EventKind.NOTE,
        text=text[:4000],
        actor=actor,
        at=timezone.now(),
    )
    audit_record(actor=actor, action="service_requests.note.added", target=service_request)
    return event


@transaction.atomic
def request_message_send(*, service_request: ServiceRequest, text: str, actor) -> RequestEvent:
    """A message to the resident: shown on their tracking page and sent by e-mail and/or text
    (whichever contact they left, whether or not they asked for updates: staff chose to write)."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the message first."), code="text_required", field="text")
    service_request = _locked(service_request)
    contact = service_request.contact or {}
    if not (contact.get("email") or contact.get("phone")):
        raise DomainError(
            _("The resident left no e-mail address or phone number."),
            code="no_contact",
            field="text",
        )
    now = timezone.now()
    event = RequestEvent.objects.create(
        request=service_request, kind=EventKind.MESSAGE, text=text[:4000], actor=actor, at=now
    )
    service_request.updated_at = now
    service_request.save(update_fields=["updated_at"])
    with translation.override(service_request.language):
        subject = _("A message about your request (%(service)s)") % {
            "service": service_request.service.name
        }
        body = (
            text
            + "\n\n"
            + _("Your tracking page: %(url)s") % {"url": tracking_url(service_request)}
        )
    notify_contact(
        contact=contact,
        email=True,
        sms=not contact.get("email"),
        language=service_request.language,
        subject=subject,
        body=body,
        sms_body=f"{subject}: {text[:300]}",
        dedupe_key=f"sr:message:{event.pk}",
    )
    audit_record(actor=actor, action="service_requests.message.sent", target=service_request)
    return event


@transaction.atomic
def request_merge(*, duplicate: ServiceRequest, into: ServiceRequest, actor) -> ServiceRequest:
    """Close `duplicate` as a duplicate of `into` (see the module's rules)."""
    if duplicate.pk == into.pk:
        raise DomainError(
            _("A request cannot be a duplicate of itself."), code="merge_invalid", field="into"
        )
    # Lock both, in id order, so two merges of the same pair cannot deadlock.
    locked = {
        r.pk: r
        for r in ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("service")
        .filter(pk__in=[duplicate.pk, into.pk])
        .order_by("pk")
    }
    duplicate, into = locked[duplicate.pk], locked[into.pk]
    if into.merged_into_id is not None or duplicate.merged_into_id is not None:
        raise DomainError(
            _("One of these requests is already merged into another."),
            code="merge_invalid",
            field="into",
            conflict=True,
        )
    if duplicate.status == Status.CLOSED:
        raise DomainError(
            _("This request is already closed."),
            code="merge_invalid",
            field="into",
            conflict=True,
        )
    contact = duplicate.contact or {}
    if contact.get("email") or contact.get("phone"):
        RequestFollower.objects.create(request=into, contact=contact, language=duplicate.language)
    ServiceRequest.objects.filter(pk=into.pk).update(
        followers=F("followers") + 1 + duplicate.followers, updated_at=timezone.now()
    )
    RequestEvent.objects.create(
        request=into,
        kind=EventKind.MERGED,
        text=str(duplicate.public_id),
        actor=actor,
        at=timezone.now(),
    )
    duplicate.merged_into = into
    duplicate.save(update_fields=["merged_into"])
    with translation.override(duplicate.language):
        message = _("Someone reported the same problem before you; we follow it there.")
    request_transition(
        service_request=duplicate,
        to_status=Status.CLOSED,
        actor=actor,
        reason=CloseReason.DUPLICATE,
        message=str(message),
    )
    ServiceRequest.objects.filter(pk=duplicate.pk).update(merged_into=into)
    audit_record(
        actor=actor,
        action="service_requests.request.merged",
        target=into,
        detail={"duplicate": str(duplicate.public_id)},
    )
    duplicate.refresh_from_db()
    return duplicate


def request_bulk_close(
    *, requests: Iterable[ServiceRequest], reason: str, actor, message: str = ""
) -> int:
    """Close each request not already closed, all or none (one transaction). Returns how
    many were closed."""
    if reason not in CloseReason.values:
        raise DomainError(
            _("Say why the requests are closed."), code="close_reason_required", field="reason"
        )
    closed = 0
    with transaction.atomic():
        for service_request in requests:
            if service_request.status == Status.CLOSED:
                continue
            request_transition(
                service_request=service_request,
                to_status=Status.CLOSED,
                actor=actor,
                reason=reason,
                message=message,
            )
            closed += 1
    return closed


@transaction.atomic
def request_update(
    *,
    service_request: ServiceRequest,
    actor,
    status: str | None = None,
    reason: str = "",
    assignee=...,
    note: str = "",
    message: str = "",
    merge_into: ServiceRequest | None = None,
) -> ServiceRequest:
    """One submission of the staff page: any of a new status (with its reason), a new
    assignee (None: nobody; leave out to keep), an internal note, a message to the resident and
    a merge into another request, all applied or none. The message goes with the status change
    when there is one, else on its own."""
    if merge_into is not None:
        return request_merge(duplicate=service_request, into=merge_into, actor=actor)
    if assignee is not ... and assignee != service_request.assigned_to:
        service_request = request_assign(
            service_request=service_request, assignee=assignee, actor=actor
        )
    if note.strip():
        request_note_add(service_request=service_request, text=note, actor=actor)
    if status and status != service_request.status:
        service_request = request_transition(
            service_request=service_request,
            to_status=status,
            actor=actor,
            reason=reason,
            message=message,
        )
    elif message.strip():
        request_message_send(service_request=service_request, text=message, actor=actor)
    service_request.refresh_from_db()
    return service_request
