"""Careers' kinds of record for the retention purge (portal/services/retention/)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.registry import RetentionKind, retention_kinds


def register() -> None:
    retention_kinds.register(
        RetentionKind(
            key="careers.application",
            label=_("Internship applications not selected (with their CVs)"),
            model="careers.InternshipApplication",
            date_field="decided_at",
            default_days=settings.CAREERS_RETENTION_DAYS,
            schedule=_(
                "CSL general schedule M3 (personnel), applications of persons not hired: "
                "kept until the decision can no longer be challenged; 180 days here."
            ),
            eligible=lambda rows: rows.filter(status="not_selected"),
            files=("cv",),
            order=60,
        )
    )
