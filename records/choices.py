"""The request's kinds, statuses and closure reasons: choices the models, services, forms and
templates share (imported from records.models as before)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    POLICE_REPORT = "police_report", _("Copy of a police (incident) report")
    ACCIDENT_REPORT = "accident_report", _("Copy of an accident (crash) report")
    RECORD_CHECK = "record_check", _("Record check or background letter")
    FINGERPRINTING = "fingerprinting", _("Fingerprinting appointment")
    OTHER_FOI = "other_foi", _("Other Freedom of Information request")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    IN_REVIEW = "in_review", _("In review")
    READY = "ready", _("Ready for release")
    AWAITING_REQUESTER = "awaiting_requester", _("Waiting for you")
    CLOSED = "closed", _("Closed")


class ClosureReason(models.TextChoices):
    FULFILLED = "fulfilled", _("Fulfilled")
    PARTLY_FULFILLED = "partly_fulfilled", _("Partly fulfilled")
    DENIED = "denied", _("Denied")
    NO_RECORDS = "no_records", _("No records found")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REFERRED = "referred", _("Referred to another agency")
