"""Careers: open positions, the hiring steps, and the college internship's applications."""

import os
import secrets
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.localtime import local_today


class Position(models.Model):
    """A job the department is hiring for. It is on the open list until its closing date has
    passed (the closing day itself included, in the department's time zone)."""

    class Kind(models.TextChoices):
        ENTRY = "entry", _("Entry-level police officer")
        CERTIFIED = "certified", _("Certified (lateral) police officer")
        CIVILIAN = "civilian", _("Civilian role")

    slug = models.SlugField(_("address in the URL"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=160)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    salary = models.CharField(_("pay"), max_length=160, blank=True)
    how_to_apply = models.TextField(_("how to apply"), blank=True)
    closes_on = models.DateField(_("closing date"), help_text=_("The last day to apply."))
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["closes_on", "id"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("careers:position", args=[self.slug])

    @property
    def is_open(self) -> bool:
        return self.is_published and self.closes_on >= local_today()


class HiringStep(models.Model):
    """One step of the hiring process, in the order a candidate meets them."""

    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("hiring step")
        verbose_name_plural = _("hiring steps")

    def __str__(self) -> str:
        return str(self.title)


class PrivateStorage(FileSystemStorage):
    """CVs live under CAREERS_FILE_ROOT, outside MEDIA_ROOT, so no URL ever serves them
    directly (read at each use, so tests can point it elsewhere)."""

    @property
    def base_location(self):
        return str(settings.CAREERS_FILE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def private_storage() -> PrivateStorage:
    return PrivateStorage()


def _tracking_code() -> str:
    return "INT-" + "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8))


class InternshipApplication(models.Model):
    """A student's application to the college internship. Status changes go through
    careers.services.application_update, which writes the audit entry and the e-mail."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        UNDER_REVIEW = "under_review", _("Under review")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        INTERVIEW = "interview", _("Invited to an interview")
        OFFERED = "offered", pgettext_lazy("internship", "Offered a place")
        NOT_SELECTED = "not_selected", _("Not selected")

    class Semester(models.TextChoices):
        SPRING = "spring", _("Spring")
        SUMMER = "summer", _("Summer")
        FALL = "fall", _("Fall")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tracking_code = models.CharField(
        _("tracking code"), max_length=12, unique=True, default=_tracking_code, editable=False
    )
    name = models.CharField(_("name"), max_length=160)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    school = models.CharField(_("school"), max_length=200)
    program_of_study = models.CharField(_("program of study"), max_length=200)
    expected_graduation = models.CharField(_("expected graduation"), max_length=40)
    semester = models.CharField(_("semester"), max_length=8, choices=Semester.choices)
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"))
    statement = models.TextField(_("statement"))
    cv = models.FileField(
        _("CV (encrypted)"), upload_to="cv/%Y/%m/", storage=private_storage, editable=False
    )
    language = models.CharField(_("language"), max_length=8, default="en", editable=False)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.RECEIVED
    )
    notes = models.TextField(_("reviewers' notes"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("internship application")
        verbose_name_plural = _("internship applications")
        indexes = [models.Index(fields=["status", "decided_at"], name="careers_app_decided")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours_per_week__gte=1, hours_per_week__lte=40),
                name="careers_app_hours",
            )
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.name}"
