"""Records and report requests: the request, its timeline, messages, files, fees and
fingerprinting slots. Rules live in records/services/, reads in records/selectors.py."""

import os
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.singletons import LocalSingleton
from records.choices import ClosureReason, RequestKind, Status


class PrivateStorage(FileSystemStorage):
    """Request files live under RECORDS_FILE_ROOT, outside MEDIA_ROOT, so no URL ever serves
    them directly (read at each use, so tests can point it elsewhere)."""

    @property
    def base_location(self):
        return str(settings.RECORDS_FILE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def private_storage() -> PrivateStorage:
    return PrivateStorage()


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
    author = models.CharField(_("from"), max_length=10, choices=Author.choices)
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


class Document(models.Model):
    """A file attached to a request. Every file is stored encrypted (Fernet); `kind` says who
    may see it: identity documents and clerk uploads stay inside, released documents reach the
    requester only once fees are settled."""

    class Kind(models.TextChoices):
        ID_DOCUMENT = "id_document", _("Identity document")
        REQUESTER_UPLOAD = "requester_upload", _("Upload from the requester")
        RESPONSIVE = "responsive", _("Responsive record (before redaction)")
        RELEASED = "released", _("Released document")

    request = models.ForeignKey(RecordRequest, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    file = models.FileField(_("file"), upload_to="%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    pages = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    purged_at = models.DateTimeField(_("purged"), null=True, blank=True)
    # Released documents only: who put it forward, and the second clerk who approved it. The
    # requester sees a released document only once it is approved (records/services/documents.py).
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("put forward for release by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("release approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("release approved"), null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["kind", "uploaded_at"], name="records_doc_kind")]

    def __str__(self) -> str:
        return self.original_name


class Redaction(models.Model):
    """A part of a responsive record withheld under a statutory exemption: an area of a page,
    scanned or PDF (blacked out in the pixels of the released page: records/redact.py), or a
    whole page."""

    request = models.ForeignKey(RecordRequest, on_delete=models.CASCADE, related_name="redactions")
    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="redactions"
    )
    page = models.PositiveSmallIntegerField(_("page"), default=1)
    whole_page = models.BooleanField(_("withhold the whole page"), default=False)
    left = models.DecimalField(
        _("left (% of width)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    top = models.DecimalField(
        _("top (% of height)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    width = models.DecimalField(
        _("width (% of width)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    height = models.DecimalField(
        _("height (% of height)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    exemption = models.CharField(
        _("exemption cited"),
        max_length=200,
        help_text=_("For example: C.G.S. §1-210(b)(3)(A) (identity of an uninvolved witness)."),
    )
    note = models.CharField(_("what is withheld"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document_id", "page", "id"]
        verbose_name = _("redaction")
        verbose_name_plural = _("redactions")

    def __str__(self) -> str:
        return f"{self.document} p.{self.page}: {self.exemption}"


class ReleasePacket(models.Model):
    """One PDF for the requester: cover letter, the redacted records, the redaction log.
    Prepared by one clerk, approved by another, built by a Celery job."""

    class State(models.TextChoices):
        PREPARED = "prepared", _("Waiting for a second person's approval")
        APPROVED = "approved", _("Approved")
        QUEUED = "queued", _("Queued")
        BUILDING = "building", _("Building")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    request = models.ForeignKey(RecordRequest, on_delete=models.CASCADE, related_name="packets")
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PREPARED
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(_("error"), blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("release packet")
        verbose_name_plural = _("release packets")
        indexes = [models.Index(fields=["state", "queued_at"], name="records_packet_state")]

    def __str__(self) -> str:
        return f"{self.request} packet {self.pk}"


class RecordCheckLetter(models.Model):
    """A record-check letter: prepared by one clerk, issued (generated and released) by another.
    Anyone holding an issued letter can confirm it at /records/verify/ with its code."""

    request = models.ForeignKey(RecordRequest, on_delete=models.CASCADE, related_name="letters")
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    subject_name = models.CharField(_("name on the letter"), max_length=150)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    records_found = models.BooleanField(_("records found"))
    prepared_at = models.DateTimeField(_("prepared"), null=True, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Empty until a second clerk issues the letter: only then is it released and verifiable.
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("record-check letter")
        verbose_name_plural = _("record-check letters")

    def __str__(self) -> str:
        return self.code


class EmployeeNotice(models.Model):
    """Notice to an employee (or their union) that someone asked for records from their
    personnel, medical or similar files (C.G.S. §1-214(b)). The employee may object in writing
    within the window (§1-214(c)); an objection stops the release until it is resolved."""

    class Resolution(models.TextChoices):
        WITHDRAWN = "withdrawn", _("Objection withdrawn")
        ORDERED = "ordered", _("Disclosure ordered by the Freedom of Information Commission")
        UPHELD = "upheld", _("Records withheld (not disclosed)")

    request = models.ForeignKey(
        RecordRequest, on_delete=models.CASCADE, related_name="employee_notices"
    )
    employee_name = models.CharField(_("employee or union"), max_length=150)
    email = models.EmailField(_("e-mail the notice was sent to"))
    sent_at = models.DateTimeField(_("notice sent"))
    objection_deadline = models.DateField(_("last day to object"))
    objected_at = models.DateTimeField(_("objection received"), null=True, blank=True)
    objection_note = models.TextField(_("objection"), blank=True)
    resolved_at = models.DateTimeField(_("objection resolved"), null=True, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=10, choices=Resolution.choices, blank=True
    )
    resolution_note = models.TextField(_("resolution note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = _("employee notice (C.G.S. §1-214)")
        verbose_name_plural = _("employee notices (C.G.S. §1-214)")

    def __str__(self) -> str:
        return f"{self.request} {self.employee_name}"


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


class RecordsSettings(LocalSingleton):
    """Settings of the Records Division, edited in admin."""

    id_retention_days = models.PositiveSmallIntegerField(
        _("keep identity documents for (days after closing)"), default=90
    )
    reminder_business_days = models.PositiveSmallIntegerField(
        _("remind the assigned clerk this many business days before the due date"), default=1
    )
    supervisor_email = models.EmailField(
        _("supervisor's e-mail (daily overdue digest)"), blank=True
    )

    class Meta:
        verbose_name = _("records settings")

    def __str__(self) -> str:
        return str(_("Records settings"))


# Online payments (Stripe Checkout) live in their own module.
from records.payment_models import Payment, PaymentEvent, PaymentRefund  # noqa: E402, F401
