"""The Records Division's settings (one row, edited in admin)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.singletons import LocalSingleton


class RecordsSettings(LocalSingleton):
    """Settings of the Records Division, edited in admin."""

    id_retention_days = models.PositiveSmallIntegerField(
        _("keep identity documents for (days after closing)"), default=90
    )
    reminder_business_days = models.PositiveSmallIntegerField(
        _("remind the assigned clerk this many business days before the due date"), default=1
    )
    supervisor_email = models.EmailField(
        _("supervisor's e-mail (daily overdue digest)"), blank=True
    )

    class Meta:
        verbose_name = _("records settings")

    def __str__(self) -> str:
        return str(_("Records settings"))
