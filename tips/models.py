"""The tip line's models. Everything a tipster writes is held in EncryptedTextField columns or
encrypted files; what is stored in clear is only what staff need to sort the queue (category,
status, priority, neighborhood) and a received time rounded to the hour."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal import passphrases
from portal.anonymity import round_to_hour, rounded_now  # noqa: F401 - migrations name them
from tips.fields import EncryptedTextField

NUMBER_ALPHABET = passphrases.CODE_ALPHABET
NUMBER_LENGTH = passphrases.CODE_LENGTH


def new_tip_number() -> str:
    return passphrases.code_generate()


def normalize_tip_number(value: str) -> str:
    return passphrases.code_normalize(value)


def random_file_name(instance, filename: str) -> str:
    # The resident's file name is never kept: it may carry a name or a date.
    return f"tips/{uuid.uuid4().hex}.bin"


class TipCategory(models.Model):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("code"), max_length=40, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    urgent = models.BooleanField(
        _("urgent"),
        default=False,
        help_text=_("Tips in urgent categories are triaged first and start at urgent priority."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("offered on the form"), default=True)
    on_duty = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("investigators on duty"),
        blank=True,
        related_name="tip_categories_on_duty",
        help_text=_(
            "They are e-mailed when a tip arrives in this category. If nobody is chosen, "
            "every active tip investigator is."
        ),
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("tip category")
        verbose_name_plural = _("tip categories")

    def __str__(self) -> str:
        return str(self.name)


class Tip(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        REVIEWING = "reviewing", _("Being reviewed")
        REWARD_ELIGIBLE = "reward", _("Eligible for a reward")
        CLOSED = "closed", _("Closed")

    class Priority(models.IntegerChoices):
        URGENT = 1, _("Urgent")
        HIGH = 2, _("High")
        NORMAL = 3, _("Normal")
        LOW = 4, _("Low")

    class Outcome(models.TextChoices):
        NONE = "", _("Not closed")
        ACTED_ON = "acted_on", _("Acted on")
        REFERRED = "referred", _("Referred to another agency")
        NOT_ACTIONABLE = "not_actionable", _("Not enough to act on")
        DUPLICATE = "duplicate", _("Duplicate of another tip")
        UNFOUNDED = "unfounded", _("Unfounded")

    number = models.CharField(_("tip number"), max_length=11, unique=True, default=new_tip_number)
    category = models.ForeignKey(
        TipCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="tips"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    neighborhood = models.ForeignKey(
        "portal.Neighborhood",
        verbose_name=_("neighborhood"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tips",
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    what = EncryptedTextField(_("what happened"))
    where = EncryptedTextField(_("where"), blank=True)
    when = EncryptedTextField(_("when"), blank=True)
    people = EncryptedTextField(_("people involved"), blank=True)
    vehicles = EncryptedTextField(_("vehicles involved"), blank=True)
    contact = EncryptedTextField(_("contact details"), blank=True)
    passphrase_hash = models.CharField(max_length=200, editable=False)
    received_at = models.DateTimeField(_("received (to the hour)"), default=rounded_now)
    first_triaged_at = models.DateTimeField(_("first triaged"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned investigator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tips",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    related = models.ManyToManyField("self", verbose_name=_("linked tips"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, blank=True, default=""
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    packet = models.FileField(_("case packet"), upload_to=random_file_name, blank=True)
    packet_built_at = models.DateTimeField(_("case packet built"), null=True, blank=True)
    # Requested and not yet built: the packet sweep (tips.tasks.packet_sweep) looks for these.
    packet_pending = models.BooleanField(_("case packet owed"), default=False, editable=False)
    # A flag, not a time: an exact time of submission could be matched with a phone's records.
    notice_pending = models.BooleanField(
        _("investigators not yet told"), default=False, editable=False
    )

    class Meta:
        ordering = ["priority", "-received_at"]
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        indexes = [
            models.Index(fields=["status", "priority", "received_at"], name="tip_queue"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def has_contact(self) -> bool:
        return bool(self.contact)

    @property
    def triage_delay(self):
        if self.first_triaged_at is None:
            return None
        return self.first_triaged_at - self.received_at


class TipMessage(models.Model):
    class Direction(models.TextChoices):
        TIPSTER = "tipster", _("From the tipster")
        INVESTIGATOR = "investigator", _("To the tipster")

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(_("direction"), max_length=12, choices=Direction.choices)
    body = EncryptedTextField(_("message"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("investigator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent (to the hour)"), default=rounded_now)
    read_by_staff = models.BooleanField(_("read"), default=False)
    # Set when a merge moved this row here from a duplicate tip: the tip whose tipster it belongs
    # to. That tipster still sees it under their own number; the surviving tip's does not.
    merged_from = models.ForeignKey(
        Tip,
        verbose_name=_("from merged tip"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages with the tipster")

    def __str__(self) -> str:
        return f"{self.tip} {self.get_direction_display()}"


class TipNote(models.Model):
    """An internal note: never shown to the tipster."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="notes")
    body = EncryptedTextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("investigator"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    # Set when a merge moved this row here from a duplicate tip: the tip whose tipster it belongs
    # to. That tipster still sees it under their own number; the surviving tip's does not.
    merged_from = models.ForeignKey(
        Tip,
        verbose_name=_("from merged tip"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return f"{self.tip} note"


class TipAttachment(models.Model):
    """A file from the tipster. `clean` is the copy investigators open: hidden details removed
    (portal/scrub.py), then encrypted. `original` is the file as received, encrypted, kept as
    evidence for settings.TIPS_ORIGINAL_RETENTION_DAYS once a clean copy exists, then purged;
    opening it takes the "view_original_attachment" permission and a recorded reason."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Photo")
        PDF = "pdf", _("PDF document")
        VIDEO = "video", _("Video")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being cleaned")
        CLEAN = "clean", _("Ready")
        FAILED = "failed", _("Could not be cleaned")

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    content_type = models.CharField(_("file type"), max_length=60)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    original = models.FileField(_("original (encrypted)"), upload_to=random_file_name, blank=True)
    # The day the original was deleted under the retention limit (empty while it is kept).
    original_purged_on = models.DateField(_("original deleted on"), null=True, blank=True)
    clean = models.FileField(_("clean copy (encrypted)"), upload_to=random_file_name, blank=True)
    clean_content_type = models.CharField(max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    # Why it could not be cleaned (a video over the limits, a file the cleaner could not read).
    status_reason = models.CharField(_("why not cleaned"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("received (to the hour)"), default=rounded_now)
    # Set when a merge moved this row here from a duplicate tip: the tip whose tipster it belongs
    # to. That tipster still sees it under their own number; the surviving tip's does not.
    merged_from = models.ForeignKey(
        Tip,
        verbose_name=_("from merged tip"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        permissions = [
            ("view_original_attachment", _("Can open the original of a tip attachment")),
        ]

    def __str__(self) -> str:
        return f"{self.tip} {self.get_kind_display()} {self.pk}"
