"""The fingerprinting calendar: the database refuses a time booked past its capacity."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FingerprintSlot(models.Model):
    """A time on the clerks' fingerprinting calendar with room for `capacity` people."""

    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=1)
    booked = models.PositiveSmallIntegerField(_("booked"), default=0, editable=False)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("fingerprinting slot")
        verbose_name_plural = _("fingerprinting calendar")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(booked__lte=models.F("capacity")),
                name="records_slot_not_overbooked",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="records_slot_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["starts_at"], name="records_slot_start")]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.booked, 0)
