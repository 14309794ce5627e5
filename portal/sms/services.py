"""Text messages: delivery from the outbox, the provider's status reports, opt-out keywords.

Rules:
- HELP, INFO or AYUDA is answered with who we are and how to stop (CTIA), and changes nothing.
- A number that replied an opt-out keyword (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, and
  PARAR in Spanish) gets no further text message until it replies START, UNSTOP or YES; the
  CTIA messaging principles and the TCPA require honouring it. A message queued for it is
  refused at delivery and stays in the outbox as failed, with the reason. The provider's own
  refusal of an unsubscribed number (Twilio 21610) records the opt-out too.
- Each keyword message counts once: its provider id is stored, so a replayed webhook changes
  nothing (a STOP replayed after a START does not opt the number out again).
- A status report only moves a message forward (queued, sending, sent, then delivered,
  undelivered or failed): a late "sent" after "delivered" is ignored, and so is a replay.
- The cost of each message is kept as the provider reports it (on the status report or on the
  message resource, fetched once it is final).
- Provider errors are sorted: throttling, outages and bad keys are retried by the outbox;
  a refusal about the message itself (a bad number) fails it at once.
"""

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from portal.models import Notification, SmsKeyword, SmsOptOut
from portal.sms.backends import (
    TWILIO_UNSUBSCRIBED,
    SMSPermanentError,
    SMSReceipt,
    SMSTemporaryError,
    price,
)

logger = logging.getLogger(__name__)

OPT_OUT_KEYWORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "PARAR"}
OPT_IN_KEYWORDS = {"START", "UNSTOP", "YES"}
HELP_KEYWORDS = {"HELP", "INFO", "AYUDA"}  # answered, not stored
SPANISH_KEYWORDS = {"PARAR", "AYUDA"}

# How far along a message is. A report never moves it back; at the last rank the first word
# stands (a "failed" replayed after "delivered" does not change it).
STATUS_RANK = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
    "canceled": 4,
    "read": 5,
}
FINAL_STATUSES = {"delivered", "undelivered", "failed", "canceled", "read"}
OPTED_OUT = "opted-out"


def number_normalize(raw: str) -> str:
    """E.164 (+18605550134) from what a resident typed (860-555-0134, (860) 555 0134, …); a
    number without a country code is in SMS_DEFAULT_COUNTRY_CODE. Empty when it cannot be one."""
    raw = (raw or "").strip()
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        number = "+" + digits
    elif raw.startswith("00"):
        number = "+" + digits[2:]
    else:
        country = settings.SMS_DEFAULT_COUNTRY_CODE
        if country == "1" and len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        number = f"+{country}{digits}"
    return number if re.fullmatch(r"\+[1-9]\d{7,14}", number) else ""


def sms_opted_out(*, number: str) -> bool:
    return SmsOptOut.objects.filter(number=number, opted_out=True).exists()


def _opt_out_set(*, number: str, opted_out: bool, keyword: str) -> SmsOptOut:
    record, _ = SmsOptOut.objects.update_or_create(
        number=number,
        defaults={"opted_out": opted_out, "keyword": keyword[:20], "changed_at": timezone.now()},
    )
    return record


def keyword_of(body: str) -> str:
    """The keyword a reply is, or "" (a keyword is the whole message, any case, spaces
    around it ignored, as carriers match them)."""
    word = (body or "").strip().strip(".!").upper()
    return word if word in OPT_OUT_KEYWORDS | OPT_IN_KEYWORDS | HELP_KEYWORDS else ""


@transaction.atomic
def sms_keyword_receive(*, message_id: str, number: str, body: str) -> str | None:
    """An inbound message. Returns "out", "in", or None (not a keyword, or a replay)."""
    keyword = keyword_of(body)
    number = number_normalize(number)
    if keyword in HELP_KEYWORDS:
        return None
    if not keyword or not number or not message_id:
        return None
    _, created = SmsKeyword.objects.get_or_create(
        message_id=message_id[:64], defaults={"number": number, "keyword": keyword}
    )
    if not created:
        return None  # a replay: this message was counted already
    opted_out = keyword in OPT_OUT_KEYWORDS
    _opt_out_set(number=number, opted_out=opted_out, keyword=keyword)
    logger.info("SMS %s from a number (%s)", "opt-out" if opted_out else "opt-in", keyword)
    return "out" if opted_out else "in"


def _backend():
    return import_string(settings.SMS_BACKEND)()


def sms_deliver(notification: Notification) -> None:
    """Send one text message of the outbox; called by the outbox with the row locked, inside
    its transaction. Records the provider's id, status and cost on the row. Raises
    SMSPermanentError (the outbox fails the message) or any other error (it retries)."""
    number = number_normalize(notification.recipient)
    if not number:
        raise SMSPermanentError(f"not a telephone number: {notification.recipient!r}")
    if sms_opted_out(number=number):
        _record(notification, provider_status=OPTED_OUT)
        raise SMSPermanentError("the recipient replied STOP: not sent", code=OPTED_OUT)
    try:
        receipt = _backend().send(to=number, body=notification.body)
    except SMSPermanentError as exc:
        if exc.code == str(TWILIO_UNSUBSCRIBED):
            _opt_out_set(number=number, opted_out=True, keyword="provider")
            _record(notification, provider_status=OPTED_OUT, provider_error=exc.code)
        raise
    if isinstance(receipt, SMSReceipt):
        _record(
            notification,
            provider_id=receipt.provider_id,
            provider_status=receipt.status,
            cost=receipt.cost,
            cost_currency=receipt.currency,
        )


def _record(notification: Notification, **fields) -> None:
    fields = {k: v for k, v in fields.items() if v not in (None, "")}
    if "provider_status" in fields:
        fields["provider_status_at"] = timezone.now()
    for name, value in fields.items():
        setattr(notification, name, value)
    Notification.objects.filter(pk=notification.pk).update(**fields)


def _moves_forward(current: str, new: str) -> bool:
    if current == OPTED_OUT:
        return False
    return STATUS_RANK.get(new, -1) > STATUS_RANK.get(current, -1)


@transaction.atomic
def sms_status_report(
    *,
    provider_id: str,
    status: str,
    error_code: str = "",
    cost: str | None = None,
    currency: str = "",
) -> Notification | None:
    """A status callback. Returns the message (None for one we never sent); whether it needs
    its cost fetched is `sms_cost_owed`."""
    notification = (
        Notification.objects.select_for_update()
        .filter(channel=Notification.Channel.SMS, provider_id=provider_id)
        .exclude(provider_id="")
        .first()
    )
    if notification is None:
        return None
    status = (status or "").lower()[:20]
    fields = {}
    if _moves_forward(notification.provider_status, status):
        fields["provider_status"] = status
        if error_code and status in FINAL_STATUSES:
            fields["provider_error"] = error_code[:20]
            if error_code == str(TWILIO_UNSUBSCRIBED):
                _opt_out_set(
                    number=number_normalize(notification.recipient),
                    opted_out=True,
                    keyword="provider",
                )
    amount, unit = price(cost, currency)
    if amount is not None and notification.cost is None:
        fields["cost"], fields["cost_currency"] = amount, unit
    if fields:
        _record(notification, **fields)
    return notification


def sms_cost_owed(notification: Notification) -> bool:
    return bool(
        notification.provider_id
        and notification.cost is None
        and notification.provider_status in FINAL_STATUSES
    )


def sms_cost_fetch(*, notification_id) -> bool:
    """Read the message's price from the provider once it is final. Idempotent: a message
    with a cost is left alone. The provider is asked outside any transaction."""
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None or not sms_cost_owed(notification):
        return False
    backend = _backend()
    if not hasattr(backend, "fetch"):
        return False
    try:
        receipt = backend.fetch(provider_id=notification.provider_id)
    except SMSTemporaryError:
        logger.warning("SMS price for %s not read; the sweep tries again", notification_id)
        return False
    if receipt.cost is None:
        return False
    return bool(
        Notification.objects.filter(pk=notification_id, cost__isnull=True).update(
            cost=receipt.cost, cost_currency=receipt.currency
        )
    )


def sms_costs_owed(*, limit: int = 200) -> list:
    """Final messages without a cost, from the last week, at least ten minutes after their
    last report (Twilio sets the price a little after delivery)."""
    now = timezone.now()
    return list(
        Notification.objects.filter(
            channel=Notification.Channel.SMS,
            cost__isnull=True,
            provider_status__in=FINAL_STATUSES,
            provider_status_at__lte=now - timedelta(minutes=10),
            provider_status_at__gte=now - timedelta(days=7),
        )
        .exclude(provider_id="")
        .values_list("pk", flat=True)[:limit]
    )
