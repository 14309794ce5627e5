"""Programs, their events and news, registrations, and the neighborhoods' problem boards.

Rules live in programs/services/, reads in programs/selectors.py.
"""

import uuid
from urllib.parse import quote_plus

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.contact import ContactChannel
from portal.models import Neighborhood, Officer, phone_validator


class Program(models.Model):
    """A community program's public page, written by community officers and approved by a
    publisher."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(_("address in the URL"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences shown in the list of programs."),
    )
    body = models.TextField(
        _("page text"),
        blank=True,
        help_text=_(
            "Write in Markdown: a blank line between paragraphs, ## for a heading, - for a list, "
            "[text](https://...) for a link."
        ),
    )
    contact_officer = models.ForeignKey(
        Officer,
        verbose_name=_("officer to contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programs",
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officers who may edit it"),
        blank=True,
        related_name="edited_programs",
        help_text=_("Community officers assigned to this program. Publishers edit every program."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publish on"),
        null=True,
        blank=True,
        help_text=_("Once approved, the page goes live at this time. Leave empty for now."),
    )
    unpublish_at = models.DateTimeField(
        _("take down on"),
        null=True,
        blank=True,
        help_text=_("The page goes back to draft at this time. Leave empty to keep it up."),
    )
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        permissions = [("publish_program", _("Can approve and publish any program"))]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", args=[self.slug])

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.PUBLISHED and (
            self.publish_at is None or self.publish_at <= now
        )

    def clean(self) -> None:
        if self.publish_at and self.unpublish_at and self.unpublish_at <= self.publish_at:
            raise ValidationError(
                {"unpublish_at": _("Take the page down after it goes up, not before.")}
            )


class ProgramImage(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to="programs/")
    alt_text = models.CharField(
        _("description for people who cannot see it"),
        max_length=200,
        help_text=_("Say what the picture shows, e.g. “Officers and kids playing basketball”."),
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return str(self.alt_text)


class Partner(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("what they do"), max_length=240, blank=True)
    logo = models.ImageField(_("logo"), upload_to="partners/", blank=True)
    url = models.URLField(_("web site"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.name


class ProgramRevision(models.Model):
    """A snapshot of a program's whole page (text in both languages, contact, schedule,
    images, partners) after each save, so staff see who changed what and can go back to an
    earlier version. A change an officer makes to a published page is a revision too, kept
    pending (the published page stays as it is) until a publisher approves it."""

    class State(models.TextChoices):
        SAVED = "saved", _("Saved")
        PENDING = "pending", _("Pending change (not public)")
        REVIEW = "review", _("Pending change, in review")
        RETURNED = "returned", _("Pending change, sent back")
        APPROVED = "approved", _("Change approved and published")
        SUPERSEDED = "superseded", _("Replaced by a later change")

    OPEN_STATES = (State.PENDING, State.REVIEW, State.RETURNED)

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="revisions")
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("what happened"), max_length=200, blank=True)
    changed_fields = models.JSONField(_("fields changed"), default=list, blank=True)
    snapshot = models.JSONField(_("content"), default=dict)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.SAVED)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    def __str__(self) -> str:
        return f"{self.program} {self.created_at:%Y-%m-%d %H:%M}"


class NewsItem(models.Model):
    """A short update about a program, listed on its page and in the news feed."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="news")
    title = models.CharField(_("headline"), max_length=160)
    body = models.TextField(_("text"), help_text=_("Markdown, as on program pages."))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("news item")
        verbose_name_plural = _("news")

    def __str__(self) -> str:
        return str(self.title)


class Event(models.Model):
    """Something residents can come to: a program's activity or a neighborhood meeting."""

    class Registration(models.TextChoices):
        NONE = "none", _("No sign-up: just come")
        SIMPLE = "simple", _("Sign-up with name and contact")
        YOUTH = "youth", _("Youth sign-up (guardian's consent)")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        RESCHEDULED = "rescheduled", _("Rescheduled")
        CANCELLED = "cancelled", _("Cancelled")

    slug = models.SlugField(_("address in the URL"), max_length=100, unique=True)
    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    neighborhood = models.ForeignKey(
        Neighborhood,
        verbose_name=_("neighborhood"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
        help_text=_("For a community meeting. An event belongs to a program or a neighborhood."),
    )
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place_name = models.CharField(_("place"), max_length=160)
    address = models.CharField(_("street address"), max_length=200)
    accessibility = models.CharField(
        _("accessibility"),
        max_length=300,
        blank=True,
        help_text=_("Step-free entrance, interpreters, parking, and so on."),
    )
    registration = models.CharField(
        _("sign-up"), max_length=8, choices=Registration.choices, default=Registration.NONE
    )
    min_age = models.PositiveSmallIntegerField(_("youngest age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("oldest age"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED
    )
    status_note = models.CharField(_("notice to the public"), max_length=300, blank=True)
    previous_starts_at = models.DateTimeField(_("was to start"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    information_session = models.BooleanField(
        _("information session"),
        default=False,
        help_text=_("A recruiting information session: also listed on the careers page."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # An officer's new or changed event on a program waits for a publisher (issue 13): the
    # submitted values of the fields that differ, applied when a publisher approves.
    pending_change = models.JSONField(
        _("change waiting for approval"), null=True, blank=True, editable=False
    )
    pending_author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("change proposed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pending_at = models.DateTimeField(
        _("change proposed on"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["starts_at"], name="event_starts")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="event_ends_after"
            ),
            models.CheckConstraint(
                condition=models.Q(program__isnull=False) | models.Q(neighborhood__isnull=False),
                name="event_has_an_owner",
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("programs:event", args=[self.slug])

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def takes_registration(self) -> bool:
        return self.registration != self.Registration.NONE

    @property
    def places_left(self) -> int | None:
        """Places still free (None: no limit). Uses the selectors' annotation when present."""
        if self.capacity is None:
            return None
        taken = getattr(self, "places_taken", None)
        if taken is None:
            taken = self.registrations.filter(status__in=Registration.HOLDS_A_PLACE).count()
        return max(self.capacity - taken, 0)

    @property
    def map_url(self) -> str:
        return "https://www.openstreetmap.org/search?query=" + quote_plus(self.address)

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The event must end after it starts.")
        if not self.program_id and not self.neighborhood_id:
            errors["program"] = _("Choose the program or the neighborhood this event belongs to.")
        if self.min_age and self.max_age and self.max_age < self.min_age:
            errors["max_age"] = _("The oldest age cannot be below the youngest.")
        if errors:
            raise ValidationError(errors)


class Registration(models.Model):
    """One person's (or one youth's) place at an event, or their place in the waiting list."""

    class Status(models.TextChoices):
        HELD = "held", _("Held: e-mail not yet confirmed")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        OFFERED = "offered", _("Offered a place")
        CANCELLED = "cancelled", pgettext_lazy("registration", "Cancelled")  # una inscripción
        EXPIRED = "expired", _("Offer expired")

    # A held place (sign-up not yet confirmed from the e-mail) is kept from others until it
    # is confirmed or its hold ends.
    HOLDS_A_PLACE = (Status.CONFIRMED, Status.OFFERED, Status.HELD)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=25, blank=True, validators=[phone_validator])
    contact_channel = models.CharField(
        _("reminders by"),
        max_length=8,
        choices=ContactChannel.choices,
        default=ContactChannel.EMAIL,
        help_text=_("How the reminder and news of a moved or cancelled event are sent."),
    )
    youth_name = models.CharField(_("youth's name"), max_length=120, blank=True)
    youth_age = models.PositiveSmallIntegerField(
        _("youth's age"),
        null=True,
        blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(21)],
    )
    consent = models.BooleanField(_("guardian's consent"), default=False)
    language = models.CharField(_("language"), max_length=8, default="en")
    created_at = models.DateTimeField(_("signed up"), default=timezone.now)
    # When an offered place, or a held place not yet confirmed, passes on.
    offer_expires_at = models.DateTimeField(_("offer ends"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [models.Index(fields=["event", "status", "created_at"], name="reg_queue")]

    def __str__(self) -> str:
        return self.youth_name or self.name


class Problem(models.Model):
    """A problem a neighborhood's community raised, worked with the SARA model."""

    class Stage(models.TextChoices):
        SCANNING = "scanning", _("Scanning: naming the problem")
        ANALYSIS = "analysis", _("Analysis: learning why it happens")
        RESPONSE = "response", _("Response: acting on it")
        ASSESSMENT = "assessment", _("Assessment: checking it worked")

    class Status(models.TextChoices):
        OPEN = "open", _("Being worked on")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed without resolution")

    neighborhood = models.ForeignKey(
        Neighborhood, on_delete=models.CASCADE, related_name="problems"
    )
    title = models.CharField(_("problem"), max_length=160)
    description = models.TextField(_("what residents told us"), blank=True)
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.SCANNING
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="open")
    raised_on = models.DateField(_("raised on"), default=timezone.localdate)
    is_published = models.BooleanField(_("published"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "-raised_on"]
        verbose_name = _("neighborhood problem")
        verbose_name_plural = _("problem board")

    def __str__(self) -> str:
        return str(self.title)


class ProblemNote(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="notes")
    on = models.DateField(_("date"), default=timezone.localdate)
    stage = models.CharField(_("stage"), max_length=12, choices=Problem.Stage.choices)
    text = models.TextField(_("progress"))

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return f"{self.on}: {self.text[:40]}"


class Subscription(models.Model):
    """A resident who wants e-mail about a neighborhood's meetings and updates."""

    neighborhood = models.ForeignKey(
        Neighborhood, on_delete=models.CASCADE, related_name="subscriptions"
    )
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=8, default="en")
    created_at = models.DateTimeField(_("subscribed"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("neighborhood subscription")
        verbose_name_plural = _("neighborhood subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["neighborhood", "email"], name="one_subscription")
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.neighborhood})"
