"""Overnight parking: the rules staff set, permits, one row per permitted night, refusals (for the
statistics), snow emergencies, blanket nights and the nightly lists sent to the shift supervisor.

A night is a `date`, named by the evening it starts: the night of 23 November runs from the
evening of the 23rd to the morning of the 24th. Rules live in parking/services.py.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.models import Street, phone_validator
from portal.singletons import LocalSingleton

plate_validator = RegexValidator(
    r"^[A-Z0-9]{1,8}$",
    _("Enter the plate with letters and digits only (up to 8), as printed on the plate."),
    code="plate_format",
)


class VehicleType(models.TextChoices):
    CAR = "car", _("Car")
    SUV = "suv", _("SUV or minivan")
    PICKUP = "pickup", _("Pickup truck")
    MOTORCYCLE = "motorcycle", _("Motorcycle")
    COMMERCIAL = "commercial", _("Commercial vehicle")
    TRAILER = "trailer", _("Trailer")
    RV = "rv", _("Motor home or camper")


class Reason(models.TextChoices):
    GUEST = "guest", _("A guest is staying with me")
    DRIVEWAY = "driveway", _("My driveway is blocked (paving, construction)")
    STREET_WORK = "street_work", _("Road or utility work")
    OTHER = "other", _("Other (please explain)")


_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
    "NH NJ NM NY NC ND OH OK OR PA PR RI SC SD TN TX UT VT VA WA WV WI WY"
)
US_STATES = [(code, code) for code in _STATE_CODES.split()]


def _default_excluded_types() -> list[str]:
    return [VehicleType.COMMERCIAL, VehicleType.TRAILER, VehicleType.RV]


class ParkingRules(LocalSingleton):
    """The town's overnight parking policy, edited in admin. Defaults are the issue's."""

    max_consecutive_nights = models.PositiveSmallIntegerField(
        _("maximum consecutive nights"), default=3, validators=[MinValueValidator(1)]
    )
    window_nights = models.PositiveSmallIntegerField(
        _("nights allowed in the rolling window"), default=3, validators=[MinValueValidator(1)]
    )
    window_days = models.PositiveSmallIntegerField(
        _("rolling window (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    nights_per_year = models.PositiveSmallIntegerField(
        _("nights per plate per calendar year"), default=15, validators=[MinValueValidator(1)]
    )
    nights_per_address_per_month = models.PositiveSmallIntegerField(
        _("nights per address per calendar month"),
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("All vehicles parked at the same address together."),
    )
    excluded_vehicle_types = models.JSONField(
        _("vehicle types that get no exemption"), default=_default_excluded_types, blank=True
    )
    cutoff_time = models.TimeField(
        _("cut-off"),
        default=datetime.time(1, 30),
        help_text=_(
            "A request for a night must arrive before this time on the following morning, "
            "in the department's time zone."
        ),
    )
    lead_time_minutes = models.PositiveIntegerField(
        _("lead time (minutes before the cut-off)"),
        default=0,
        help_text=_("0: a request is accepted up to the cut-off itself."),
    )
    max_days_ahead = models.PositiveSmallIntegerField(
        _("how many days ahead residents may ask"), default=30, validators=[MinValueValidator(1)]
    )
    ban_start = models.TimeField(_("nightly ban starts"), default=datetime.time(2, 0))
    ban_end = models.TimeField(_("nightly ban ends"), default=datetime.time(6, 0))
    list_minutes_before_ban = models.PositiveSmallIntegerField(
        _("send the nightly list this many minutes before the ban starts"),
        default=15,
        validators=[MaxValueValidator(12 * 60)],
    )
    supervisor_email = models.EmailField(_("shift supervisor's e-mail"), blank=True)
    requests_per_hour = models.PositiveSmallIntegerField(
        _("requests per hour from one connection"),
        default=20,
        validators=[MinValueValidator(1)],
        help_text=_(
            "More are refused for the hour, so nobody can use up an address's nights with "
            "made-up plates."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("overnight parking rules")

    def __str__(self) -> str:
        return str(_("Overnight parking rules"))


class ExcludedBlock(models.Model):
    """A street, or a block of it, where no exemption is given (a snow route, a fire lane)."""

    rules = models.ForeignKey(ParkingRules, on_delete=models.CASCADE, related_name="exclusions")
    street = models.ForeignKey(
        Street, verbose_name=_("street"), on_delete=models.CASCADE, related_name="+"
    )
    from_number = models.PositiveIntegerField(
        _("from house number"), null=True, blank=True, help_text=_("Empty: the whole street.")
    )
    to_number = models.PositiveIntegerField(_("to house number"), null=True, blank=True)
    note = models.CharField(_("why"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("street or block without exemptions")
        verbose_name_plural = _("streets and blocks without exemptions")

    def __str__(self) -> str:
        if self.from_number is None:
            return self.street.name
        return f"{self.street.name} {self.from_number}–{self.to_number or ''}"

    def covers(self, *, street_id: int, number: int) -> bool:
        if street_id != self.street_id:
            return False
        low = self.from_number if self.from_number is not None else 0
        high = self.to_number if self.to_number is not None else 10**9
        return low <= number <= high


class PlateLock(models.Model):
    """One row per plate (and one per address), locked with SELECT ... FOR UPDATE before the
    limits are counted, so two requests for the same plate are decided one after the other."""

    key = models.CharField(max_length=80, unique=True)

    def __str__(self) -> str:
        return self.key


class Permit(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CANCELLED = "cancelled", _("Cancelled")
        REVOKED = "revoked", _("Revoked")

    code = models.CharField(_("confirmation code"), max_length=12, unique=True, editable=False)
    plate = models.CharField(_("plate"), max_length=8, validators=[plate_validator])
    plate_state = models.CharField(_("plate state"), max_length=2, choices=US_STATES)
    vehicle_type = models.CharField(
        _("vehicle type"), max_length=12, choices=VehicleType.choices, default=VehicleType.CAR
    )
    make = models.CharField(_("make"), max_length=40)
    model = models.CharField(_("model"), max_length=40)
    colour = models.CharField(_("colour"), max_length=30)
    street = models.ForeignKey(
        Street, verbose_name=_("street"), on_delete=models.PROTECT, related_name="+"
    )
    house_number = models.PositiveIntegerField(_("house number"))
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    reason_note = models.CharField(_("reason (other)"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    mobile = models.CharField(_("mobile"), max_length=25, blank=True, validators=[phone_validator])
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    first_night = models.DateField(_("first night"))
    last_night = models.DateField(_("last night"))
    status_reason = models.CharField(_("reason for the status"), max_length=300, blank=True)
    created_at = models.DateTimeField(
        pgettext_lazy("permit", "requested"), auto_now_add=True, db_index=True
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("permit")
        verbose_name_plural = _("permits")
        indexes = [
            models.Index(fields=["plate", "plate_state"], name="parking_permit_plate"),
            # The admin's list, newest first (its ordering, with the id as tie-break).
            models.Index(fields=["-created_at", "-id"], name="parking_permit_recent"),
        ]
        permissions = [("lookup_plate", _("Can look up a plate at night"))]

    def __str__(self) -> str:
        return f"{self.display_code} {self.plate} ({self.plate_state})"

    @property
    def display_code(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}" if len(self.code) > 4 else self.code

    @property
    def address(self) -> str:
        return f"{self.house_number} {self.street.name}"

    @property
    def vehicle(self) -> str:
        # Make and model, then the colour: reads the same in English and Spanish.
        return f"{self.make} {self.model}, {self.colour}".strip(" ,")


class PermitNight(models.Model):
    """One night of a permit. Plate, state and address are copied here so that every limit and
    the officer's lookup are single indexed queries on this table."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Permitted")
        CANCELLED = "cancelled", _("Cancelled by the resident")
        REVOKED = "revoked", _("Revoked by staff")
        BANNED = "banned", _("Cancelled: parking ban")

    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="nights")
    night = models.DateField(_("night"))
    plate = models.CharField(_("plate"), max_length=8)
    plate_state = models.CharField(_("plate state"), max_length=2)
    street = models.ForeignKey(
        Street, verbose_name=_("street"), on_delete=models.PROTECT, related_name="+"
    )
    house_number = models.PositiveIntegerField(_("house number"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )

    class Meta:
        ordering = ["night"]
        verbose_name = _("permitted night")
        verbose_name_plural = _("permitted nights")
        constraints = [
            # A plate holds at most one active permit for a night, whatever the race.
            models.UniqueConstraint(
                fields=["plate", "plate_state", "night"],
                condition=models.Q(status="active"),
                name="parking_one_active_night_per_plate",
            )
        ]
        indexes = [
            models.Index(fields=["plate", "night"], name="parking_night_plate"),
            models.Index(fields=["night", "street", "house_number"], name="parking_night_street"),
            # The address's monthly limit: one address's active nights in a month.
            models.Index(
                fields=["street", "house_number", "night"],
                name="parking_night_address",
                condition=models.Q(status="active"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.night:%Y-%m-%d} {self.plate}"


class Refusal(models.Model):
    """A request a rule refused, kept for the statistics (refusals by rule, per night)."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    rule = models.CharField(_("rule"), max_length=40, db_index=True)
    night = models.DateField(_("first night asked for"), null=True, blank=True)
    plate = models.CharField(_("plate"), max_length=8, blank=True)
    plate_state = models.CharField(_("plate state"), max_length=2, blank=True)
    street = models.ForeignKey(
        Street,
        verbose_name=_("street"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=8, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("refused request")
        verbose_name_plural = _("refused requests")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.rule} {self.plate}"


class SnowEmergency(models.Model):
    """A parking ban for a time window: every permit overlapping it is cancelled by one Celery
    job (parking.tasks.ban_apply), queued in the same transaction as the declaration."""

    starts_at = models.DateTimeField(_("ban starts"))
    ends_at = models.DateTimeField(_("ban ends"))
    # In English and Spanish (message_en, message_es: parking/translation.py).
    message = models.CharField(_("message"), max_length=300, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)
    applied_at = models.DateTimeField(_("permits cancelled at"), null=True, blank=True)
    permits_cancelled = models.PositiveIntegerField(_("permits cancelled"), default=0)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("snow emergency (parking ban)")
        verbose_name_plural = _("snow emergencies (parking bans)")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="parking_ban_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} – {self.ends_at:%Y-%m-%d %H:%M}"


class BlanketNight(models.Model):
    """A town-wide night (a holiday) when anyone may park on the street: no request needed."""

    night = models.DateField(_("night"), unique=True)
    # In English and Spanish (name_en, name_es: parking/translation.py), both required.
    name = models.CharField(_("occasion"), max_length=120)

    class Meta:
        ordering = ["night"]
        verbose_name = _("blanket night")
        verbose_name_plural = _("blanket nights")

    def __str__(self) -> str:
        return f"{self.night:%Y-%m-%d} {self.name}"


class NightlyList(models.Model):
    """Record that a night's list went to the shift supervisor (at most once a night)."""

    night = models.DateField(_("night"), unique=True)
    generated_at = models.DateTimeField(
        pgettext_lazy("nightly list", "generated"), auto_now_add=True
    )
    vehicles = models.PositiveIntegerField(_("vehicles"), default=0)
    sent_to = models.EmailField(_("sent to"), blank=True)

    class Meta:
        ordering = ["-night"]
        verbose_name = _("nightly list")
        verbose_name_plural = _("nightly lists")

    def __str__(self) -> str:
        return f"{self.night:%Y-%m-%d}"
