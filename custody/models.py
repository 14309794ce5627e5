"""People held at the department's lock-up (from its booking system), and visits to them.

A `CustodyRecord` is what the booking system sent about one booking; it is never shown whole:
the public search (custody/selectors.py) shows only adults who are held, not flagged
confidential, and only to someone who typed their last name. Released records are purged by
the kernel's retention purge (kind "custody.custodyrecord", custody/retention.py)."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.singletons import LocalSingleton
from portal.staff_models import HashedKey, revoked_at_field


class CustodySettings(LocalSingleton):
    """The lock-up's settings and its visiting information, edited in admin."""

    visiting_hours = models.TextField(_("visiting hours"), blank=True)
    visiting_rules = models.TextField(_("visiting rules"), blank=True)
    what_to_bring = models.TextField(_("what to bring"), blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)
    visit_contact_email = models.EmailField(
        _("e-mail of the lock-up (copied on visit requests)"), blank=True
    )

    class Meta:
        verbose_name = _("custody settings")

    def __str__(self) -> str:
        return str(_("Custody settings"))


class BookingSystem(HashedKey):
    """A booking system allowed to send bookings through the import API. Only the SHA-256 of
    its key is kept (portal.staff_models.HashedKey): a copy of the database opens no API."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    created_at = models.DateTimeField(
        pgettext_lazy("booking system", "created"), default=timezone.now, editable=False
    )
    revoked_at = revoked_at_field(pgettext_lazy("booking system", "revoked"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("booking system")
        verbose_name_plural = _("booking systems")

    def __str__(self) -> str:
        return self.name


class CustodyRecord(models.Model):
    class Charge(models.TextChoices):
        VIOLATION = "violation", _("Violation")
        MISDEMEANOR = "misdemeanor", _("Misdemeanor")
        FELONY = "felony", _("Felony")
        WARRANT = "warrant", _("Warrant")

    class Bond(models.TextChoices):
        AMOUNT = "amount", _("Bond set")
        NO_BOND = "no_bond", _("No bond")
        HELD_WITHOUT_BOND = "held_without_bond", _("Held without bond")

    booking_number = models.CharField(_("booking number"), max_length=40, unique=True)
    source = models.ForeignKey(
        BookingSystem,
        verbose_name=_("booking system"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="records",
    )
    last_name = models.CharField(_("last name"), max_length=80)
    first_name = models.CharField(_("first name"), max_length=80)
    date_of_birth = models.DateField(_("date of birth"))
    juvenile = models.BooleanField(_("juvenile"), default=False)
    confidential = models.BooleanField(_("confidential"), default=False)
    charge_category = models.CharField(_("charge category"), max_length=20, choices=Charge)
    bond_status = models.CharField(_("bond"), max_length=20, choices=Bond)
    bond_amount = models.DecimalField(
        _("bond amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    court_date = models.DateField(_("next court date"), null=True, blank=True)
    court_time = models.TimeField(_("court time"), null=True, blank=True)
    court_name = models.CharField(_("court"), max_length=120, blank=True)
    court_address = models.CharField(_("court address"), max_length=200, blank=True)
    booked_at = models.DateTimeField(pgettext_lazy("custody record", "booked"))
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    updated_at = models.DateTimeField(pgettext_lazy("custody record", "updated"), auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("custody record")
        verbose_name_plural = _("custody records")
        permissions = [("import_custodyrecord", _("Can import bookings from a CSV file"))]
        indexes = [models.Index(fields=["released_at"], name="custody_released_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(bond_status="amount") | models.Q(bond_amount__isnull=False),
                name="custody_bond_amount_when_set",
            )
        ]

    def __str__(self) -> str:
        return self.booking_number


class VisitSlot(models.Model):
    """A visiting time the department offers, with the number of visitors it can take."""

    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts"))
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=30)
    capacity = models.PositiveSmallIntegerField(_("visitors"), default=4)

    class Meta:
        ordering = ["date", "starts_at"]
        verbose_name = _("visiting slot")
        verbose_name_plural = _("visiting slots")
        constraints = [
            models.UniqueConstraint(fields=["date", "starts_at"], name="custody_slot_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.starts_at:%H:%M}"


class VisitRequest(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", pgettext_lazy("visit request", "Cancelled")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slot = models.ForeignKey(
        VisitSlot, verbose_name=_("slot"), on_delete=models.CASCADE, related_name="requests"
    )
    name = models.CharField(_("your name"), max_length=120)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    visiting = models.CharField(_("person to visit"), max_length=120)
    language = models.CharField(max_length=8, default="en")
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.BOOKED)
    created_at = models.DateTimeField(_("requested"), default=timezone.now, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["slot__date", "slot__starts_at", "created_at"]
        verbose_name = _("visit request")
        verbose_name_plural = _("visit requests")

    def __str__(self) -> str:
        return f"{self.name} ({self.slot})"
