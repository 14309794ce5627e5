"""Notices to employees whose personnel, medical or similar files are asked for (C.G.S.
§1-214), and their objections; the rules are records/services/personnel.py."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from records.models.requests import RecordRequest


class EmployeeNotice(models.Model):
    """Notice to an employee (or their union) that someone asked for records from their
    personnel, medical or similar files (C.G.S. §1-214(b)). The employee may object in writing
    within the window (§1-214(c)); an objection stops the release until it is resolved."""

    class Resolution(models.TextChoices):
        WITHDRAWN = "withdrawn", _("Objection withdrawn")
        ORDERED = "ordered", _("Disclosure ordered by the Freedom of Information Commission")
        UPHELD = "upheld", _("Records withheld (not disclosed)")

    request = models.ForeignKey(
        RecordRequest, on_delete=models.CASCADE, related_name="employee_notices"
    )
    employee_name = models.CharField(_("employee or union"), max_length=150)
    email = models.EmailField(_("e-mail the notice was sent to"))
    sent_at = models.DateTimeField(_("notice sent"))
    objection_deadline = models.DateField(_("last day to object"))
    objected_at = models.DateTimeField(_("objection received"), null=True, blank=True)
    objection_note = models.TextField(_("objection"), blank=True)
    resolved_at = models.DateTimeField(_("objection resolved"), null=True, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=10, choices=Resolution.choices, blank=True
    )
    resolution_note = models.TextField(_("resolution note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = _("employee notice (C.G.S. §1-214)")
        verbose_name_plural = _("employee notices (C.G.S. §1-214)")

    def __str__(self) -> str:
        return f"{self.request} {self.employee_name}"
