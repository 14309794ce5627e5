"""Service requests: what residents ask the department for that is neither an emergency nor a
crime tip (a stray dog, an abandoned car, dirt bikes), the catalogue of services they choose
from, and each request's history. Rules live in services.py, reads in selectors.py.

The catalogue follows Open311 GeoReport v2: a Service has a `code` (service_code) and its own
questions (ServiceAttribute, with GeoReport's datatypes and, for lists, AttributeValue key/name
pairs), so the Open311 server reads these models as they are.
"""

import os
import secrets
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import Division, Neighborhood, Street
from service_requests.choices import (
    CloseReason,
    Datatype,
    EventKind,
    Source,
    Status,
    TargetUnit,
)
from service_requests.crypto import ContactField

SHORT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
SHORT_CODE_LENGTH = 8


def new_short_code() -> str:
    """Eight characters from 32 (40 bits): not guessable, easy to read out on the phone."""
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


class PhotoStorage(FileSystemStorage):
    """Residents' photos (already cleaned of metadata), outside MEDIA_ROOT: the web server
    never serves them; views do, to staff and to the holder of the tracking link."""

    @property
    def base_location(self):
        return str(settings.SERVICE_REQUESTS_FILE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def photo_storage() -> PhotoStorage:
    return PhotoStorage()


class ServiceGroup(models.Model):
    """A heading of the service picker ("Animals", "Vehicles", "Noise and nuisance")."""

    name = models.CharField(_("name"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("service group")
        verbose_name_plural = _("service groups")

    def __str__(self) -> str:
        return str(self.name)


class Service(models.Model):
    """A kind of request residents can make, routed to a division, with a response target."""

    code = models.SlugField(
        _("service code"),
        max_length=40,
        unique=True,
        help_text=_("Stable: Open311 applications store it. Lower case, digits and dashes."),
    )
    group = models.ForeignKey(
        ServiceGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("plain description"), max_length=300)
    emergency_note = models.CharField(
        _("call 911 if…"),
        max_length=300,
        blank=True,
        help_text=_("When to call 911 instead, e.g. 'the animal is attacking someone'."),
    )
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    division = models.ForeignKey(
        Division,
        verbose_name=_("routed to"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_value = models.PositiveSmallIntegerField(_("response target"), default=5)
    target_unit = models.CharField(
        _("target unit"), max_length=16, choices=TargetUnit.choices, default=TargetUnit.HOURS
    )
    callback_required = models.BooleanField(
        _("call-back contact required"),
        default=False,
        help_text=_("The resident must leave a phone number or e-mail address."),
    )
    sensitive_location = models.BooleanField(
        _("location is sensitive"),
        default=False,
        help_text=_(
            "Animal bites, anything at a home: the public list and map show only the street "
            "and an area of a few blocks."
        ),
    )
    is_active = models.BooleanField(_("offered"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["group__order", "group_id", "order", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(condition=models.Q(target_value__gte=1), name="sr_target_pos")
        ]

    def __str__(self) -> str:
        return str(self.name)


class ServiceAttribute(models.Model):
    """One question a service asks (GeoReport v2 "attribute")."""

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="attributes"
    )
    code = models.SlugField(_("code"), max_length=40)
    datatype = models.CharField(_("datatype"), max_length=16, choices=Datatype.choices)
    required = models.BooleanField(_("required"), default=False)
    # GeoReport's `variable`: False for a note shown to the resident that takes no answer.
    variable = models.BooleanField(_("takes an answer"), default=True)
    description = models.CharField(_("question"), max_length=300)
    datatype_description = models.CharField(_("hint"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="sr_attribute_code_unique")
        ]

    def __str__(self) -> str:
        return str(self.description)


class AttributeValue(models.Model):
    """A choice of a list question (GeoReport v2 "values": key and name)."""

    attribute = models.ForeignKey(
        ServiceAttribute,
        verbose_name=_("question"),
        on_delete=models.CASCADE,
        related_name="values",
    )
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.UniqueConstraint(fields=["attribute", "key"], name="sr_value_key_unique")
        ]

    def __str__(self) -> str:
        return str(self.name)


class ServiceRequest(models.Model):
    """One request. `public_id` is its public identifier (Open311 service_request_id, on the
    public list); `short_code` is the resident's secret key to its tracking page, never shown
    publicly. `contact` is encrypted; `public_*` hold the location as the public may see it,
    computed at submission (coarsened for a service with a sensitive location)."""

    public_id = models.UUIDField(_("request id"), default=uuid.uuid4, unique=True, editable=False)
    short_code = models.CharField(
        _("tracking code"), max_length=12, unique=True, default=new_short_code, editable=False
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="requests"
    )
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    close_reason = models.CharField(
        _("close reason"), max_length=16, choices=CloseReason.choices, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    attributes = models.JSONField(_("answers"), default=dict, blank=True)
    # Where: an address, a point, or both; always inside the town.
    address = models.CharField(_("address"), max_length=200, blank=True)
    street = models.ForeignKey(
        Street,
        verbose_name=_("street"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    neighborhood = models.ForeignKey(
        Neighborhood,
        verbose_name=_("neighborhood"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    public_address = models.CharField(_("address shown publicly"), max_length=200, blank=True)
    public_lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    public_long = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    # Who: optional (required for a service that needs a call back), encrypted at rest.
    contact = ContactField(_("contact details"), null=True, blank=True)
    notify_email = models.BooleanField(_("e-mail on each change"), default=False)
    notify_sms = models.BooleanField(_("text message on each change"), default=False)
    language = models.CharField(_("language"), max_length=8, default="en")
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default="web")
    # When: requested, last changed, expected (from the service's response target), closed.
    requested_at = models.DateTimeField(_("requested"), db_index=True)
    updated_at = models.DateTimeField(_("updated"))
    expected_at = models.DateTimeField(_("expected by"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    followers = models.PositiveIntegerField(
        _("residents following"),
        default=0,
        help_text=_("Residents who said 'already reported' and followed this request."),
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        indexes = [
            # The public list and map of a neighborhood: open ones, then recent ones.
            models.Index(
                fields=["neighborhood", "status", "-requested_at"], name="sr_neighborhood_status"
            ),
            models.Index(fields=["neighborhood", "-requested_at"], name="sr_neighborhood_recent"),
            # The staff queue: overdue first, among the requests not closed.
            models.Index(
                fields=["expected_at"],
                name="sr_open_expected",
                condition=~models.Q(status="closed"),
            ),
            # Possible duplicates: the same service recently.
            models.Index(fields=["service", "-requested_at"], name="sr_service_recent"),
            models.Index(fields=["updated_at"], name="sr_updated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="closed", closed_at__isnull=False)
                | (~models.Q(status="closed") & models.Q(closed_at__isnull=True)),
                name="sr_closed_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(close_reason=""),
                name="sr_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(address="") | models.Q(lat__isnull=False, long__isnull=False),
                name="sr_has_location",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} ({str(self.public_id)[:8]})"

    def get_absolute_url(self) -> str:
        return reverse("service_requests:public_detail", args=[self.public_id])

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED


class RequestEvent(models.Model):
    """One line of a request's history: submitted, a status change (with the close reason),
    an assignment, an internal note, a message to the resident, a duplicate merged in."""

    request = models.ForeignKey(
        ServiceRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    close_reason = models.CharField(max_length=16, choices=CloseReason.choices, blank=True)
    text = models.TextField(_("text"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        indexes = [models.Index(fields=["request", "at"], name="sr_event_request")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class RequestPhoto(models.Model):
    """A photo sent with a request, stored as the kernel scrubber's clean copy only."""

    request = models.ForeignKey(
        ServiceRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to="%Y/%m/", storage=photo_storage)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(default=0)
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return f"photo {self.order}"


class RequestFollower(models.Model):
    """A resident who found their problem already reported and chose to follow that request:
    told of each status change (never of the reporter's messages), at the address they gave."""

    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="follower_set",
    )
    contact = ContactField(_("contact details"))
    language = models.CharField(_("language"), max_length=8, default="en")
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("follower")
        verbose_name_plural = _("followers")

    def __str__(self) -> str:
        return f"follower of {self.request_id}"


# Open311 client applications and what they sent: defined beside the Open311 server
# (service_requests/open311/models.py), registered here as this app's models.
from service_requests.open311.models import Open311Client, Open311Submission  # noqa: E402, F401
