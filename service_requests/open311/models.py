"""The Open311 server's own models: the client applications allowed to post, with their API
keys (hashed), and which application sent which request. Part of the service_requests app
(re-exported by service_requests/models.py); kept here so that the Open311 server is one
folder, with its own translation catalog."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.staff_models import HashedKey, revoked_at_field


class Open311Client(HashedKey):
    """An application allowed to POST requests through the Open311 server (a 311 phone app, a
    civic tool). Its API key is shown once, when issued; only its SHA-256 is kept
    (portal.staff_models.HashedKey), so a copy of the database lets no one post."""

    name = models.CharField(_("application"), max_length=120)
    contact = models.CharField(
        _("who runs it"),
        max_length=200,
        help_text=_("A name and an e-mail address or phone number, to reach them about it."),
    )
    reply_with_token = models.BooleanField(
        _("reply with a token"),
        default=False,
        help_text=_(
            "For an application written for servers that answer a new request with a token "
            "(GeoReport 'batch'): it then exchanges the token for the request id."
        ),
    )
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    revoked_at = revoked_at_field(pgettext_lazy("application", "revoked"))

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("Open311 application")
        verbose_name_plural = _("Open311 applications")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Open311Submission(models.Model):
    """Which application sent a request, with what the GeoReport POST carried that the request
    itself does not keep: the application's own account id (echoed back to it, never shown
    publicly), the media URL it gave (for staff; not published), and the token it may
    exchange for the request id."""

    request = models.OneToOneField(
        "service_requests.ServiceRequest",
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="open311_submission",
    )
    client = models.ForeignKey(
        Open311Client,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    token = models.CharField(max_length=40, unique=True, editable=False)
    account_id = models.CharField(_("account id in the application"), max_length=100, blank=True)
    media_url = models.URLField(_("media URL given"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Open311 submission")
        verbose_name_plural = _("Open311 submissions")

    def __str__(self) -> str:
        return f"{self.client.name}: {self.request_id}"
