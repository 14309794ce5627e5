"""Online payments of a request's fees (records/services/payments.py): each Checkout Session
we opened, each provider event we applied, once, and each refund a clerk made."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Payment(models.Model):
    """One attempt to pay online: a Checkout Session for `amount_expected`. What the provider
    then reports is kept as it reports it: the amount it took, what it refunded."""

    class State(models.TextChoices):
        OPEN = "open", _("waiting for the payer")
        PAID = "paid", _("paid")
        PARTLY_REFUNDED = "partly_refunded", _("partly refunded")
        REFUNDED = "refunded", _("refunded")
        EXPIRED = "expired", _("expired unpaid")
        FAILED = "failed", _("failed")

    request = models.ForeignKey(
        "records.RecordRequest", on_delete=models.CASCADE, related_name="payments"
    )
    provider = models.CharField(_("provider"), max_length=20, default="stripe")
    session_id = models.CharField(_("checkout session"), max_length=255, unique=True)
    checkout_url = models.URLField(_("checkout address"), max_length=1000, blank=True)
    payment_intent = models.CharField(_("payment intent"), max_length=255, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default="open")
    currency = models.CharField(_("currency"), max_length=3, default="usd")
    amount_expected = models.DecimalField(_("amount asked"), max_digits=10, decimal_places=2)
    amount_received = models.DecimalField(
        _("amount received"), max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    amount_refunded = models.DecimalField(
        _("amount refunded"), max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    mismatch = models.BooleanField(
        _("amount differs"),
        default=False,
        help_text=_("The provider took another amount or currency than we asked: check it."),
    )
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("online payment")
        verbose_name_plural = _("online payments")
        indexes = [models.Index(fields=["payment_intent"], name="records_payment_intent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_refunded__lte=models.F("amount_received")),
                name="records_payment_refund_within_received",
            )
        ]
        permissions = [("refund_payment", _("Can refund an online payment"))]

    def __str__(self) -> str:
        return f"{self.session_id} ({self.get_state_display()})"

    @property
    def net(self) -> Decimal:
        return self.amount_received - self.amount_refunded


class PaymentEvent(models.Model):
    """A provider's webhook event, stored by its id before it is applied: the same event
    delivered again (a retry, a replay) is found here and applied no second time. A refund
    that arrives before the payment it refunds waits here (`payment_intent`, `amount`) until
    that payment is known."""

    event_id = models.CharField(_("event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    payment_intent = models.CharField(_("payment intent"), max_length=255, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    created = models.DateTimeField(_("created at the provider"))
    received_at = models.DateTimeField(pgettext_lazy("payment", "received"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        indexes = [models.Index(fields=["payment_intent"], name="records_paymentevent_intent")]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class PaymentRefund(models.Model):
    """A refund a clerk made from admin (records/services/refunds.py `payment_refund`). The
    row is written `pending`, with the key Stripe sees as Idempotency-Key, before Stripe is
    asked; Stripe's answer marks it `issued` or `failed`. A pending refund is asked again with
    the same key, so however often it is sent Stripe refunds once. One pending refund a
    payment at most. An issued refund becomes `failed` when Stripe reports that the card's
    bank sent it back (`refund.failed`; `provider_status` "failed", `error` its reason)."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for the provider's answer")
        ISSUED = "issued", _("issued")
        FAILED = "failed", _("refused by the provider")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clerk"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    provider_refund_id = models.CharField(_("provider's refund"), max_length=255, blank=True)
    provider_status = models.CharField(_("provider's status"), max_length=40, blank=True)
    error = models.TextField(_("provider's answer"), blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    completed_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # Beat asks Stripe again for a pending refund (records/services/refund_retries.py).
    attempts = models.PositiveSmallIntegerField(_("automatic tries"), default=0)
    next_attempt_at = models.DateTimeField(_("next automatic try"), null=True, blank=True)
    stalled_at = models.DateTimeField(
        _("automatic tries stopped"),
        null=True,
        blank=True,
        help_text=_("Stripe did not answer any automatic try: a clerk must look it up."),
    )
    # A refund that needs a clerk (flagged above, or failed after Stripe made it) leaves the
    # queue's filter once a clerk says it was dealt with (records/services/refunds.py).
    dealt_with_at = models.DateTimeField(_("dealt with"), null=True, blank=True)
    dealt_with_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dealt with by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dealt_with_note = models.TextField(_("how it was dealt with"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(state="pending"),
                name="records_paymentrefund_pending",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="records_paymentrefund_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["payment"],
                condition=models.Q(state="pending"),
                name="records_paymentrefund_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"${self.amount} ({self.get_state_display()})"

    @property
    def idempotency_key(self) -> str:
        return f"records-refund-{self.key}"
