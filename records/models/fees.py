"""The fee schedule and a request's fees. Every copy line is capped at $0.50 a page (C.G.S.
§1-212(a)(1)(B)): records/services/fees.py checks it, whatever box is ticked."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from records.choices import RequestKind
from records.models.requests import RecordRequest


class FeeScheduleItem(models.Model):
    """A line of the fee schedule, edited in admin."""

    class Unit(models.TextChoices):
        PER_PAGE = "per_page", _("per page")
        FLAT = "flat", _("flat fee")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("for requests of type"), max_length=20, choices=RequestKind.choices, blank=True
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    is_copy = models.BooleanField(
        _("copies of public records"),
        default=True,
        help_text=_(
            "Copies are capped at $0.50 a page for municipal agencies (C.G.S. §1-212(a)(1)(B)); "
            "a fee by the page is a copy fee whatever this box says."
        ),
    )
    amount = models.DecimalField(
        _("amount (USD)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("fee schedule item")
        verbose_name_plural = _("fee schedule")

    def __str__(self) -> str:
        return str(self.name)


class Fee(models.Model):
    """One line of a request's invoice."""

    request = models.ForeignKey(RecordRequest, on_delete=models.CASCADE, related_name="fees")
    item = models.ForeignKey(
        FeeScheduleItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.CharField(_("description"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=8, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    waived = models.BooleanField(_("waived"), default=False)
    waiver_reason = models.CharField(_("reason for the waiver"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("fee")
        verbose_name_plural = _("fees")

    def __str__(self) -> str:
        return f"{self.description}: ${self.amount}"
