"""The kernel's models: what every feature app shares.

Department settings, the contact directory, officers, neighborhoods and streets describe the
department; the notification outbox and the audit log are the shared machinery. Rules live in
portal/services/, reads in portal/selectors.py.
"""

import uuid
import zoneinfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.singletons import LocalSingleton

phone_validator = RegexValidator(
    r"^[0-9+()\-. ]{3,25}$", _("Enter a phone number using digits, spaces, +, -, ( and ).")
)


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class DepartmentSettings(LocalSingleton):
    """Everything that makes the portal this department's: never hard-coded in templates."""

    name = models.CharField(_("department name"), max_length=120, default="Police Department")
    town = models.CharField(_("town"), max_length=80, default="")
    state = models.CharField(_("state"), max_length=2, default="CT")
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    phone_emergency = models.CharField(
        _("emergency number"), max_length=25, default="911", validators=[phone_validator]
    )
    phone_non_emergency = models.CharField(
        _("non-emergency number"), max_length=25, blank=True, validators=[phone_validator]
    )
    phone_tip_line = models.CharField(
        _("anonymous tip line"), max_length=25, blank=True, validators=[phone_validator]
    )
    email = models.EmailField(_("public e-mail"), blank=True)
    hours = models.CharField(
        _("lobby hours"),
        max_length=200,
        blank=True,
        help_text=_("For example: Records window Monday to Friday, 8:30 a.m. to 4:30 p.m."),
    )
    logo = models.ImageField(_("logo"), upload_to="department/", blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="America/New_York", choices=_time_zone_choices
    )
    open311_jurisdiction_id = models.CharField(
        _("Open311 jurisdiction id"),
        max_length=100,
        blank=True,
        help_text=_(
            "What Open311 applications send as jurisdiction_id, by custom the town's web site "
            "without www (e.g. springfield.gov). Empty: this portal's own host name."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("department settings")

    def __str__(self) -> str:
        return str(self.name)

    @property
    def address_line(self) -> str:
        parts = [self.street_address, self.town and f"{self.town}, {self.state} {self.postal_code}"]
        return ", ".join(p.strip() for p in parts if p and p.strip())


class Division(models.Model):
    """An entry of the public contact directory: a division, unit or desk."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("what they do"), blank=True)
    phone = models.CharField(_("phone"), max_length=25, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    hours = models.CharField(_("hours"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("division or unit")
        verbose_name_plural = _("contact directory")

    def __str__(self) -> str:
        return str(self.name)


class Officer(models.Model):
    """A member of the department the public may contact (a neighborhood's coordinator, say)."""

    name = models.CharField(_("name"), max_length=120)
    rank = models.CharField(_("rank"), max_length=60, blank=True)
    assignment = models.CharField(_("assignment"), max_length=160, blank=True)
    photo = models.ImageField(_("photo"), upload_to="officers/", blank=True)
    phone = models.CharField(_("phone"), max_length=25, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="officer",
    )
    # A resident may know an officer only by the number on the badge (complaints, commendations).
    badge_number = models.CharField(_("badge number"), max_length=20, blank=True, db_index=True)
    # Who answers for this officer's conduct: minor complaints and commendations go to them.
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["badge_number"],
                condition=~models.Q(badge_number=""),
                name="officer_badge_unique",
            )
        ]
        verbose_name = _("officer")
        verbose_name_plural = _("officers")

    def __str__(self) -> str:
        return f"{self.rank} {self.name}".strip()


class Neighborhood(models.Model):
    """A policing neighborhood, each with a coordinating officer. Tips, parking, records and
    events refer to it, so it lives in the kernel."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("address in the URL"), max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=240, blank=True)
    description = models.TextField(_("description"), blank=True)
    coordinator = models.ForeignKey(
        Officer,
        verbose_name=_("coordinating officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="neighborhoods",
    )
    boundary = models.JSONField(
        _("boundary (GeoJSON geometry)"),
        null=True,
        blank=True,
        help_text=_("A GeoJSON Polygon or MultiPolygon in longitude/latitude."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("neighborhood")
        verbose_name_plural = _("neighborhoods")

    def __str__(self) -> str:
        return str(self.name)

    def clean(self) -> None:
        if self.boundary is not None:
            kind = self.boundary.get("type") if isinstance(self.boundary, dict) else None
            if kind not in {"Polygon", "MultiPolygon"} or "coordinates" not in self.boundary:
                raise ValidationError(
                    {"boundary": _("Give a GeoJSON Polygon or MultiPolygon geometry.")}
                )


def number_range(low: int | None, high: int | None) -> str:
    """A street's house numbers as shown to residents: "1–199", or "" unless both are given
    (for a list read with values_list, without a Street per row)."""
    if low is None or high is None:
        return ""
    return f"{low}\u2013{high}"


class Street(models.Model):
    """A street of the town. The street list is the town's own, edited in admin."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    neighborhood = models.ForeignKey(
        Neighborhood,
        verbose_name=_("neighborhood"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="streets",
    )
    # The house numbers the street has, both ends included; empty when the town has not said.
    # An address on the street with a number outside them is refused as a mistake.
    number_from = models.PositiveIntegerField(_("lowest house number"), null=True, blank=True)
    number_to = models.PositiveIntegerField(_("highest house number"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number_from__isnull=True)
                | models.Q(number_to__isnull=True)
                | models.Q(number_from__lte=models.F("number_to")),
                name="street_number_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def number_range(self) -> str:
        """ "1–199", or "" when the town has not given the street's numbers."""
        return number_range(self.number_from, self.number_to)

    def has_number(self, number: int) -> bool:
        """Whether a house number can be on this street (True when its range is not known)."""
        if self.number_from is not None and number < self.number_from:
            return False
        return not (self.number_to is not None and number > self.number_to)


class Notification(models.Model):
    """One message in the outbox. Written in the same transaction as the change that caused it;
    delivered by a Celery task after commit, or by the periodic sweep if that never ran."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("Text message")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Being sent")
        # Una notificación: feminine in Spanish, where a report is "fallido".
        SENT = "sent", pgettext_lazy("notification", "Sent")
        FAILED = "failed", pgettext_lazy("notification", "Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"))
    language = models.CharField(_("language"), max_length=8, default="en")
    headers = models.JSONField(
        _("extra e-mail headers"),
        default=dict,
        blank=True,
        help_text=_("For example List-Unsubscribe for a subscription message."),
    )
    attachments = models.JSONField(
        _("attachments"),
        default=list,
        blank=True,
        help_text=_(
            "Files made when the e-mail is sent (each named by its generator), so every "
            "attempt attaches them again."
        ),
    )
    dedupe_key = models.CharField(
        _("de-duplication key"),
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text=_("A message with a key already queued is not queued again."),
    )
    private = models.BooleanField(
        _("private"),
        default=False,
        help_text=_(
            "About an anonymous report: its times are kept to the hour and its text is "
            "removed once it is sent."
        ),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    bulk = models.BooleanField(
        _("bulk"),
        default=False,
        help_text=_(
            "Sent from the bulk queue (newsletters, neighborhood notices), behind the urgent "
            "messages of the same moment."
        ),
    )
    claimed_at = models.DateTimeField(
        _("claimed"),
        null=True,
        blank=True,
        help_text=_("When a worker took the message to send it; empty when no one holds it."),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # What the provider says after it took the message (text messages: portal/sms/).
    provider_id = models.CharField(_("provider's message id"), max_length=64, blank=True)
    provider_status = models.CharField(
        _("provider's status"),
        max_length=20,
        blank=True,
        help_text=_("As the provider last reported it: queued, sent, delivered, undelivered…"),
    )
    provider_status_at = models.DateTimeField(_("provider's status at"), null=True, blank=True)
    provider_error = models.CharField(_("provider's error code"), max_length=20, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=10, decimal_places=5, null=True, blank=True)
    cost_currency = models.CharField(_("currency"), max_length=3, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="notification_pending_due",
                condition=models.Q(status="pending"),
            ),
            models.Index(
                fields=["provider_id"],
                name="notification_provider_id",
                condition=~models.Q(provider_id=""),
            ),
            models.Index(
                fields=["claimed_at"],
                name="notification_sending_claimed",
                condition=models.Q(status="sending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.recipient} ({self.get_status_display()})"


class AuditEntry(models.Model):
    """Who did or viewed what, when. Append-only: the model refuses updates and deletes, and on
    PostgreSQL a trigger refuses them too."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80)
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("kind of record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_id = models.CharField(_("record id"), max_length=64, blank=True)
    target_label = models.CharField(_("record"), max_length=200, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            # One action's entries, newest first (the admin's filter), and the list of actions
            # (portal.selectors.audit_action_list skips through its first column).
            models.Index(fields=["action", "-at", "-id"], name="audit_action_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or '-'} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("Audit log entries cannot be changed."), code="append_only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Audit log entries cannot be deleted."), code="append_only")


class SmsOptOut(models.Model):
    """A telephone number that replied STOP (or PARAR, …): no text message is sent to it until
    it replies START. One row per number, kept when it opts back in (`opted_out` false)."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    opted_out = models.BooleanField(_("opted out"), default=True)
    keyword = models.CharField(_("last keyword"), max_length=20, blank=True)
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        ordering = ["-changed_at"]
        verbose_name = _("text message opt-out")
        verbose_name_plural = _("text message opt-outs")

    def __str__(self) -> str:
        return f"{self.number} ({self.keyword})"


class SmsKeyword(models.Model):
    """Each opt-out or opt-in keyword received, once per provider message id: a replayed
    webhook finds its id here and changes nothing."""

    message_id = models.CharField(_("provider's message id"), max_length=64, unique=True)
    number = models.CharField(_("number"), max_length=20)
    keyword = models.CharField(_("keyword"), max_length=20)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("text message keyword")
        verbose_name_plural = _("text message keywords")

    def __str__(self) -> str:
        return f"{self.keyword} from {self.number}"


# Staff invitations and device tokens live in their own module (portal/staff_models.py), and so
# do retention periods, legal holds and the files a purge owes (portal/retention_models.py) and
# the board's accountability reports (portal/accountability_models.py).
from portal.accountability_models import AccountabilityReport  # noqa: E402, F401
from portal.retention_models import LegalHold, PurgeFile, RetentionPolicy  # noqa: E402, F401
from portal.staff_models import StaffInvitation, StaffToken  # noqa: E402, F401
