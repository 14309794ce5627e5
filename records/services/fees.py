"""Fees and payment.

Rules and where they come from:
- Copies of public records cost at most $0.50 a page at a municipal agency (C.G.S.
  §1-212(a)(1)(B); (A) is the state's own $0.25). The cap holds for every copy line, whatever
  box is ticked: a fee by the page is a copy fee even if "copies of public records" is not
  ticked, and a flat fee ticked as copies may not exceed $0.50 for each page charged. The fee
  schedule refuses more, and charging checks again.
- Fees may be waived, with a reason (§1-212(d)).
- A new charge reopens a paid invoice.
- Paying online is records/services/payments.py, through a PaymentProvider.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.errors import DomainError
from portal.services.audit import audit_record
from records.models import Fee, FeeScheduleItem, RecordRequest, Status
from records.selectors import fees_total
from records.services.common import notify_requester, timeline_add

COPY_FEE_CAP_PER_PAGE = Decimal("0.50")  # C.G.S. §1-212(a)(1)(B), municipal agencies
COPY_FEE_CAP_CITATION = "C.G.S. §1-212(a)(1)(B)"


def _above_cap():
    return DomainError(
        _("Copies may cost at most $0.50 a page (%(citation)s).")
        % {"citation": COPY_FEE_CAP_CITATION},
        code="above_fee_cap",
        field="amount",
    )


def fee_schedule_validate(*, item: FeeScheduleItem) -> None:
    """Copies never above the statutory cap per page (C.G.S. §1-212(a)(1)(B)): every fee by
    the page, whatever the "copies" box says."""
    if (
        item.unit == FeeScheduleItem.Unit.PER_PAGE
        and item.amount is not None
        and item.amount > COPY_FEE_CAP_PER_PAGE
    ):
        raise _above_cap()


def copy_line_check(*, item: FeeScheduleItem, pages: int, amount: Decimal) -> None:
    """A line of copies never costs more than the cap for each page charged: a fee by the page
    (whatever box is ticked), or a flat fee ticked as copies, for `pages` pages."""
    is_copy_line = item.unit == FeeScheduleItem.Unit.PER_PAGE or item.is_copy
    if is_copy_line and amount > COPY_FEE_CAP_PER_PAGE * pages:
        raise _above_cap()


# --- Fees and payment ----------------------------------------------------------------------------


@transaction.atomic
def fee_add(
    *,
    record_request: RecordRequest,
    item: FeeScheduleItem,
    quantity: int,
    actor,
    waived: bool = False,
    waiver_reason: str = "",
) -> Fee:
    """Charge a line of the fee schedule. The schedule itself is capped (fee_schedule_validate),
    and the cap is checked again here in case the schedule was changed behind admin's back."""
    fee_schedule_validate(item=item)
    if quantity < 1:
        raise DomainError(_("The quantity must be at least 1."), code="bad_quantity")
    if waived and not waiver_reason.strip():
        raise DomainError(
            _("Give the reason for the waiver."), code="waiver_reason", field="waiver_reason"
        )
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    unit_price = item.amount
    amount = unit_price * quantity if item.unit == FeeScheduleItem.Unit.PER_PAGE else unit_price
    copy_line_check(item=item, pages=quantity, amount=amount)
    fee = Fee(
        request=record_request,
        item=item,
        # Both languages, whichever the clerk's screen is in (records/translation.py).
        description_en=item.name_en or str(item.name),
        description_es=item.name_es,
        # A flat fee for copies keeps the pages it covers, so the cap can be read off the line.
        quantity=quantity if item.unit == FeeScheduleItem.Unit.PER_PAGE or item.is_copy else 1,
        unit_price=unit_price,
        amount=amount.quantize(Decimal("0.01")),
        waived=waived,
        waiver_reason=waiver_reason.strip(),
    )
    fee.full_clean()
    fee.save()
    record_request.fees_paid_at = None  # a new charge reopens the invoice
    record_request.save(update_fields=["fees_paid_at", "updated_at"])
    timeline_add(
        record_request=record_request, action="fee_waived" if waived else "fee", actor=actor
    )
    audit_record(
        actor=actor,
        action="records.fee.added",
        target=record_request,
        detail={"item": item.pk, "quantity": quantity, "amount": str(fee.amount), "waived": waived},
    )
    return fee


@transaction.atomic
def fee_waive(*, fee: Fee, actor, reason: str) -> Fee:
    if not reason.strip():
        raise DomainError(
            _("Give the reason for the waiver."), code="waiver_reason", field="waiver_reason"
        )
    fee = Fee.objects.select_for_update().select_related("request").get(pk=fee.pk)
    fee.waived = True
    fee.waiver_reason = reason.strip()[:300]
    fee.save(update_fields=["waived", "waiver_reason"])
    timeline_add(record_request=fee.request, action="fee_waived", actor=actor)
    audit_record(
        actor=actor,
        action="records.fee.waived",
        target=fee.request,
        detail={"fee": fee.pk, "amount": str(fee.amount), "reason": fee.waiver_reason},
    )
    return fee


class PaymentUnavailable(Exception):
    """The provider could not open a payment just now (down, refused, misconfigured), or did
    not answer a refund (whether it made it is unknown: ask again with the same key)."""


class RefundRefused(Exception):
    """The provider answered that it will not make this refund: nothing was refunded."""


@dataclass(frozen=True)
class Checkout:
    session_id: str
    url: str


@dataclass(frozen=True)
class RefundAnswer:
    """A refund the provider made: its id and status, and the charge's running total refunded
    (all refunds on it so far, ours and any other) when the provider gave it."""

    refund_id: str
    status: str
    charge_refunded: Decimal | None


class PaymentProvider:
    """Where an online payment provider plugs in. The provider hosts the payment page (no card
    data reaches our server): `checkout` opens a session for `amount` and returns its id and the
    address to send the payer to, or raises PaymentUnavailable; `verify` checks a webhook's
    signature and returns its event, or raises ValueError; `refund` refunds `amount` of a
    payment once per `idempotency_key`, or raises RefundRefused (nothing refunded) or
    PaymentUnavailable (no answer); `refund_find` looks up the refund made under a key (in its
    metadata), None when there is none, without asking for one; `refunded_total` is what the
    provider counts as refunded on a payment now (its refunds that did not fail). Both raise
    PaymentUnavailable when the provider cannot be read.
    records/services/payments.py, payment_events.py and refunds.py hold the rules
    around them and record the payment (`payment_record`) and each refund once.
    The provider in use: records.services.stripe_provider.StripeCheckout."""

    method = "online"

    def checkout(
        self,
        *,
        record_request: RecordRequest,
        amount: Decimal,
        success_url: str,
        cancel_url: str,
        idempotency_key: str,
        expires_at: datetime.datetime,
    ) -> Checkout:
        raise NotImplementedError

    def verify(self, *, payload: bytes, signature: str):
        raise NotImplementedError

    def refund(
        self, *, payment_intent: str, amount: Decimal, idempotency_key: str, metadata: dict
    ) -> RefundAnswer:
        raise NotImplementedError

    def refund_find(self, *, payment_intent: str, key: str) -> RefundAnswer | None:
        raise NotImplementedError

    def refunded_total(self, *, payment_intent: str) -> Decimal:
        raise NotImplementedError


@transaction.atomic
def payment_record(
    *,
    record_request: RecordRequest,
    method: str,
    reference: str = "",
    actor=None,
    notify: bool = True,
) -> RecordRequest:
    """Mark the invoice paid (at the window, by mail, or by a provider's confirmation).
    `notify` False: the requester is not sent "We received your payment" (a refund that
    failed paid the invoice again: the money was received once, and the failure's own e-mail
    says what happens next)."""
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    total = fees_total(record_request=record_request)
    if total == Decimal("0.00"):
        raise DomainError(_("Nothing is due on this request."), code="nothing_due")
    if record_request.fees_paid_at is not None:
        raise DomainError(_("This invoice is already paid."), code="already_paid")
    record_request.fees_paid_at = timezone.now()
    record_request.payment_method = method[:40]
    record_request.payment_reference = reference.strip()[:120]
    record_request.save(
        update_fields=["fees_paid_at", "payment_method", "payment_reference", "updated_at"]
    )
    timeline_add(record_request=record_request, action="paid", actor=actor)
    audit_record(
        actor=actor,
        action="records.payment.recorded",
        target=record_request,
        detail={"amount": str(total), "method": method, "reference": reference},
        actor_label="" if actor else "payment provider",
    )
    if notify and record_request.status in {Status.READY, Status.CLOSED}:
        notify_requester(
            record_request=record_request,
            subject=gettext_lazy("Your documents for request %(number)s"),
            body=gettext_lazy(
                "We received your payment. Your documents for request %(number)s are on your "
                "tracking page."
            ),
        )
    return record_request


@transaction.atomic
def fee_schedule_item_save(*, item: FeeScheduleItem) -> FeeScheduleItem:
    """Add or change a line of the fee schedule, never above the cap on copies."""
    fee_schedule_validate(item=item)
    item.full_clean()
    item.save()
    return item
