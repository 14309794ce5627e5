"""Staff work on a tip: triage (one service per submission of the change form or the API),
messages to the tipster, internal notes, links between tips, and reading what is encrypted.

- The status moves only along TRANSITIONS; closing needs an outcome.
- Only active members of the Tip investigators role may be given a tip
  (`selectors.tip_assignee_list`), whichever door the assignment comes through (admin form,
  admin action, API). A refused assignment refuses the whole submission: nothing changes.
- The first time staff move a tip out of "received", assign it or write to its tipster, the
  time of first triage is recorded.
- Every staff change and every decryption is audit-logged in the same transaction.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal.errors import DomainError
from portal.services.audit import audit_record
from tips import crypto, selectors
from tips.models import Tip, TipAttachment, TipCategory, TipMessage, TipNote
from tips.services.common import MESSAGE_LIMIT, mark_triaged, survivor
from tips.services.merge import tip_merge

TRANSITIONS = {
    Tip.Status.RECEIVED: {Tip.Status.REVIEWING, Tip.Status.CLOSED},
    Tip.Status.REVIEWING: {Tip.Status.REWARD_ELIGIBLE, Tip.Status.CLOSED, Tip.Status.RECEIVED},
    Tip.Status.REWARD_ELIGIBLE: {Tip.Status.REVIEWING, Tip.Status.CLOSED},
    Tip.Status.CLOSED: {Tip.Status.REVIEWING},
}


def tip_decrypted_view(*, tip: Tip, actor, channel: str) -> None:
    """Record that `actor` read the decrypted tip (admin or API)."""
    audit_record(actor=actor, action="tips.tip.decrypted", target=tip, detail={"via": channel})


def _check_assignee(user) -> None:
    if not selectors.tip_assignee_list().filter(pk=user.pk).exists():
        raise DomainError(
            gettext_lazy("A tip can be given only to an active tip investigator."),
            code="not_investigator",
            field="assigned_to",
        )


def _fields_update(
    tip: Tip,
    *,
    actor,
    status: str | None,
    priority: int | None,
    assigned_to,
    unassign: bool,
    neighborhood,
    category: TipCategory | None,
    outcome: str | None,
) -> Tip:
    tip = Tip.objects.select_for_update().get(pk=tip.pk)
    changed: dict[str, list] = {}

    def set_field(name, value):
        old = getattr(tip, name)
        if old != value:
            changed[name] = [str(getattr(old, "pk", old)), str(getattr(value, "pk", value))]
            setattr(tip, name, value)

    if status is not None and status != tip.status:
        if status not in TRANSITIONS.get(tip.status, set()):
            raise DomainError(
                gettext_lazy("A tip cannot go from %(old)s to %(new)s.")
                % {
                    "old": Tip.Status(tip.status).label,
                    "new": Tip.Status(status).label,
                },
                code="bad_transition",
                field="status",
                conflict=True,
            )
        if status == Tip.Status.CLOSED and not (outcome or tip.outcome):
            raise DomainError(
                gettext_lazy("Choose an outcome to close the tip."),
                code="outcome_required",
                field="outcome",
            )
        set_field("status", status)
        tip.closed_at = timezone.now() if status == Tip.Status.CLOSED else None
        mark_triaged(tip)
    if outcome is not None:
        set_field("outcome", outcome)
    if priority is not None:
        set_field("priority", int(priority))
    if category is not None:
        set_field("category", category)
    if neighborhood is not None:
        set_field("neighborhood", neighborhood)
    if assigned_to is not None:
        if assigned_to.pk != tip.assigned_to_id:
            _check_assignee(assigned_to)
        set_field("assigned_to", assigned_to)
        mark_triaged(tip)
    elif unassign:
        set_field("assigned_to", None)
    if changed:
        tip.full_clean()
        tip.save()
        audit_record(actor=actor, action="tips.tip.changed", target=tip, detail=changed)
    return tip


@transaction.atomic
def tip_triage(
    *,
    tip: Tip,
    actor,
    status: str | None = None,
    priority: int | None = None,
    outcome: str | None = None,
    category: TipCategory | None = None,
    neighborhood=None,
    assigned_to=None,
    unassign: bool = False,
    message: str = "",
    note: str = "",
    merge_into: Tip | None = None,
    link_with: Tip | None = None,
) -> Tip:
    """Apply one submission of the triage form (admin) or of PATCH /api/v1/tips/<number>/: the
    tip's own fields, then a message to the tipster, an internal note, a merge and a link, each
    only when given. All or nothing: any refusal leaves the tip as it was. `None` (and an empty
    text) means "leave as it is"; `unassign=True` takes the tip from whoever has it."""
    tip = _fields_update(
        tip,
        actor=actor,
        status=status,
        priority=priority,
        assigned_to=assigned_to,
        unassign=unassign,
        neighborhood=neighborhood,
        category=category,
        outcome=outcome,
    )
    if (message or "").strip():
        tip_message_send(tip=tip, actor=actor, body=message)
    if (note or "").strip():
        tip_note_add(tip=tip, actor=actor, body=note)
    if merge_into is not None:
        tip_merge(duplicate=tip, into=merge_into, actor=actor)
    if link_with is not None:
        tip_link(tip=tip, other=link_with, actor=actor)
    tip.refresh_from_db()
    return tip


@transaction.atomic
def tip_message_send(*, tip: Tip, actor, body: str) -> TipMessage:
    body = (body or "").strip()
    if not body:
        raise DomainError(gettext_lazy("Write a message."), code="empty_message", field="body")
    own = Tip.objects.select_for_update().get(pk=tip.pk)
    # To a merged tip's tipster: filed under the surviving tip with the rest of the case.
    kept = survivor(own)
    message = TipMessage.objects.create(
        tip=kept,
        direction=TipMessage.Direction.INVESTIGATOR,
        body=body[:MESSAGE_LIMIT],
        author=actor,
        merged_from=own if kept.pk != own.pk else None,
    )
    mark_triaged(own)
    if own.status == Tip.Status.RECEIVED:
        own.status = Tip.Status.REVIEWING
    own.save(update_fields=["first_triaged_at", "status"])
    audit_record(actor=actor, action="tips.message.sent", target=own)
    return message


@transaction.atomic
def tip_note_add(*, tip: Tip, actor, body: str) -> TipNote:
    body = (body or "").strip()
    if not body:
        raise DomainError(gettext_lazy("Write a note."), code="empty_note", field="body")
    note = TipNote.objects.create(tip=tip, author=actor, body=body)
    audit_record(actor=actor, action="tips.note.added", target=tip)
    return note


@transaction.atomic
def tip_link(*, tip: Tip, other: Tip, actor) -> None:
    if tip.pk == other.pk:
        return
    tip.related.add(other)
    audit_record(actor=actor, action="tips.tip.linked", target=tip, detail={"with": other.number})


def attachment_read(*, attachment: TipAttachment, actor) -> bytes:
    """The decrypted clean copy, audit-logged. (The original: tips.originals, with a reason.)"""
    if not attachment.clean:
        raise DomainError(gettext_lazy("This file is still being cleaned."), code="not_ready")
    with attachment.clean.open("rb") as handle:
        data = crypto.decrypt_bytes(handle.read())
    audit_record(
        actor=actor,
        action="tips.attachment.viewed",
        target=attachment.tip,
        detail={"attachment": attachment.pk},
    )
    return data
