"""Complaints' kinds of record for the retention purge (portal/services/retention.py)."""

from django.utils.translation import gettext_lazy as _

from portal.registry import RetentionKind, retention_kinds


def register() -> None:
    retention_kinds.register(
        RetentionKind(
            key="complaints.complaint",
            label=_(
                "Complaints and commendations, closed (with their allegations, findings, "
                "witnesses, messages, investigation steps, the board's review and files)"
            ),
            model="complaints.Complaint",
            date_field="closed_at",
            default_days=10 * 365,
            minimum_days=3 * 365,
            schedule=_(
                "CSL municipal schedule M8 (law enforcement), internal affairs and citizen "
                "complaint investigation records: kept for years after the case is closed; "
                "10 years here, and never less than 3. A finding that led to discipline is "
                "also in the officer's personnel file, which follows the personnel schedule."
            ),
            eligible=lambda rows: rows.filter(stage="closed"),
            files=("attachments__original", "attachments__clean"),
            case_field="tracking_code",
            order=70,
        )
    )
