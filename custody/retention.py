"""Custody's kinds of record for the retention purge (portal/services/retention/)."""

from django.utils.translation import gettext_lazy as _

from portal.registry import RetentionKind, retention_kinds


def register() -> None:
    retention_kinds.register(
        RetentionKind(
            key="custody.visitrequest",
            label=_("Custody visit requests"),
            model="custody.VisitRequest",
            date_field="slot__date",
            default_days=30,
            schedule=_(
                "CSL municipal schedule M8 (law enforcement), lock-up visitor logs: 30 days "
                "after the visit here, as the custody settings' period; the records officer "
                "confirms the item."
            ),
            case_field="public_id",
            order=50,
        )
    )
