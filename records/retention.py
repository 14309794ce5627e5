"""Records' kinds of record for the retention purge (portal/services/retention/)."""

from django.utils.translation import gettext_lazy as _

from portal.registry import RetentionKind, retention_kinds


def register() -> None:
    retention_kinds.register(
        RetentionKind(
            key="records.request",
            label=_("Records requests, closed (with their documents and messages)"),
            model="records.RecordRequest",
            date_field="closed_at",
            default_days=2 * 365,
            schedule=_(
                "CSL general schedule M1, Freedom of Information requests and responses: "
                "2 years after the request is closed, longer while an appeal is pending (place "
                "a legal hold)."
            ),
            eligible=lambda rows: rows.filter(status="closed"),
            files=("documents__file",),
            case_field="tracking_number",
            order=30,
        )
    )
