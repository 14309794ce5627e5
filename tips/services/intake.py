"""A tip comes in: the resident's text and files, saved whole or not at all, and the clean
copies of the files made after commit.

- A tip is saved whole or not at all: text, attachments (encrypted originals) and the
  investigators' notice owed commit together.
- Files are checked (kind, size, count) before any is stored; each is stored encrypted, and its
  clean copy (no EXIF, GPS or document metadata, tips/scrub.py) is made after commit by a Celery
  task (`attachment_scrub`), with a beat sweep (`attachment_sweep`) for any whose task was lost.
- The tipster gets a random tip number and a diceware passphrase (portal/passphrases.py), shown
  once; only a peppered Argon2id hash is kept.
- Urgent categories start at urgent priority.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal import handoff, passphrases
from portal.errors import DomainError, check_length
from tips import crypto, scrub, tasks
from tips.models import Tip, TipAttachment, TipCategory, rounded_now
from tips.services.common import file_times_to_hour, store_file

logger = logging.getLogger(__name__)

TEXT_LIMITS = {
    "what": 5000,
    "where": 500,
    "when": 300,
    "people": 2000,
    "vehicles": 1000,
    "contact": 300,
}


@dataclass(frozen=True)
class Submitted:
    tip: Tip
    passphrase: str


def attachments_add(
    *, tip: Tip, files: list[bytes], merged_from: Tip | None = None
) -> list[TipAttachment]:
    """Store `files` (encrypted) on `tip` and queue their cleaning after commit. All are checked
    before any is stored: one refused file refuses them all."""
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
        attachment.original.save("f.bin", store_file(data), save=False)
        file_times_to_hour(attachment.original, attachment.created_at)
        attachment.save()
        created.append(attachment)
        # "pending" is what the sweep looks for if the broker is down.
        handoff.after_commit(tasks.attachment_scrub_task, attachment.pk)
    return created


def _check_lengths(values: dict[str, str]) -> None:
    for field, limit in TEXT_LIMITS.items():
        check_length(values.get(field) or "", limit=limit, field=field)


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
    attachments_add(tip=tip, files=files or [])
    # The investigators' notice is work owed by this transaction: `notice_pending` records it in
    # the tip's own row, and after commit a task writes the outbox rows (tip_notify). If the
    # broker is down, the beat sweep (tip_notify_sweep) finds the tip and does it later.
    handoff.after_commit(tasks.tip_notify_task, tip.pk)
    return Submitted(tip=tip, passphrase=passphrase)


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
        except DomainError as refused:  # over a limit (a video too long): say which
            attachment.status = TipAttachment.Status.FAILED
            attachment.status_reason = _reason(refused)
            attachment.save(update_fields=["status", "status_reason"])
            return False
        except Exception:  # noqa: BLE001 - any failure: keep the evidence, flag it for staff
            logger.warning("An attachment could not be cleaned")
            attachment.status = TipAttachment.Status.FAILED
            attachment.status_reason = str(CLEANING_FAILED)
            attachment.save(update_fields=["status", "status_reason"])
            return False
        attachment.clean.save("f.bin", store_file(clean), save=False)
        file_times_to_hour(attachment.clean, attachment.created_at)
        attachment.clean_content_type = content_type
        attachment.status = TipAttachment.Status.CLEAN
        attachment.save(update_fields=["clean", "clean_content_type", "status"])
    return True


CLEANING_FAILED = gettext_lazy("The cleaning program could not read or convert the file.")


def _reason(error: DomainError) -> str:
    return " ".join(str(message) for message in error.messages)[:200]


def attachment_sweep(*, older_than_seconds: int = 120) -> int:
    """Clean the files whose task was lost (broker down at the time of the tip)."""
    cutoff = rounded_now() - timezone.timedelta(seconds=older_than_seconds)
    pending = TipAttachment.objects.filter(
        status=TipAttachment.Status.PENDING, created_at__lte=cutoff
    ).values_list("pk", flat=True)[:200]
    return sum(1 for pk in list(pending) if attachment_scrub(attachment_id=pk))
