"""The tip line's rules (issue 4).

- A tip is saved whole or not at all: text, attachments (encrypted originals) and the
  investigators' notice commit together; cleaning the files happens after commit in a Celery
  task (`attachment_scrub`), with a beat sweep for any that were not handed over.
- The tipster gets a random tip number and a diceware passphrase (tips/passphrases.py), shown
  once; only a peppered Argon2id hash is kept.
- Investigators on duty for the category are told a tip arrived through the outbox, with the
  number, category, priority and a link only: never anything the tipster wrote. The tip row
  records that the notice is owed (`notice_pending`, in the tip's transaction); a task writes
  the outbox rows after commit, and a beat sweep catches any whose task was lost.
- Urgent categories start at urgent priority. The first time staff move a tip out of
  "received" (or assign it), the time of first triage is recorded.
- Every staff change and every decryption is audit-logged in the same transaction.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import roles
from portal.errors import DomainError
from portal.services.audit import audit_record
from portal.services.notifications import notification_enqueue
from tips import crypto, passphrases, privacy, scrub
from tips.models import Tip, TipAttachment, TipCategory, TipMessage, TipNote, rounded_now

TEXT_LIMITS = {
    "what": 5000,
    "where": 500,
    "when": 300,
    "people": 2000,
    "vehicles": 1000,
    "contact": 300,
}
MESSAGE_LIMIT = 5000

TRANSITIONS = {
    Tip.Status.RECEIVED: {Tip.Status.REVIEWING, Tip.Status.CLOSED},
    Tip.Status.REVIEWING: {Tip.Status.REWARD_ELIGIBLE, Tip.Status.CLOSED, Tip.Status.RECEIVED},
    Tip.Status.REWARD_ELIGIBLE: {Tip.Status.REVIEWING, Tip.Status.CLOSED},
    Tip.Status.CLOSED: {Tip.Status.REVIEWING},
}


@dataclass(frozen=True)
class Submitted:
    tip: Tip
    passphrase: str


def _store_file(data: bytes) -> ContentFile:
    return ContentFile(crypto.encrypt_bytes(data), name="f.bin")


def _attachments_add(
    *, tip: Tip, files: list[bytes], merged_from: Tip | None = None
) -> list[TipAttachment]:
    if len(files) > scrub.MAX_FILES:
        raise DomainError(
            gettext_lazy("Send %(count)d files at most.") % {"count": scrub.MAX_FILES},
            code="too_many_files",
            field="attachments",
        )
    if sum(len(data) for data in files) > scrub.MAX_TOTAL:
        raise DomainError(
            gettext_lazy("The files together are too large."),
            code="files_too_large",
            field="attachments",
        )
    checked = [scrub.check_file(data) for data in files]  # refuse all before storing any
    created = []
    for data, info in zip(files, checked, strict=True):
        attachment = TipAttachment(
            tip=tip,
            kind=info.kind,
            content_type=info.content_type,
            size=info.size,
            merged_from=merged_from,
        )
        attachment.original.save("f.bin", _store_file(data), save=False)
        attachment.save()
        created.append(attachment)
        transaction.on_commit(lambda pk=attachment.pk: _dispatch_scrub(attachment_id=pk))
    return created


def _dispatch_scrub(*, attachment_id: int) -> None:
    from tips.tasks import attachment_scrub_task

    try:
        attachment_scrub_task.delay(attachment_id)
    except Exception:  # noqa: BLE001 - broker down: the beat sweep picks the file up later
        import logging

        logging.getLogger(__name__).warning("Attachment %s left for the sweep", attachment_id)


def _check_lengths(values: dict[str, str]) -> None:
    for field, limit in TEXT_LIMITS.items():
        if len(values.get(field) or "") > limit:
            raise DomainError(
                gettext_lazy("Please keep this under %(limit)d characters.") % {"limit": limit},
                code="too_long",
                field=field,
            )


def _investigators_for(category: TipCategory):
    users = list(category.on_duty.filter(is_active=True).exclude(email=""))
    if users:
        return users
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.TIP_INVESTIGATORS)
        .exclude(email="")
        .distinct()
    )


def _notify_investigators(tip: Tip) -> None:
    link = settings.PORTAL_BASE_URL.rstrip("/") + reverse("admin:tips_tip_change", args=[tip.pk])
    for user in _investigators_for(tip.category):
        with translation.override("en"):
            subject = _("New tip %(number)s (%(priority)s)") % {
                "number": tip.number,
                "priority": tip.get_priority_display(),
            }
            body = _(
                "A new tip has arrived.\n\nNumber: %(number)s\nCategory: %(category)s\n"
                "Priority: %(priority)s\n\nOpen it in the portal (sign-in needed):\n%(link)s\n"
            ) % {
                "number": tip.number,
                "category": tip.category.name_en or tip.category.name,
                "priority": tip.get_priority_display(),
                "link": link,
            }
        notification_enqueue(
            channel="email",
            recipient=user.email,
            subject=subject,
            body=body,
            language="en",
            dedupe_key=f"tips:new:{tip.pk}:{user.pk}",
        )


@transaction.atomic
def tip_submit(
    *,
    category: TipCategory,
    what: str,
    where: str = "",
    when: str = "",
    people: str = "",
    vehicles: str = "",
    contact: str = "",
    neighborhood=None,
    files: list[bytes] | None = None,
    language: str = "en",
) -> Submitted:
    values = {
        "what": (what or "").strip(),
        "where": (where or "").strip(),
        "when": (when or "").strip(),
        "people": (people or "").strip(),
        "vehicles": (vehicles or "").strip(),
        "contact": (contact or "").strip(),
    }
    if not values["what"]:
        raise DomainError(
            gettext_lazy("Tell us what happened."), code="what_required", field="what"
        )
    if not category.is_active:
        raise DomainError(
            gettext_lazy("Choose one of the categories."), code="category", field="category"
        )
    _check_lengths(values)
    language = language if language in dict(settings.LANGUAGES) else "en"
    passphrase = passphrases.passphrase_generate(language=language)
    tip = Tip(
        category=category,
        neighborhood=neighborhood,
        language=language,
        priority=Tip.Priority.URGENT if category.urgent else Tip.Priority.NORMAL,
        passphrase_hash=passphrases.passphrase_hash(passphrase),
        notice_pending=True,
        **values,
    )
    # The category and neighborhood are instances the form already read, and the number's
    # uniqueness is the database's unique constraint (a clash among 30**10 random numbers is
    # vanishingly rare, and would roll the whole tip back): no queries to check them again.
    tip.full_clean(exclude=["category", "neighborhood"], validate_unique=False)
    tip.save(force_insert=True)
    _attachments_add(tip=tip, files=files or [])
    # The investigators' notice is work owed by this transaction: `notice_pending` records it in
    # the tip's own row, and after commit a task writes the outbox rows (tip_notify). If the
    # broker is down, the beat sweep (tip_notify_sweep) finds the tip and does it later.
    transaction.on_commit(lambda: _dispatch_notice(tip_id=tip.pk))
    return Submitted(tip=tip, passphrase=passphrase)


def _dispatch_notice(*, tip_id: int) -> None:
    from tips.tasks import tip_notify_task

    try:
        tip_notify_task.delay(tip_id)
    except Exception:  # noqa: BLE001 - broker down: the beat sweep sends the notice later
        import logging

        logging.getLogger(__name__).warning("Notice for tip %s left for the sweep", tip_id)


@transaction.atomic
def tip_notify(*, tip_id: int) -> bool:
    """Queue the new-tip notice for the investigators on duty (outbox rows), once: the tip row is
    locked, the notice written and `notice_pending` cleared in one transaction, and the outbox's
    dedupe keys make even a repeat harmless. False when there was nothing (left) to do."""
    tip = (
        Tip.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("category")
        .filter(pk=tip_id, notice_pending=True)
        .first()
    )
    if tip is None:
        return False
    _notify_investigators(tip)
    tip.notice_pending = False
    tip.save(update_fields=["notice_pending"])
    return True


def tip_notify_sweep() -> int:
    """Send the notices whose task was lost (broker down at the time of the tip)."""
    pending = Tip.objects.filter(notice_pending=True).values_list("pk", flat=True)[:200]
    return sum(1 for pk in list(pending) if tip_notify(tip_id=pk))


def tip_authenticate(*, number: str, passphrase: str) -> Tip:
    """The tip for number + passphrase, or one DomainError whatever went wrong (unknown number,
    wrong passphrase, locked): the answer never tells whether a number exists."""
    from tips.models import normalize_tip_number

    number = normalize_tip_number(number)
    refused = DomainError(
        gettext_lazy(
            "That tip number and passphrase do not match, or this number is paused for a while "
            "after too many tries. Check what you wrote down and try again later."
        ),
        code="check_refused",
    )
    if not number or privacy.lockout_active(number):
        passphrases.passphrase_verify(None, passphrase)  # the same work as a real check
        raise refused
    tip = Tip.objects.select_related("category").filter(number=number).first()
    if not passphrases.passphrase_verify(tip.passphrase_hash if tip else None, passphrase):
        privacy.lockout_fail(number)
        raise refused
    privacy.lockout_clear(number)
    if passphrases.passphrase_needs_rehash(tip.passphrase_hash):
        # Made with older Argon2id parameters: store today's while the passphrase is at hand.
        tip.passphrase_hash = passphrases.passphrase_hash(passphrase)
        Tip.objects.filter(pk=tip.pk).update(passphrase_hash=tip.passphrase_hash)
    return tip


@transaction.atomic
def tipster_reply(*, tip: Tip, body: str = "", files: list[bytes] | None = None) -> None:
    body = (body or "").strip()
    if not body and not files:
        raise DomainError(
            gettext_lazy("Write a message or add a file."), code="empty_reply", field="body"
        )
    if len(body) > MESSAGE_LIMIT:
        raise DomainError(
            gettext_lazy("Please keep this under %(limit)d characters.") % {"limit": MESSAGE_LIMIT},
            code="too_long",
            field="body",
        )
    own = Tip.objects.select_for_update().get(pk=tip.pk)
    # A merged tip's tipster writes on: it is filed under the surviving tip, marked as theirs.
    tip = _survivor(own)
    merged_from = own if tip.pk != own.pk else None
    if tip.status == Tip.Status.CLOSED:
        raise DomainError(
            gettext_lazy("This tip is closed. To tell us something new, give a new tip."),
            code="tip_closed",
        )
    if body:
        TipMessage.objects.create(
            tip=tip, direction=TipMessage.Direction.TIPSTER, body=body, merged_from=merged_from
        )
    _attachments_add(tip=tip, files=files or [], merged_from=merged_from)
    if tip.assigned_to and tip.assigned_to.email:
        notification_enqueue(
            channel="email",
            recipient=tip.assigned_to.email,
            subject=f"Tip {tip.number}: the tipster wrote back",
            body=(
                f"The tipster added to tip {tip.number}.\n\n"
                + settings.PORTAL_BASE_URL.rstrip("/")
                + reverse("admin:tips_tip_change", args=[tip.pk])
                + "\n"
            ),
            language="en",
        )


def _survivor(tip: Tip) -> Tip:
    """The tip `tip` was merged into, following earlier merges; `tip` itself if never merged.
    The survivor is locked: messages are filed under it."""
    seen = {tip.pk}
    while tip.duplicate_of_id and tip.duplicate_of_id not in seen:
        seen.add(tip.duplicate_of_id)
        tip = Tip.objects.select_for_update().get(pk=tip.duplicate_of_id)
    return tip


# --- Staff ---------------------------------------------------------------------------------------


def tip_decrypted_view(*, tip: Tip, actor, channel: str) -> None:
    """Record that `actor` read the decrypted tip (admin or API)."""
    audit_record(actor=actor, action="tips.tip.decrypt", target=tip, detail={"via": channel})


def _mark_triaged(tip: Tip) -> None:
    if tip.first_triaged_at is None:
        tip.first_triaged_at = timezone.now()


@transaction.atomic
def tip_update(
    *,
    tip: Tip,
    actor,
    status: str | None = None,
    priority: int | None = None,
    assigned_to=None,
    unassign: bool = False,
    neighborhood=None,
    category: TipCategory | None = None,
    outcome: str | None = None,
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
            )
        if status == Tip.Status.CLOSED and not (outcome or tip.outcome):
            raise DomainError(
                gettext_lazy("Choose an outcome to close the tip."),
                code="outcome_required",
                field="outcome",
            )
        set_field("status", status)
        if status == Tip.Status.CLOSED:
            tip.closed_at = timezone.now()
        else:
            tip.closed_at = None
        _mark_triaged(tip)
    if outcome is not None:
        set_field("outcome", outcome)
    if priority is not None:
        set_field("priority", int(priority))
    if category is not None:
        set_field("category", category)
    if neighborhood is not None:
        set_field("neighborhood", neighborhood)
    if assigned_to is not None:
        set_field("assigned_to", assigned_to)
        _mark_triaged(tip)
    elif unassign:
        set_field("assigned_to", None)
    if changed:
        tip.full_clean()
        tip.save()
        audit_record(actor=actor, action="tips.tip.changed", target=tip, detail=changed)
    return tip


@transaction.atomic
def tip_message_send(*, tip: Tip, actor, body: str) -> TipMessage:
    body = (body or "").strip()
    if not body:
        raise DomainError(gettext_lazy("Write a message."), code="empty_message", field="body")
    own = Tip.objects.select_for_update().get(pk=tip.pk)
    # To a merged tip's tipster: filed under the surviving tip with the rest of the case.
    survivor = _survivor(own)
    message = TipMessage.objects.create(
        tip=survivor,
        direction=TipMessage.Direction.INVESTIGATOR,
        body=body[:MESSAGE_LIMIT],
        author=actor,
        merged_from=own if survivor.pk != own.pk else None,
    )
    tip = own
    _mark_triaged(tip)
    if tip.status == Tip.Status.RECEIVED:
        tip.status = Tip.Status.REVIEWING
    tip.save(update_fields=["first_triaged_at", "status"])
    audit_record(actor=actor, action="tips.message.send", target=tip)
    return message


@transaction.atomic
def tip_note_add(*, tip: Tip, actor, body: str) -> TipNote:
    body = (body or "").strip()
    if not body:
        raise DomainError(gettext_lazy("Write a note."), code="empty_note", field="body")
    note = TipNote.objects.create(tip=tip, author=actor, body=body)
    audit_record(actor=actor, action="tips.note.add", target=tip)
    return note


def _merge_rows(model, *, duplicate: Tip, into: Tip) -> int:
    rows = model.objects.filter(tip=duplicate)
    # The duplicate's own rows remember it; rows it had from an earlier merge keep their origin.
    rows.filter(merged_from__isnull=True).update(merged_from=duplicate)
    return rows.update(tip=into)


@transaction.atomic
def tip_merge(*, duplicate: Tip, into: Tip, actor) -> Tip:
    """Close `duplicate` as a duplicate of `into` (or of the tip `into` was itself merged into)
    and move its messages, attachments and notes there, in one transaction, audit-logged on both
    tips. Moved rows keep `merged_from`, so each tipster still reads only their own thread under
    their own number, and learns that the tip was merged, not where to."""
    survivor_pk = into.pk
    for _hop in range(20):  # follow earlier merges (as stored now) to the tip that survives
        onward = Tip.objects.filter(pk=survivor_pk).values_list("duplicate_of", flat=True).first()
        if not onward:
            break
        survivor_pk = onward
    locked = {
        t.pk: t
        for t in Tip.objects.select_for_update()
        .filter(pk__in=[duplicate.pk, survivor_pk])
        .order_by("pk")
    }
    duplicate, into = locked[duplicate.pk], locked[survivor_pk]
    if duplicate.pk == into.pk:
        raise DomainError(gettext_lazy("A tip cannot be merged into itself."), code="self_merge")
    if duplicate.duplicate_of_id:
        raise DomainError(
            gettext_lazy("This tip was already merged into another one."), code="already_merged"
        )
    if into.duplicate_of_id:  # merged elsewhere meanwhile
        raise DomainError(
            gettext_lazy("That tip was just merged into another one. Try again."),
            code="merge_moved",
        )
    moved = {
        "messages": _merge_rows(TipMessage, duplicate=duplicate, into=into),
        "attachments": _merge_rows(TipAttachment, duplicate=duplicate, into=into),
        "notes": _merge_rows(TipNote, duplicate=duplicate, into=into),
    }
    # Tips merged into the duplicate before now point at the survivor.
    moved["tips"] = Tip.objects.filter(duplicate_of=duplicate).update(duplicate_of=into)
    duplicate.duplicate_of = into
    duplicate.status = Tip.Status.CLOSED
    duplicate.outcome = Tip.Outcome.DUPLICATE
    duplicate.closed_at = timezone.now()
    _mark_triaged(duplicate)
    duplicate.save()
    duplicate.related.add(into)
    audit_record(
        actor=actor,
        action="tips.tip.merge",
        target=duplicate,
        detail={"into": into.number, **moved},
    )
    audit_record(
        actor=actor,
        action="tips.tip.merged_in",
        target=into,
        detail={"from": duplicate.number, **moved},
    )
    return into


@transaction.atomic
def tip_link(*, tip: Tip, other: Tip, actor) -> None:
    if tip.pk == other.pk:
        return
    tip.related.add(other)
    audit_record(actor=actor, action="tips.tip.link", target=tip, detail={"with": other.number})


# --- Attachments ---------------------------------------------------------------------------------


def attachment_scrub(*, attachment_id: int) -> bool:
    """Make the clean copy of one attachment. Idempotent: a clean attachment is left alone."""
    with transaction.atomic():
        attachment = (
            TipAttachment.objects.select_for_update(skip_locked=True)
            .filter(pk=attachment_id, status=TipAttachment.Status.PENDING)
            .first()
        )
        if attachment is None:
            return False
        with attachment.original.open("rb") as handle:
            data = crypto.decrypt_bytes(handle.read())
        try:
            clean, content_type = scrub.scrub(attachment.kind, data)
        except Exception:  # noqa: BLE001 - any failure: keep the evidence, flag it for staff
            import logging

            logging.getLogger(__name__).warning("Attachment %s could not be cleaned", attachment.pk)
            attachment.status = TipAttachment.Status.FAILED
            attachment.save(update_fields=["status"])
            return False
        attachment.clean.save("f.bin", _store_file(clean), save=False)
        attachment.clean_content_type = content_type
        attachment.status = TipAttachment.Status.CLEAN
        attachment.save(update_fields=["clean", "clean_content_type", "status"])
    return True


def attachment_sweep(*, older_than_seconds: int = 120) -> int:
    cutoff = rounded_now() - timezone.timedelta(seconds=older_than_seconds)
    pending = TipAttachment.objects.filter(
        status=TipAttachment.Status.PENDING, created_at__lte=cutoff
    ).values_list("pk", flat=True)[:200]
    count = 0
    for pk in pending:
        if attachment_scrub(attachment_id=pk):
            count += 1
    return count


def attachment_read(*, attachment: TipAttachment, actor) -> bytes:
    """The decrypted clean copy, audit-logged. (The original: tips.originals.)"""
    if not attachment.clean:
        raise DomainError(gettext_lazy("This file is still being cleaned."), code="not_ready")
    with attachment.clean.open("rb") as handle:
        data = crypto.decrypt_bytes(handle.read())
    audit_record(
        actor=actor,
        action="tips.attachment.view",
        target=attachment.tip,
        detail={"attachment": attachment.pk},
    )
    return data
