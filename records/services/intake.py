"""Taking a request (online, or entered by a clerk from the mail, the phone or the window) and
letting its requester find it again by tracking number and e-mail.

Rules: we store both when the requester sent the request and when we received it; the due date
counts from receipt (records/services/lifecycle.py). Requests are private: only the requester
(through a signed link or an e-mailed code) and the Records Division see one, and the lookup
form says nothing about whether a number and address match.
"""

import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.errors import DomainError
from portal.localtime import to_local
from portal.services.audit import audit_record
from portal.services.notifications import notification_enqueue
from records.models import Document, RecordRequest, RequestKind
from records.services.appointments import slot_take
from records.services.common import notify_requester, timeline_add
from records.services.documents import Upload, store_document
from records.services.lifecycle import due_date_for

_TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # nothing to misread: no 0/O, 1/I


def _new_tracking_number(received: date) -> str:
    while True:
        suffix = "".join(secrets.choice(_TRACKING_ALPHABET) for _ in range(6))
        number = f"R{received:%y}-{suffix}"
        if not RecordRequest.objects.filter(tracking_number=number).exists():
            return number


@transaction.atomic
def request_submit(
    *,
    kind: str,
    requester_name: str,
    requester_email: str,
    requester_phone: str = "",
    language: str = "en",
    details: dict | None = None,
    description: str = "",
    id_document: Upload | None = None,
    slot_id: int | None = None,
    sent_at: datetime | None = None,
    received_at: datetime | None = None,
    actor: AbstractBaseUser | None = None,
) -> RecordRequest:
    """Take a new request: tracking number, due date, timeline, audit, the requester's e-mail."""
    if kind not in RequestKind.values:
        raise DomainError(_("Choose the type of request."), code="kind_required", field="kind")
    if kind == RequestKind.RECORD_CHECK and id_document is None:
        raise DomainError(
            _("Upload a photo or scan of your ID."), code="id_required", field="id_document"
        )
    received_at = received_at or timezone.now()
    record_request = RecordRequest(
        tracking_number=_new_tracking_number(to_local(received_at).date()),
        kind=kind,
        requester_name=requester_name.strip(),
        requester_email=requester_email.strip(),
        requester_phone=requester_phone.strip(),
        language=language if language in dict(settings.LANGUAGES) else "en",
        details=details or {},
        description=description.strip(),
        sent_at=sent_at or received_at,
        received_at=received_at,
        due_date=due_date_for(received_at=received_at),
    )
    if kind == RequestKind.FINGERPRINTING:
        if slot_id is None:
            raise DomainError(_("Choose a time."), code="slot_required", field="slot")
        record_request.slot = slot_take(slot_id=slot_id, now=received_at)
    record_request.full_clean()
    record_request.save()
    if id_document is not None:
        store_document(
            record_request=record_request, kind=Document.Kind.ID_DOCUMENT, upload=id_document
        )
    timeline_add(record_request=record_request, action="submit", actor=actor)
    audit_record(
        actor=actor,
        action="records.recordrequest.submitted",
        target=record_request,
        detail={"kind": kind},
        actor_label="requester",
    )
    notify_requester(
        record_request=record_request,
        subject=gettext_lazy("We received your request %(number)s"),
        body=gettext_lazy(
            "Thank you. The Records Division received your request on %(received)s. "
            "Your tracking number is %(number)s. Under Connecticut law we answer within four "
            "business days, by %(due)s."
        ),
        received=to_local(received_at).date().strftime("%Y-%m-%d"),
    )
    return record_request


# --- Looking a request up by tracking number and e-mail ------------------------------------------

LOOKUP_CODE_MINUTES = 15
LOOKUP_CODE_ATTEMPTS = 5


@transaction.atomic
def lookup_code_send(*, tracking_number: str, email: str) -> None:
    """E-mail a one-time code to the requester if the number and address match. Says nothing
    either way, so the form cannot be used to learn who asked for what."""
    record_request = (
        RecordRequest.objects.select_for_update()
        .filter(
            tracking_number=tracking_number.strip().upper(),
            requester_email__iexact=email.strip(),
        )
        .first()
    )
    if record_request is None:
        return
    code = f"{secrets.randbelow(10**6):06d}"
    record_request.lookup_code_hash = make_password(code)
    record_request.lookup_code_expires_at = timezone.now() + timedelta(minutes=LOOKUP_CODE_MINUTES)
    record_request.lookup_code_attempts = 0
    record_request.save(
        update_fields=["lookup_code_hash", "lookup_code_expires_at", "lookup_code_attempts"]
    )
    with translation.override(record_request.language):
        notification_enqueue(
            channel="email",
            recipient=record_request.requester_email,
            subject=_("Your code for request %(number)s")
            % {"number": record_request.tracking_number},
            body=_(
                "Your code is %(code)s. It works once, for %(minutes)d minutes. If you did not "
                "ask for it, you can ignore this message."
            )
            % {"code": code, "minutes": LOOKUP_CODE_MINUTES},
            language=record_request.language,
        )


def lookup_code_check(*, tracking_number: str, code: str) -> RecordRequest:
    """The request, if the code is right; otherwise a DomainError. A wrong code uses up one
    of LOOKUP_CODE_ATTEMPTS tries (committed before refusing), so guessing is pointless."""
    with transaction.atomic():
        record_request = (
            RecordRequest.objects.select_for_update()
            .filter(tracking_number=tracking_number.strip().upper())
            .first()
        )
        valid = (
            record_request is not None
            and record_request.lookup_code_hash
            and record_request.lookup_code_expires_at is not None
            and record_request.lookup_code_expires_at >= timezone.now()
            and record_request.lookup_code_attempts < LOOKUP_CODE_ATTEMPTS
        )
        if valid and check_password(code.strip(), record_request.lookup_code_hash):
            record_request.lookup_code_hash = ""
            record_request.lookup_code_expires_at = None
            record_request.save(update_fields=["lookup_code_hash", "lookup_code_expires_at"])
            return record_request
        if valid:
            record_request.lookup_code_attempts += 1
            record_request.save(update_fields=["lookup_code_attempts"])
    raise DomainError(
        _("That code is not right or has expired. Ask for a new one."),
        code="bad_code",
        field="code",
    )
