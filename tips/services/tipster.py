"""The tipster comes back: number + passphrase, their thread, and what they write.

- A check-back fails with one answer whatever went wrong (unknown number, wrong passphrase,
  number paused after `TIPS_CHECK_MAX_FAILURES` wrong tries): the answer never tells whether a
  number exists, and an unknown number costs the same Argon2id work as a known one.
- A merged tip's tipster writes on: what they write is filed under the tip that survived, marked
  as theirs, so each tipster reads only their own thread under their own number.
- A closed tip takes no more messages; the tipster is asked to give a new tip.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy

from portal import passphrases
from portal.errors import DomainError, check_length
from tips import privacy
from tips.models import Tip, TipMessage, normalize_tip_number
from tips.services.common import MESSAGE_LIMIT, survivor
from tips.services.intake import attachments_add
from tips.services.notices import tipster_wrote_back_notify


def tip_authenticate(*, number: str, passphrase: str) -> Tip:
    """The tip for number + passphrase, or one DomainError whatever went wrong (unknown number,
    wrong passphrase, locked): the answer never tells whether a number exists."""
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
    check_length(body, limit=MESSAGE_LIMIT, field="body")
    own = Tip.objects.select_for_update().get(pk=tip.pk)
    # A merged tip's tipster writes on: it is filed under the surviving tip, marked as theirs.
    tip = survivor(own)
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
    attachments_add(tip=tip, files=files or [], merged_from=merged_from)
    tipster_wrote_back_notify(tip=tip)
