"""Programs' kinds of record for the retention purge (portal/services/retention/)."""

from django.utils.translation import gettext_lazy as _

from portal.registry import RetentionKind, retention_kinds


def register() -> None:
    retention_kinds.register(
        RetentionKind(
            key="programs.registration",
            label=_("Event registrations"),
            model="programs.Registration",
            date_field="event__ends_at",
            default_days=365,
            schedule=_(
                "CSL general schedule M1, program and event registrations: 1 year after the "
                "event (youth consent forms included)."
            ),
            order=40,
        )
    )
    retention_kinds.register(
        RetentionKind(
            key="programs.subscription",
            label=_("Neighborhood subscriptions never confirmed"),
            model="programs.Subscription",
            date_field="created_at",
            default_days=30,
            schedule=_(
                "CSL general schedule M1, transitory records: an unconfirmed sign-up is of no "
                "use once its link has expired; 30 days."
            ),
            eligible=lambda rows: rows.filter(confirmed_at__isnull=True),
            hold_paths=(),
            order=41,
        )
    )
