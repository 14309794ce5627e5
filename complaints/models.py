"""Complaints and commendations about officers, their investigation and the civilian review
board's review.

What is stored in clear is what staff sort the queue by and what the public accountability page
counts: kind, stage, seriousness, neighborhood, allegation categories and findings, the month a
case came in, when it closed and how many days that took, the outcome's kind. Everything a
resident wrote or that names them (complainant, the person they speak for, witnesses, what
happened, where and when, their messages) and investigators' notes are EncryptedTextField
columns (the "complaints" keyring) or encrypted files.

Times: a case's received time is kept to the hour (`rounded_now`, as on the tip line), its
files' and messages' times too; the kernel's coarse keyring keeps each token to the hour.
"""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.fields import EncryptedTextField
from portal import passphrases
from portal.anonymity import round_to_hour, rounded_now  # noqa: F401 - migrations name them


def new_tracking_code() -> str:
    return passphrases.code_generate()


def normalize_tracking_code(value: str) -> str:
    return passphrases.code_normalize(value)[:20]


def random_file_name(instance, filename: str) -> str:
    # The resident's file name is never kept: it may carry a name or a date.
    return f"complaints/{uuid.uuid4().hex}.bin"


class Complaint(models.Model):
    """One case: a complaint or a commendation about one or more officers."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        COMMENDATION = "commendation", _("Commendation")

    class Filing(models.TextChoices):
        NAMED = "named", _("In my name")
        ANONYMOUS = "anonymous", _("Anonymously")
        ON_BEHALF = "on_behalf", _("On behalf of someone else")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        FRONT_DESK = "front_desk", _("At the front desk")
        MAIL = "mail", _("By mail")
        PHONE = "phone", _("By phone")

    class Stage(models.TextChoices):
        INTAKE = "intake", _("Received")
        CLASSIFICATION = "classification", _("Being classified")
        ASSIGNMENT = "assignment", _("Being assigned")
        INVESTIGATION = "investigation", _("Under investigation")
        FINDING = "finding", _("Findings being made")
        OUTCOME = "outcome", _("Outcome being decided")
        CLOSED = "closed", _("Closed")

    class Seriousness(models.TextChoices):
        UNSET = "", _("Not classified yet")
        MINOR = "minor", _("Minor")
        SERIOUS = "serious", _("Serious")

    class Assignee(models.TextChoices):
        NONE = "", _("Not assigned")
        INTERNAL_AFFAIRS = "internal_affairs", _("Internal affairs")
        SUPERVISOR = "supervisor", _("The officer's supervisor")

    class Outcome(models.TextChoices):
        NONE = "", _("No outcome yet")
        NO_ACTION = "no_action", _("No action")
        TRAINING = "training", _("Training")
        COUNSELING = "counseling", _("Counseling")
        DISCIPLINE = "discipline", _("Discipline")
        POLICY_CHANGE = "policy_change", _("Policy or training change")
        MEDIATION = "mediation", _("Resolved by mediation")
        WITHDRAWN = "withdrawn", _("Withdrawn by the complainant")
        DELIVERED = "delivered", _("Commendation delivered")

    tracking_code = models.CharField(
        _("tracking code"), max_length=11, unique=True, default=new_tracking_code
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    filing = models.CharField(_("filed"), max_length=10, choices=Filing.choices)
    channel = models.CharField(
        _("received"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.INTAKE)
    seriousness = models.CharField(
        _("seriousness"), max_length=8, choices=Seriousness.choices, blank=True, default=""
    )
    neighborhood = models.ForeignKey(
        "portal.Neighborhood",
        verbose_name=_("neighborhood"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )

    # --- who: encrypted, seen only by internal affairs -----------------------------------------
    complainant_name = EncryptedTextField(_("complainant's name"), blank=True)
    complainant_email = EncryptedTextField(_("complainant's e-mail"), blank=True)
    complainant_phone = EncryptedTextField(_("complainant's phone"), blank=True)
    complainant_address = EncryptedTextField(_("complainant's postal address"), blank=True)
    # Filed on behalf of someone: who that person is and how the filer knows them.
    on_behalf_of = EncryptedTextField(_("on behalf of"), blank=True)

    # --- what: encrypted (a resident's own words can identify them) ----------------------------
    what = EncryptedTextField(_("what happened"))
    where = EncryptedTextField(_("where"), blank=True)
    when = EncryptedTextField(_("when"), blank=True)

    # The way back in for the resident (portal.passphrases): a peppered Argon2id hash.
    passphrase_hash = models.CharField(max_length=200, blank=True, editable=False)

    # --- dates (to the hour; the month and the day count for the public figures) --------------
    received_at = models.DateTimeField(_("received (to the hour)"), default=rounded_now)
    # The first day of the month received, in the department's time zone.
    received_month = models.DateField(_("month received"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # Days from received to closed, counted in the department's calendar (set when closed).
    days_to_close = models.PositiveIntegerField(_("days to close"), null=True, blank=True)

    # --- the work ---------------------------------------------------------------------------------
    assignee_kind = models.CharField(
        _("assigned to"), max_length=16, choices=Assignee.choices, blank=True, default=""
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("investigator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_complaints",
    )
    investigation_due_on = models.DateField(_("investigation due"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, blank=True, default=""
    )
    # What was done, in a sentence (no names of the complainant): "Two hours of de-escalation
    # training", "Written reprimand". Shown to the board; never to the public.
    outcome_summary = models.TextField(_("outcome in brief"), blank=True)
    # Filed by staff at the front desk or from a letter: who typed it in (never for anonymous).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Work owed after commit, found by the beat sweeps if the broker was down.
    notice_pending = models.BooleanField(_("staff not yet told"), default=False, editable=False)
    finding_notice_pending = models.BooleanField(
        _("complainant not yet told the finding"), default=False, editable=False
    )
    complainant_notified_on = models.DateField(_("complainant told on"), null=True, blank=True)
    # Bumped on each change by staff: a stale form (two people at once) is refused.
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint or commendation")
        verbose_name_plural = _("complaints and commendations")
        indexes = [
            models.Index(fields=["kind", "received_month"], name="complaint_kind_month"),
            models.Index(fields=["received_month"], name="complaint_month"),
            models.Index(
                fields=["kind", "neighborhood", "received_month"], name="complaint_hood_month"
            ),
            models.Index(fields=["kind", "closed_on"], name="complaint_closed_on"),
            models.Index(fields=["stage", "received_at"], name="complaint_queue"),
            # The staff queue, oldest first: open cases (most of ten years' cases are closed, so
            # without the condition the walk from the oldest would pass them all) and every case.
            models.Index(
                fields=["received_at", "id"],
                condition=~models.Q(stage="closed"),
                name="complaint_open_queue",
            ),
            models.Index(fields=["received_at", "id"], name="complaint_received"),
        ]
        permissions = [
            ("view_complainant", _("Can see who complained (internal affairs)")),
            ("review_complaint", _("Can review closed cases (civilian review board)")),
            ("enter_complaint", _("Can enter a complaint from the front desk or the mail")),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_anonymous(self) -> bool:
        return self.filing == self.Filing.ANONYMOUS

    @property
    def is_commendation(self) -> bool:
        return self.kind == self.Kind.COMMENDATION


class ComplaintOfficer(models.Model):
    """An officer the case is about: the department's Officer when known, else what the
    resident could say (a name or badge number they read, a description, or "I don't know"
    with the time and place)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="officers")
    officer = models.ForeignKey(
        "portal.Officer",
        verbose_name=_("officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaint_links",
    )
    name_given = EncryptedTextField(_("name or badge number given"), blank=True)
    description = EncryptedTextField(_("description given"), blank=True)
    unknown = models.BooleanField(_("the resident does not know who"), default=False)
    seen_when = EncryptedTextField(_("when they met the officer"), blank=True)
    seen_where = EncryptedTextField(_("where they met the officer"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("officer concerned")
        verbose_name_plural = _("officers concerned")
        indexes = [models.Index(fields=["officer", "complaint"], name="complaint_officer")]

    def __str__(self) -> str:
        return str(self.officer) if self.officer_id else str(_("Officer not identified"))


class Allegation(models.Model):
    """One thing the officer is said to have done wrong, with its own finding."""

    class Category(models.TextChoices):
        COURTESY = "courtesy", _("Courtesy")
        USE_OF_FORCE = "use_of_force", _("Use of force")
        PROCEDURE = "procedure", _("Improper procedure")
        BIAS = "bias", _("Bias or discrimination")
        OTHER = "other", _("Other")

    class Finding(models.TextChoices):
        NONE = "", _("No finding yet")
        SUSTAINED = "sustained", _("Sustained")
        NOT_SUSTAINED = "not_sustained", _("Not sustained")
        EXONERATED = "exonerated", _("Exonerated")
        UNFOUNDED = "unfounded", _("Unfounded")
        POLICY_FAILURE = "policy_failure", _("Policy failure")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="allegations")
    officer = models.ForeignKey(
        ComplaintOfficer,
        verbose_name=_("officer concerned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="allegations",
    )
    category = models.CharField(_("category"), max_length=14, choices=Category.choices)
    # Staff's own wording of the allegation ("Used insulting language during a traffic stop").
    summary = models.CharField(_("allegation"), max_length=300)
    finding = models.CharField(
        _("finding"), max_length=16, choices=Finding.choices, blank=True, default=""
    )
    finding_on = models.DateField(_("finding made on"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("allegation")
        verbose_name_plural = _("allegations")
        indexes = [
            models.Index(fields=["category", "finding"], name="allegation_category_finding"),
            models.Index(fields=["finding"], name="allegation_finding"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.summary}"


class Witness(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="witnesses")
    name = EncryptedTextField(_("name"), blank=True)
    contact = EncryptedTextField(_("how to reach them"), blank=True)
    account = EncryptedTextField(_("what they saw"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("witness")
        verbose_name_plural = _("witnesses")

    def __str__(self) -> str:
        return str(_("Witness %(number)s")) % {"number": self.pk}


class ComplaintMessage(models.Model):
    """Information the resident added later, and what staff wrote back."""

    class Direction(models.TextChoices):
        RESIDENT = "resident", _("From the resident")
        STAFF = "staff", _("To the resident")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    body = EncryptedTextField(_("message"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent (to the hour)"), default=rounded_now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.complaint} {self.get_direction_display()}"


class ComplaintAttachment(models.Model):
    """A file from the resident: `original` as received and `clean` (metadata removed by
    portal/scrub.py), both encrypted."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Photo")
        PDF = "pdf", _("PDF document")
        VIDEO = "video", _("Video")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being cleaned")
        CLEAN = "clean", _("Ready")
        FAILED = "failed", _("Could not be cleaned")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    content_type = models.CharField(_("file type"), max_length=60)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    original = models.FileField(_("original (encrypted)"), upload_to=random_file_name)
    clean = models.FileField(_("clean copy (encrypted)"), upload_to=random_file_name, blank=True)
    clean_content_type = models.CharField(max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    status_reason = models.CharField(_("why not cleaned"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("received (to the hour)"), default=rounded_now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self) -> str:
        return f"{self.complaint} {self.get_kind_display()} {self.pk}"


class InvestigationStep(models.Model):
    """A dated step of the investigation: an interview, evidence gathered, a request, with a
    deadline; a reminder goes to whoever holds the case when the deadline nears."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("Interview")
        EVIDENCE = "evidence", _("Evidence")
        REQUEST = "request", _("Request for records")
        REVIEW = "review", _("Review of footage or reports")
        OTHER = "other", _("Other")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("step"), max_length=200)
    # May name the complainant or a witness: encrypted, internal affairs only.
    notes = EncryptedTextField(_("notes"), blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)
    # The day the last reminder was queued (one a day at most while it is overdue).
    reminded_on = models.DateField(_("last reminded"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("investigation step")
        verbose_name_plural = _("investigation steps")
        indexes = [models.Index(fields=["done_on", "due_on"], name="complaint_step_due")]

    def __str__(self) -> str:
        return self.title


class BoardReview(models.Model):
    """The civilian review board's view of a closed case."""

    class Position(models.TextChoices):
        AGREE = "agree", _("Agrees with the findings")
        DISAGREE = "disagree", _("Disagrees with the findings")

    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="board_review"
    )
    position = models.CharField(_("the board"), max_length=8, choices=Position.choices)
    reasons = models.TextField(_("reasons"), blank=True)
    recommendation = models.TextField(_("recommendation"), blank=True)
    reviewed_on = models.DateField(_("reviewed on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("board review")
        verbose_name_plural = _("board reviews")
        indexes = [models.Index(fields=["reviewed_on"], name="board_review_on")]

    def __str__(self) -> str:
        return f"{self.complaint}: {self.get_position_display()}"


def month_start(day: date) -> date:
    return day.replace(day=1)
