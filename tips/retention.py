"""Tips' kinds of record for the retention purge (portal/services/retention/)."""

from django.utils.translation import gettext_lazy as _

from portal.registry import RetentionKind, retention_kinds


def register() -> None:
    retention_kinds.register(
        RetentionKind(
            key="tips.tip",
            label=_("Tips, closed (with their files, notes and messages)"),
            model="tips.Tip",
            date_field="closed_at",
            default_days=3 * 365,
            schedule=_(
                "CSL municipal schedule M8 (law enforcement), investigation records: "
                "complaints and tips not resulting in a case; 3 years after closing. A tip acted "
                "on is copied to the case file, which follows its own item."
            ),
            eligible=lambda rows: rows.filter(status="closed"),
            files=("packet", "attachments__original", "attachments__clean"),
            case_field="number",
            order=10,
        )
    )
    retention_kinds.register(
        RetentionKind(
            key="tips.message",
            label=_("Tip check-back messages"),
            model="tips.TipMessage",
            date_field="tip__closed_at",
            default_days=365,
            schedule=_(
                "CSL general schedule M1, correspondence (routine): 1 year after the tip is "
                "closed; the tip itself is kept longer."
            ),
            eligible=lambda rows: rows.filter(tip__status="closed"),
            hold_paths=("tip",),
            order=11,
        )
    )
