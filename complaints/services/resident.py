"""The resident comes back: tracking code + passphrase, where the case stands, and what they add.

Rules:
- A check fails with one answer whatever went wrong (unknown code, wrong passphrase, code paused
  after COMPLAINTS_CHECK_MAX_FAILURES wrong tries): the answer never tells whether a code exists,
  and an unknown code costs the same Argon2id work as a known one.
- Guessing is throttled twice: per client (a keyed, hourly rotating hash of the address,
  portal/clients.py; COMPLAINTS_CHECKS_PER_15_MINUTES tries) and per code (the lockout).
  Submissions too: COMPLAINTS_SUBMISSIONS_PER_HOUR per client. Only real tries count.
- Information may be added (text, files) until the case is closed; the case holder is told.
"""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy

from complaints import policy
from complaints.models import Complaint, ComplaintMessage, normalize_tracking_code
from complaints.services.intake import attachments_add
from complaints.services.notices import resident_added_notify
from portal import passphrases
from portal.clients import throttle_allowed, throttle_record
from portal.errors import DomainError, check_length

SUBMIT_WINDOW = 3600
CHECK_WINDOW = 15 * 60
SUBMIT = "complaints.submit"
CHECK = "complaints.check"

LOCKOUT = passphrases.Lockout(
    "complaints.lockout",
    max_failures=lambda: settings.COMPLAINTS_CHECK_MAX_FAILURES,
    seconds=lambda: settings.COMPLAINTS_CHECK_LOCKOUT_SECONDS,
)


def complaint_submit_throttle(*, client: str) -> None:
    if not throttle_allowed(
        SUBMIT, client, settings.COMPLAINTS_SUBMISSIONS_PER_HOUR, SUBMIT_WINDOW
    ):
        raise DomainError(
            gettext_lazy(
                "Too many complaints were sent from this connection in the last hour. Please "
                "try again later, or come to the front desk."
            ),
            code="throttled",
        )


def complaint_submit_counted(*, client: str) -> None:
    throttle_record(SUBMIT, client, SUBMIT_WINDOW)


def complaint_check_throttle(*, client: str) -> None:
    if not throttle_allowed(CHECK, client, settings.COMPLAINTS_CHECKS_PER_15_MINUTES, CHECK_WINDOW):
        raise DomainError(
            gettext_lazy("Too many tries from this connection. Try again later."),
            code="throttled",
        )


def complaint_check_counted(*, client: str) -> None:
    throttle_record(CHECK, client, CHECK_WINDOW)


def complaint_authenticate(*, code: str, passphrase: str) -> Complaint:
    """The case for code + passphrase, or one DomainError whatever went wrong."""
    code = normalize_tracking_code(code)
    refused = DomainError(
        gettext_lazy(
            "That tracking code and passphrase do not match, or this code is paused for a while "
            "after too many tries. Check what you wrote down and try again later."
        ),
        code="check_refused",
    )
    if not code or LOCKOUT.active(code):
        passphrases.passphrase_verify(None, passphrase)  # the same work as a real check
        raise refused
    complaint = Complaint.objects.filter(tracking_code=code).first()
    stored = complaint.passphrase_hash if complaint else None
    if not passphrases.passphrase_verify(stored, passphrase):
        LOCKOUT.fail(code)
        raise refused
    LOCKOUT.clear(code)
    return complaint


@transaction.atomic
def resident_add_information(
    *, complaint: Complaint, body: str = "", files: list[bytes] | None = None
) -> ComplaintMessage | None:
    body = (body or "").strip()
    if not body and not files:
        raise DomainError(
            gettext_lazy("Write something or add a file."), code="empty_reply", field="body"
        )
    check_length(body, limit=policy.MESSAGE_LIMIT, field="body")
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.stage == Complaint.Stage.CLOSED:
        raise DomainError(
            gettext_lazy(
                "This case is closed. To tell us something new, file a new complaint and "
                "mention this tracking code."
            ),
            code="closed",
        )
    message = None
    if body:
        message = ComplaintMessage.objects.create(
            complaint=complaint, direction=ComplaintMessage.Direction.RESIDENT, body=body
        )
    attachments_add(complaint=complaint, files=files or [])
    resident_added_notify(complaint=complaint)
    return message
