"""A complaint or a commendation comes in, online or entered by staff from the front desk or a
letter: the same form, the same service.

Rules:
- Saved whole or not at all: the case, the officers concerned, witnesses, files (encrypted
  originals) and the notice owed to internal affairs commit together; a refusal leaves nothing.
- Named: the complainant's name is required; on behalf of someone: the filer's name and who the
  person is. Anonymous: no name or contact details may be given (the form says so rather than
  keeping them); the case keeps no time finer than the hour (rows, tokens, files), and
  nothing names the request (portal/anonymity.py strips the address, agent and referrer).
- Who: for each officer, a name or badge number, a description, or "I don't know" with when
  and where it happened. A badge number that matches an officer of the department links the
  case to that officer; anything else is left for internal affairs to identify.
- What happened is required; every text has a length limit (complaints/policy.py).
- Files: photos, PDFs and videos, checked by their content (portal/scrub.py) before any is
  stored; the clean copy (no EXIF, GPS or document metadata) is made after commit by a Celery
  task with a beat sweep behind it.
- The resident gets a random tracking code and a diceware passphrase (portal/passphrases.py),
  shown once; only a peppered Argon2id hash is kept.
- Staff entry (channel front desk, mail, phone) takes the permission "enter_complaint"
  (Internal affairs has it) and is audited; for an anonymous one the entry is not linked to
  the case, so the audit log does not date it to the second.
"""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from complaints import crypto, policy, tasks
from complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintOfficer,
    Witness,
    month_start,
)
from complaints.services.common import store_file
from portal import handoff, passphrases
from portal import scrub as kernel_scrub
from portal.anonymity import file_times_to_hour, rounded_now
from portal.errors import DomainError, check_length
from portal.localtime import department_zone
from portal.models import Officer
from portal.services.audit import audit_record

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OfficerGiven:
    """What the resident could say about one officer."""

    name: str = ""  # a name or a badge number
    description: str = ""
    unknown: bool = False
    seen_when: str = ""
    seen_where: str = ""

    def is_empty(self) -> bool:
        return not (self.name or self.description or self.unknown)


@dataclass(frozen=True)
class WitnessGiven:
    name: str = ""
    contact: str = ""
    account: str = ""

    def is_empty(self) -> bool:
        return not (self.name or self.contact or self.account)


@dataclass(frozen=True)
class Submitted:
    complaint: Complaint
    passphrase: str
    files: int = 0
    warnings: list = field(default_factory=list)


def _check_length(field_name: str, value: str, limit_key: str | None = None) -> str:
    value = (value or "").strip()
    check_length(value, limit=policy.TEXT_LIMITS[limit_key or field_name], field=field_name)
    return value


def attachments_add(*, complaint: Complaint, files: list[bytes]) -> list[ComplaintAttachment]:
    """Store `files` (encrypted) on `complaint` and queue their cleaning after commit. All are
    checked before any is stored: one refused file refuses them all."""
    if len(files) > policy.MAX_FILES:
        raise DomainError(
            gettext_lazy("Send %(count)d files at most.") % {"count": policy.MAX_FILES},
            code="too_many_files",
            field="attachments",
        )
    if sum(len(data) for data in files) > policy.MAX_TOTAL:
        raise DomainError(
            gettext_lazy("The files together are too large."),
            code="files_too_large",
            field="attachments",
        )
    checked = [
        kernel_scrub.check_file(data, limits=policy.FILE_LIMITS, field="attachments")
        for data in files
    ]
    created = []
    for data, info in zip(files, checked, strict=True):
        attachment = ComplaintAttachment(
            complaint=complaint, kind=info.kind, content_type=info.content_type, size=info.size
        )
        attachment.original.save("f.bin", store_file(data), save=False)
        file_times_to_hour(attachment.original, attachment.created_at)
        attachment.save()
        created.append(attachment)
        handoff.after_commit(tasks.attachment_scrub_task, attachment.pk)
    return created


def _officers(given: list[OfficerGiven], kind: str) -> list[OfficerGiven]:
    cleaned = []
    for index, item in enumerate(given):
        prefix = f"officer_{index}_" if index else "officer_"
        item = OfficerGiven(
            name=_check_length(f"{prefix}name", item.name, "officer_name"),
            description=_check_length(
                f"{prefix}description", item.description, "officer_description"
            ),
            unknown=bool(item.unknown),
            seen_when=_check_length(f"{prefix}seen_when", item.seen_when, "officer_seen_when"),
            seen_where=_check_length(f"{prefix}seen_where", item.seen_where, "officer_seen_where"),
        )
        if item.is_empty():
            continue
        if item.unknown and not (item.seen_when and item.seen_where):
            raise DomainError(
                gettext_lazy(
                    "If you do not know who the officer was, tell us when and where you met "
                    "them, so we can find out."
                ),
                code="officer_when_where",
                field=f"{prefix}seen_when" if not item.seen_when else f"{prefix}seen_where",
            )
        cleaned.append(item)
    if not cleaned:
        raise DomainError(
            gettext_lazy(
                "Tell us who the officer was: a name or badge number, a description, or tick "
                "“I don't know” and say when and where."
            ),
            code="officer_required",
            field="officer_name",
        )
    return cleaned


def _badge_match(text: str) -> Officer | None:
    candidate = "".join(ch for ch in text if ch.isalnum()).upper()
    if not candidate or len(candidate) > 20:
        return None
    for officer in Officer.objects.exclude(badge_number="").filter(badge_number__iexact=candidate)[
        :2
    ]:
        return officer
    return None


@transaction.atomic
def complaint_submit(
    *,
    kind: str,
    filing: str,
    what: str,
    where: str = "",
    when: str = "",
    neighborhood=None,
    complainant_name: str = "",
    complainant_email: str = "",
    complainant_phone: str = "",
    complainant_address: str = "",
    on_behalf_of: str = "",
    officers: list[OfficerGiven] | None = None,
    witnesses: list[WitnessGiven] | None = None,
    files: list[bytes] | None = None,
    language: str = "en",
    channel: str = Complaint.Channel.ONLINE,
    entered_by=None,
) -> Submitted:
    if kind not in Complaint.Kind.values:
        raise DomainError(
            gettext_lazy("Choose a complaint or a commendation."), code="kind", field="kind"
        )
    if filing not in Complaint.Filing.values:
        raise DomainError(
            gettext_lazy(
                "Choose how you want to send it: in your name, anonymously, or for someone else."
            ),
            code="filing",
            field="filing",
        )
    if channel not in Complaint.Channel.values:
        raise DomainError(gettext_lazy("Choose how it was received."), code="channel")
    if channel != Complaint.Channel.ONLINE and not (
        entered_by is not None and entered_by.has_perm("complaints.enter_complaint")
    ):
        raise DomainError(
            gettext_lazy("Only staff who take complaints may enter one from the desk or mail."),
            code="not_allowed",
        )
    values = {
        "what": _check_length("what", what),
        "where": _check_length("where", where),
        "when": _check_length("when", when),
        "complainant_name": _check_length("complainant_name", complainant_name),
        "complainant_email": _check_length("complainant_email", complainant_email),
        "complainant_phone": _check_length("complainant_phone", complainant_phone),
        "complainant_address": _check_length("complainant_address", complainant_address),
        "on_behalf_of": _check_length("on_behalf_of", on_behalf_of),
    }
    if not values["what"]:
        raise DomainError(
            gettext_lazy("Tell us what happened."), code="what_required", field="what"
        )
    identity = [
        values[name]
        for name in (
            "complainant_name",
            "complainant_email",
            "complainant_phone",
            "complainant_address",
            "on_behalf_of",
        )
    ]
    if filing == Complaint.Filing.ANONYMOUS and any(identity):
        raise DomainError(
            gettext_lazy(
                "You chose to stay anonymous: leave your name and contact details empty, or "
                "choose to send it in your name."
            ),
            code="anonymous_with_identity",
            field="complainant_name",
        )
    if filing != Complaint.Filing.ANONYMOUS and not values["complainant_name"]:
        raise DomainError(
            gettext_lazy("Give your name, or choose to stay anonymous."),
            code="name_required",
            field="complainant_name",
        )
    if filing == Complaint.Filing.ON_BEHALF and not values["on_behalf_of"]:
        raise DomainError(
            gettext_lazy("Tell us who you are writing for, and how you know them."),
            code="on_behalf_required",
            field="on_behalf_of",
        )
    if values["complainant_email"]:
        try:
            validate_email(values["complainant_email"])
        except ValidationError:
            raise DomainError(
                gettext_lazy("Enter an e-mail address like name@example.com."),
                code="email",
                field="complainant_email",
            ) from None
    officer_items = _officers(officers or [], kind)
    witness_items = []
    for index, item in enumerate(witnesses or []):
        item = WitnessGiven(
            name=_check_length(f"witness_{index}_name", item.name, "witness_name"),
            contact=_check_length(f"witness_{index}_contact", item.contact, "witness_contact"),
            account=_check_length(f"witness_{index}_account", item.account, "witness_account"),
        )
        if not item.is_empty():
            witness_items.append(item)
    if len(witness_items) > policy.MAX_WITNESSES:
        raise DomainError(
            gettext_lazy("Name %(count)d witnesses at most here; add more later.")
            % {"count": policy.MAX_WITNESSES},
            code="too_many_witnesses",
        )

    language = language if language in ("en", "es") else "en"
    passphrase = passphrases.passphrase_generate(language=language)
    received_at = rounded_now()
    complaint = Complaint(
        kind=kind,
        filing=filing,
        channel=channel,
        language=language,
        neighborhood=neighborhood,
        passphrase_hash=passphrases.passphrase_hash(passphrase),
        received_at=received_at,
        received_month=month_start(received_at.astimezone(department_zone()).date()),
        entered_by=entered_by if filing != Complaint.Filing.ANONYMOUS else None,
        notice_pending=True,
        **values,
    )
    complaint.full_clean(exclude=["neighborhood", "entered_by"], validate_unique=False)
    complaint.save(force_insert=True)
    for item in officer_items:
        ComplaintOfficer.objects.create(
            complaint=complaint,
            officer=_badge_match(item.name) if item.name else None,
            name_given=item.name,
            description=item.description,
            unknown=item.unknown,
            seen_when=item.seen_when,
            seen_where=item.seen_where,
        )
    Witness.objects.bulk_create(
        [
            Witness(complaint=complaint, name=w.name, contact=w.contact, account=w.account)
            for w in witness_items
        ]
    )
    stored = attachments_add(complaint=complaint, files=files or [])
    if entered_by is not None:
        audit_record(
            actor=entered_by,
            action="complaints.complaint.entered",
            target=None if complaint.is_anonymous else complaint,
            detail={"channel": channel, "anonymous": complaint.is_anonymous},
        )
    # Internal affairs is told after commit (complaint_notify); the flag is what the beat sweep
    # looks for if the broker is down.
    handoff.after_commit(tasks.complaint_notify_task, complaint.pk)
    return Submitted(complaint=complaint, passphrase=passphrase, files=len(stored))


def attachment_scrub(*, attachment_id: int) -> bool:
    """Make the clean copy of one file. Idempotent: a clean file is left alone."""
    with transaction.atomic():
        attachment = (
            ComplaintAttachment.objects.select_for_update(skip_locked=True)
            .filter(pk=attachment_id, status=ComplaintAttachment.Status.PENDING)
            .first()
        )
        if attachment is None:
            return False
        with attachment.original.open("rb") as handle:
            data = crypto.decrypt_bytes(handle.read())
        try:
            clean = kernel_scrub.clean(data, attachment.kind)
        except Exception:  # noqa: BLE001 - any failure: keep the evidence, flag it for staff
            logger.warning("A complaint file could not be cleaned")
            attachment.status = ComplaintAttachment.Status.FAILED
            attachment.status_reason = str(CLEANING_FAILED)
            attachment.save(update_fields=["status", "status_reason"])
            return False
        attachment.clean.save("f.bin", store_file(clean.data), save=False)
        file_times_to_hour(attachment.clean, attachment.created_at)
        attachment.clean_content_type = clean.content_type
        attachment.status = ComplaintAttachment.Status.CLEAN
        attachment.save(update_fields=["clean", "clean_content_type", "status"])
    return True


CLEANING_FAILED = gettext_lazy("The cleaning program could not read or convert the file.")


def attachment_sweep(*, older_than_seconds: int = 120) -> int:
    """Clean the files whose task was lost (broker down when they came in)."""
    cutoff = rounded_now() - timezone.timedelta(seconds=older_than_seconds)
    pending = ComplaintAttachment.objects.filter(
        status=ComplaintAttachment.Status.PENDING, created_at__lte=cutoff
    ).values_list("pk", flat=True)[:200]
    return sum(1 for pk in list(pending) if attachment_scrub(attachment_id=pk))
