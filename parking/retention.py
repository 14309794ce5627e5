"""Parking's kinds of record for the retention purge (portal/services/retention/)."""

from django.utils.translation import gettext_lazy as _

from portal.registry import RetentionKind, retention_kinds


def _clear_contact(rows) -> int:
    return rows.update(email="", mobile="")


def register() -> None:
    retention_kinds.register(
        RetentionKind(
            key="parking.permit",
            label=_("Overnight parking permits"),
            model="parking.Permit",
            date_field="last_night",
            default_days=2 * 365,
            schedule=_(
                "CSL general schedule M1, licenses and permits (routine, no renewal): 2 years "
                "after the permit ends."
            ),
            case_field="code",
            order=20,
        )
    )
    retention_kinds.register(
        RetentionKind(
            key="parking.permit_contact",
            label=_("Permit holders' e-mail and mobile number"),
            model="parking.Permit",
            date_field="last_night",
            default_days=90,
            schedule=_(
                "CSL general schedule M1, transitory records: contact details are needed only "
                "to reach the holder while the permit runs; 90 days after it ends."
            ),
            eligible=lambda rows: rows.exclude(email="", mobile=""),
            purge=_clear_contact,
            case_field="code",
            order=21,
        )
    )
