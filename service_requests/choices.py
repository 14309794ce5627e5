"""The fixed vocabularies of service requests: statuses and their transitions, close reasons,
attribute datatypes (exactly GeoReport v2's), response-target units."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    OPEN = "open", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


# The state machine, stated once (services.request_transition enforces it). A closed request
# can be reopened by staff; nothing else goes backwards.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.OPEN: (Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.CLOSED),
    Status.ACKNOWLEDGED: (Status.IN_PROGRESS, Status.CLOSED),
    Status.IN_PROGRESS: (Status.CLOSED,),
    Status.CLOSED: (Status.OPEN,),
}

# What the resident reads on the tracking page for each status, in plain words.
STATUS_PLAIN = {
    Status.OPEN: _("We received your request. It is waiting to be looked at."),
    Status.ACKNOWLEDGED: _("Staff have read your request and it is in the queue of the team."),
    Status.IN_PROGRESS: _("Someone is working on it now."),
    Status.CLOSED: _("The request is closed."),
}


class CloseReason(models.TextChoices):
    RESOLVED = "resolved", _("Resolved: the problem was dealt with")
    GONE = "gone", _("Nothing found: gone when we arrived")
    REFERRED = "referred", _("Referred to another agency")
    DUPLICATE = "duplicate", _("Duplicate of another request")
    NO_ACTION = "no_action", _("No action possible")
    WITHDRAWN = "withdrawn", _("Withdrawn by the resident")


class Datatype(models.TextChoices):
    """GeoReport v2 attribute datatypes, spelt as the specification spells them."""

    STRING = "string", _("Short text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLEVALUELIST = "singlevaluelist", _("One choice from a list")
    MULTIVALUELIST = "multivaluelist", _("Several choices from a list")


LIST_DATATYPES = (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST)


class TargetUnit(models.TextChoices):
    HOURS = "hours", pgettext_lazy("time unit", "hours")
    BUSINESS_DAYS = "business_days", _("business days")


class Source(models.TextChoices):
    WEB = "web", _("Web form")
    OPEN311 = "open311", _("Open311 application")
    STAFF = "staff", _("Taken by staff")


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    STATUS = "status", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    NOTE = "note", _("Internal note")
    MESSAGE = "message", _("Message to the resident")
    MERGED = "merged", _("Duplicate merged in")


# Events a resident sees on the tracking page (internal notes and assignments are staff-only).
PUBLIC_EVENT_KINDS = (EventKind.SUBMITTED, EventKind.STATUS, EventKind.MESSAGE)
