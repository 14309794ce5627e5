"""The kernel's kinds of record for the retention purge (portal/services/retention.py).

Each default comes from the Connecticut State Library's municipal records retention schedules;
the schedule item is named in the help text the department sees in admin. The department's
records officer confirms each against the current edition (docs/operations.md)."""

from django.utils.translation import gettext_lazy as _

from portal.registry import RetentionKind, retention_kinds


def register() -> None:
    for kind in [
        RetentionKind(
            key="portal.notification",
            label=_("Outbox messages (sent or failed e-mails and texts)"),
            model="portal.Notification",
            date_field="created_at",
            default_days=90,
            schedule=_(
                "CSL general schedule M1, transitory records (automated notices and "
                "confirmations): kept until their administrative use ends; 90 days here."
            ),
            eligible=lambda rows: rows.exclude(status="pending"),
            hold_paths=(),
            order=900,
        ),
        RetentionKind(
            key="portal.auditentry",
            label=_("Audit log"),
            model="portal.AuditEntry",
            date_field="at",
            default_days=3 * 365,
            minimum_days=365,
            schedule=_(
                "CSL general schedule M1, information systems: audit trails and system access "
                "logs (3 years here; never less than 1 year, which the database enforces)."
            ),
            hold_paths=(),
            hold_generic=("target_type", "target_id"),
            order=990,
        ),
        RetentionKind(
            key="axes.accessattempt",
            label=_("Sign-in attempt counters"),
            model="axes.AccessAttempt",
            date_field="attempt_time",
            default_days=30,
            schedule=_(
                "CSL general schedule M1, transitory records: lock-out counters are of no use "
                "once the lock-out has ended; 30 days here."
            ),
            hold_paths=(),
            order=950,
        ),
        RetentionKind(
            key="axes.accesslog",
            label=_("Sign-in records"),
            model="axes.AccessLog",
            date_field="attempt_time",
            default_days=365,
            schedule=_("CSL general schedule M1, information systems: system access logs, 1 year."),
            hold_paths=(),
            order=951,
        ),
        RetentionKind(
            key="axes.accessfailurelog",
            label=_("Failed sign-in records"),
            model="axes.AccessFailureLog",
            date_field="attempt_time",
            default_days=365,
            schedule=_("CSL general schedule M1, information systems: system access logs, 1 year."),
            hold_paths=(),
            order=952,
        ),
        RetentionKind(
            key="portal.stafftoken",
            label=_("Staff device tokens, expired"),
            model="portal.StaffToken",
            date_field="expires_at",
            default_days=365,
            schedule=_(
                "CSL general schedule M1, information systems: user access authorisations, "
                "1 year after access ends."
            ),
            hold_paths=(),
            order=960,
        ),
        RetentionKind(
            key="portal.staffinvitation",
            label=_("Staff invitations, expired or accepted"),
            model="portal.StaffInvitation",
            date_field="expires_at",
            default_days=365,
            schedule=_(
                "CSL general schedule M1, information systems: user access authorisations, "
                "1 year after access ends."
            ),
            hold_paths=(),
            order=961,
        ),
    ]:
        retention_kinds.register(kind)
