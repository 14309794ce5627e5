"""Retention: the department's period for each kind of record, legal holds, and the files a purge
still owes to storage. Rules in portal/services/retention/."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RetentionPolicy(models.Model):
    """How long one kind of record (portal.registry.retention_kinds) is kept. One row per kind,
    made after every migrate with the kind's default; the department changes it in admin."""

    key = models.CharField(_("kind of record"), max_length=80, unique=True, editable=False)
    days = models.PositiveIntegerField(
        _("keep for (days)"), validators=[MinValueValidator(1), MaxValueValidator(36500)]
    )
    enabled = models.BooleanField(
        _("purge when due"),
        default=True,
        help_text=_("Untick to keep every record of this kind until the records officer decides."),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")

    def __str__(self) -> str:
        return self.key


class LegalHold(models.Model):
    """A case (a tip, a records request, a permit...) that must not be purged, whatever its
    retention period, until the hold is lifted. Never deleted: a lifted hold stays as history."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of case"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("case id"), max_length=64)
    target_label = models.CharField(_("case"), max_length=200)
    reason = models.TextField(_("reason"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("placed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    placed_at = models.DateTimeField(_("placed"), default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        indexes = [
            models.Index(
                fields=["content_type", "object_id"],
                name="legal_hold_active",
                condition=models.Q(lifted_at__isnull=True),
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_active_legal_hold",
            )
        ]

    def __str__(self) -> str:
        return self.target_label

    @property
    def active(self) -> bool:
        return self.lifted_at is None


class PurgeFile(models.Model):
    """A file whose row a purge deleted, still to be removed from storage. Written in the purge's
    transaction; removed after it commits, or by the next run if the process died between."""

    field = models.CharField(max_length=200)  # "app_label.ModelName.field": names the storage
    name = models.CharField(max_length=500)
    owed_since = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
