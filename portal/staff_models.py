"""Staff access: one-time invitations to enrol, and tokens for officers' handheld devices; and
`HashedKey`, what every model holding a key the portal issued to a machine shares (the handheld
tokens here, custody's booking systems, Open311 applications).

None stores a secret that works: each keeps only the SHA-256 of its key, so a copy of the
database (or a backup) opens no account and no API."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def key_hash(key: str) -> str:
    """The stored form of an invitation or token key. The keys are 256 random bits: a plain
    SHA-256 is enough (nothing to guess), and lets the lookup be one indexed query."""
    return hashlib.sha256(key.encode()).hexdigest()


def revoked_at_field(verbose_name: str | Promise) -> models.DateTimeField:
    """`HashedKey.revoked_at`, for a model to label with its own noun: Spanish gives "revoked"
    the noun's gender (una clave revocada, un sistema revocado), and Django merges every app's
    catalog, so one bare msgid would give every model the same one. Override it as
    `revoked_at = revoked_at_field(pgettext_lazy("<noun>", "revoked"))`."""
    return models.DateTimeField(verbose_name, null=True, blank=True, editable=False)


class HashedKey(models.Model):
    """A key issued to a machine (a device, a booking system, an application): shown once, when
    issued, and kept only as its SHA-256 with its first characters, so that staff can tell keys
    apart; it can be revoked, and its last use is noted (`portal.services.keys`)."""

    PREFIX_LENGTH = 8

    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key starts with"), max_length=PREFIX_LENGTH, editable=False)
    revoked_at = revoked_at_field(pgettext_lazy("key", "revoked"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def set_new_key(self) -> str:
        """Give this row a new key (256 random bits; the old one stops working once saved) and
        return it, to be shown once: like `User.set_password`, it saves nothing."""
        key = secrets.token_urlsafe(32)
        self.key_hash = key_hash(key)
        self.prefix = key[: self.PREFIX_LENGTH]
        return key

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class StaffInvitation(models.Model):
    """A one-time link with which a staff member sets a password and an authenticator."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="staff_invitations",
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(
        pgettext_lazy("invitation", "created"), default=timezone.now, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    expires_at = models.DateTimeField(_("expires"), editable=False)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("staff invitation")
        verbose_name_plural = _("staff invitations")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    @property
    def usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class StaffToken(HashedKey):
    """An API token for one device of one staff member: it expires, can be revoked, and
    records when it was last used."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="staff_tokens",
    )
    name = models.CharField(_("device"), max_length=80, help_text=_("e.g. Handheld 3"))
    # HashedKey's field under this model's own label, as it always was (no migration).
    prefix = models.CharField(_("starts with"), max_length=8, editable=False)
    revoked_at = revoked_at_field(pgettext_lazy("device token", "revoked"))
    created_at = models.DateTimeField(
        pgettext_lazy("device token", "created"), default=timezone.now, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    expires_at = models.DateTimeField(_("expires"), editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("device token")
        verbose_name_plural = _("device tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.user}, {self.prefix}…)"

    @property
    def active(self) -> bool:
        return super().active and self.expires_at > timezone.now()
