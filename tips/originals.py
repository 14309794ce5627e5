"""The originals of tipsters' files (issue 13, finding 1): who may open them, and for how long
they are kept.

The tip form tells tipsters that investigators see a copy with hidden details removed, and that
the original is kept encrypted for a limited time for investigators with special permission.
These services keep that promise:

- Opening an original takes the permission "tips.view_original_attachment", which no role is
  granted by default (a site administrator gives it to named people), and a reason, recorded
  with the opening in the audit log ("tips.attachment.original_opened"). The rule holds at every
  door: the admin's download page calls `attachment_original_open`, and nothing else reads an
  original.
- An original is kept settings.TIPS_ORIGINAL_RETENTION_DAYS (default 90) after the tip came in,
  once a clean copy exists, then deleted by a beat task (`attachment_originals_purge`); the
  clean copy stays. An attachment that could not be cleaned keeps its original until staff deal
  with it, since it is then the only copy.

(These are services; they move to tips/services/attachments.py if tips/services.py becomes a
package.)
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.errors import DomainError
from portal.localtime import local_today
from portal.services.audit import audit_record
from portal.services.retention import early_purge_batch
from tips import crypto
from tips.models import TipAttachment

logger = logging.getLogger(__name__)

PERMISSION = "tips.view_original_attachment"
REASON_MIN = 10
REASON_MAX = 500


def original_may_open(*, actor) -> bool:
    return bool(actor is not None and actor.is_active and actor.has_perm(PERMISSION))


@transaction.atomic
def attachment_original_open(*, attachment: TipAttachment, actor, reason: str) -> bytes:
    """The decrypted original as the tipster sent it, for an investigator holding the special
    permission, with the reason recorded in the audit log in the same transaction."""
    if not original_may_open(actor=actor):
        raise DomainError(
            _("Opening the original of a file takes a special permission you do not have."),
            code="original_not_allowed",
        )
    reason = (reason or "").strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise DomainError(
            _("Say why you need the original (%(min)d to %(max)d characters).")
            % {"min": REASON_MIN, "max": REASON_MAX},
            code="original_reason",
            field="reason",
        )
    if not attachment.original:
        raise DomainError(
            _("The original of this file was deleted after the retention period."),
            code="original_purged",
            conflict=True,
        )
    with attachment.original.open("rb") as handle:
        data = crypto.decrypt_bytes(handle.read())
    audit_record(
        actor=actor,
        action="tips.attachment.original_opened",
        target=attachment.tip,
        detail={"attachment": attachment.pk, "reason": reason},
    )
    return data


def _retention_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(days=settings.TIPS_ORIGINAL_RETENTION_DAYS)


def attachment_originals_purge(*, now: datetime.datetime | None = None, batch: int = 200) -> int:
    """Delete the originals kept past the retention period whose clean copy exists. Idempotent:
    a purged attachment is not selected again. Returns how many were purged."""
    due = (
        TipAttachment.objects.filter(
            status=TipAttachment.Status.CLEAN,
            created_at__lt=_retention_cutoff(now),
            original_purged_on=None,
        )
        .exclude(original="")
        .exclude(clean="")
        .select_related("tip")
    )

    def purge(attachment: TipAttachment) -> None:
        name, storage = attachment.original.name, attachment.original.storage
        attachment.original = ""
        attachment.original_purged_on = local_today()
        attachment.save(update_fields=["original", "original_purged_on"])
        audit_record(
            actor=None,
            actor_label="retention",
            action="tips.attachment.original_purged",
            target=attachment.tip,
            detail={"attachment": attachment.pk, "days": settings.TIPS_ORIGINAL_RETENTION_DAYS},
        )
        # The file goes once the row no longer points at it; a failure leaves an encrypted
        # orphan behind (logged), never a row pointing at nothing.
        transaction.on_commit(lambda name=name, storage=storage: _delete_file(storage, name))

    # An original is evidence: a legal hold on its tip keeps it.
    return early_purge_batch(due, purge, hold_paths=("tip",), batch=batch)


def _delete_file(storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        logger.warning("An attachment original could not be deleted from storage")
