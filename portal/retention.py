"""The kernel's kinds of record for the retention purge (portal/services/retention/).

Each default comes from the Connecticut State Library's municipal records retention schedules;
the schedule item is named in the help text the department sees in admin. The department's
records officer confirms each against the current edition (docs/operations.md)."""

from django.utils.translation import gettext_lazy as _

from portal.registry import DemoLoader, RetentionKind, demo_loaders, retention_kinds


def load_demo() -> None:
    """One legal hold in the demo, on the first case of the first kind that has one (a tip,
    when the tips app is installed), so the holds list and the "kept by a legal hold" column
    show something. Idempotent."""
    from portal.models import LegalHold  # noqa: PLC0415 - models load after the registry
    from portal.services import retention  # noqa: PLC0415 - as above

    if LegalHold.objects.exists():
        return
    for kind in retention.holdable_kinds():
        case = retention.kind_model(kind)._base_manager.order_by("pk").first()
        if case is not None:
            retention.legal_hold_place(
                actor=None,
                kind_key=kind.key,
                case=str(getattr(case, kind.case_field)),
                reason="Demo: the town attorney asked that this case be kept (claim 26-031).",
            )
            return


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
    demo_loaders.register(DemoLoader(key="retention", load=load_demo, order=1000))
