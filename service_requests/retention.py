"""Service requests' kinds of record for the retention purge (portal/services/retention.py)."""

from django.utils.translation import gettext_lazy as _

from portal.registry import RetentionKind, retention_kinds


def register() -> None:
    retention_kinds.register(
        RetentionKind(
            key="service_requests.request",
            label=_("Service requests, closed (with their photos, notes and followers)"),
            model="service_requests.ServiceRequest",
            date_field="closed_at",
            default_days=2 * 365,
            schedule=_(
                "CSL general schedule M1, requests for service and routine complaints from the "
                "public: 2 years after the request is resolved. A request that became a case "
                "or a claim is copied to that file, which follows its own item."
            ),
            eligible=lambda rows: rows.filter(status="closed"),
            files=("photos__file",),
            case_field="public_id",
            order=60,
        )
    )
