"""Custody's kinds of record for the retention purge (portal/services/retention/)."""

from django.utils.translation import gettext_lazy as _

from portal.registry import RetentionKind, retention_kinds


def register() -> None:
    retention_kinds.register(
        RetentionKind(
            key="custody.custodyrecord",
            label=_("Custody records of people released"),
            model="custody.CustodyRecord",
            date_field="released_at",
            default_days=30,
            schedule=_(
                "The portal's copy of the booking system's record, kept for the public search; "
                "the booking system keeps the record itself under CSL municipal schedule M8 (law "
                "enforcement). 30 days after release here; the records officer confirms it."
            ),
            case_field="booking_number",
            order=49,
        )
    )
    retention_kinds.register(
        RetentionKind(
            key="custody.visitrequest",
            label=_("Custody visit requests"),
            model="custody.VisitRequest",
            date_field="slot__date",
            default_days=30,
            schedule=_(
                "CSL municipal schedule M8 (law enforcement), lock-up visitor logs: 30 days "
                "after the visit here; the records officer confirms the item."
            ),
            case_field="public_id",
            order=50,
        )
    )
