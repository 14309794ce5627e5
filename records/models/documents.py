"""Files attached to a request and what is released from them: documents, redactions, release
packets and record-check letters. Every file is stored encrypted (records/crypto.py) under
RECORDS_FILE_ROOT, outside MEDIA_ROOT. Nothing reaches a requester on one clerk's word: a
document released as it is, a packet and a letter are each approved or issued by a second
clerk (records/services/documents.py, release.py, letters.py)."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from records.models.requests import Message, RecordRequest


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
