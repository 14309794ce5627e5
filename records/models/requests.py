"""A resident's request, its timeline and the messages on it. A request's status changes only
through records/services/lifecycle.py (`TRANSITIONS`), which also keeps its due date (four
business days to comply, C.G.S. §1-206) and pauses it."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from records.choices import ClosureReason, RequestKind, Status


class RecordRequest(models.Model):
    """One resident's request. `details` holds what the request's kind asks for (a case number,
    a plate, a purpose), validated by the typed form that took it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tracking_number = models.CharField(_("tracking number"), max_length=20, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=RequestKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    paused_status = models.CharField(
        _("status before the pause"), max_length=20, choices=Status.choices, blank=True
    )
    pause_reason = models.CharField(_("what we are waiting for"), max_length=300, blank=True)
    business_days_left = models.SmallIntegerField(
        _("business days left when paused"), null=True, blank=True
    )
    closure_reason = models.CharField(
        _("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    exemption = models.CharField(
        _("statutory exemption"),
        max_length=200,
        blank=True,
        help_text=_("For a denial: the statute that allows it, e.g. C.G.S. §1-210(b)(3)."),
    )
    closure_note = models.TextField(_("closure note"), blank=True)

    requester_name = models.CharField(_("name"), max_length=150)
    requester_email = models.EmailField(_("e-mail"))
    requester_phone = models.CharField(_("phone"), max_length=25, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    details = models.JSONField(_("details"), default=dict, blank=True)
    description = models.TextField(_("what is asked for"), blank=True)

    sent_at = models.DateTimeField(
        _("sent"), help_text=_("When the requester sent it (postmark, e-mail or web form).")
    )
    received_at = models.DateTimeField(_("received"))
    due_date = models.DateField(_("due"))
    first_response_at = models.DateTimeField(_("first written response"), null=True, blank=True)
    deemed_denied_at = models.DateTimeField(_("deemed denied"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned clerk"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="record_requests",
    )
    fees_paid_at = models.DateTimeField(_("fees paid"), null=True, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=40, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=120, blank=True)
    slot = models.ForeignKey(
        "FingerprintSlot",
        verbose_name=_("fingerprinting appointment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    reminder_sent_for = models.ForeignKey(
        "FingerprintSlot",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    lookup_code_hash = models.CharField(max_length=128, blank=True, editable=False)
    lookup_code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    lookup_code_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("record request")
        verbose_name_plural = _("record requests")
        indexes = [
            models.Index(fields=["due_date", "id"], name="records_due"),
            models.Index(fields=["status", "due_date"], name="records_status_due"),
            models.Index(fields=["kind", "due_date"], name="records_kind_due"),
            models.Index(fields=["assigned_to", "due_date"], name="records_assignee_due"),
            models.Index(fields=["received_at"], name="records_received"),
            models.Index(fields=["requester_email"], name="records_email"),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    @property
    def is_paused(self) -> bool:
        return self.status == Status.AWAITING_REQUESTER


class TimelineEntry(models.Model):
    """A step in a request's life. `public` entries are shown to the resident."""

    request = models.ForeignKey(RecordRequest, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=40)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(_("shown to the requester"), default=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Names the thing an entry reports when two paths may report it (a refund: Stripe's answer
    # and its webhook): an entry with a key is written once per request.
    key = models.CharField(_("key"), max_length=100, blank=True, default="", editable=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "key"],
                condition=~models.Q(key=""),
                name="records_timelineentry_once_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.action}"


class Message(models.Model):
    class Author(models.TextChoices):
        REQUESTER = "requester", _("Requester")
        CLERK = "clerk", _("Records Division")
        NOTE = "note", _("Internal note")

    request = models.ForeignKey(RecordRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(
        pgettext_lazy("message", "from"), max_length=10, choices=Author.choices
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.request} {self.get_author_display()}"
