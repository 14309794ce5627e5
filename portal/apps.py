from django.apps import AppConfig
from django.apps import apps as django_apps
from django.contrib.admin import apps as admin_apps
from django.core import checks
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from portal.sms.checks import check_sms_config


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django admin, served by our site class (second factor, department header)."""

    default = False
    default_site = "portal.admin_site.PortalAdminSite"


class PortalConfig(AppConfig):
    default = True
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        # Imported once the app registry is ready: these modules import models.
        from portal import audit, registry, roles, signals  # noqa: F401, PLC0415 - receivers
        from portal.services.encryption import check_encryption_config  # noqa: PLC0415 - models

        # Production refuses to run while a feature's encryption keys or required secrets are
        # missing or malformed (every keyring and secret the apps register).
        checks.register(check_encryption_config, checks.Tags.security)
        from portal.services.retention import check_retention_kinds  # noqa: PLC0415 - models

        checks.register(check_retention_kinds)
        checks.register(check_sms_config)
        audit.register()

        registry.services.register(
            registry.Service(
                key="contact",
                menu_title=_("Contact"),
                title=_("Contact the department"),
                summary=_("Phone numbers, e-mail and hours of every division and unit."),
                url_name="contact",
                order=90,
                icon="phone",
            )
        )
        registry.services.register(
            registry.Service(
                key="neighborhoods",
                menu_title=_("Neighborhoods"),
                title=_("Your neighborhood"),
                summary=_("Meet the officer who coordinates policing where you live."),
                url_name="neighborhoods",
                order=80,
                icon="home",
            )
        )

        roles.grant(
            roles.SITE_ADMINISTRATORS,
            *[
                f"portal.{verb}_{model}"
                for model in ("departmentsettings", "division", "officer", "neighborhood", "street")
                for verb in ("add", "change", "delete", "view")
            ],
            "portal.view_auditentry",
            "portal.view_notification",
            "portal.change_notification",
            # Who replied STOP to our text messages (portal/sms/): read-only.
            "portal.view_smsoptout",
            "auth.view_user",
            "auth.add_user",
            "auth.change_user",
            "auth.view_group",
            # Enrol staff and equip handhelds (portal/staff_admin.py).
            "portal.add_staffinvitation",
            "portal.view_staffinvitation",
            "portal.add_stafftoken",
            "portal.view_stafftoken",
            # Retention periods and legal holds (portal/retention_admin.py).
            "portal.view_retentionpolicy",
            "portal.change_retentionpolicy",
            "portal.view_legalhold",
            "portal.add_legalhold",
            "portal.change_legalhold",
        )
        # The department's transparency page (portal/accountability.py), in every footer.
        registry.footer_links.register(
            registry.FooterLink(
                key="accountability",
                title=_("Accountability in figures"),
                url_name="accountability",
                order=20,
            )
        )
        # Board members and site administrators ask for the board's report in admin.
        for role in (roles.REVIEW_BOARD, roles.SITE_ADMINISTRATORS):
            roles.grant(role, "portal.add_accountabilityreport", "portal.view_accountabilityreport")
        roles.grant(
            roles.COMMUNITY_OFFICERS,
            "portal.view_neighborhood",
            "portal.change_neighborhood",
            "portal.view_officer",
            "portal.view_street",
        )
        roles.grant(roles.PARKING_OFFICERS, "portal.view_street")
        roles.grant(roles.RECORDS_CLERKS, "portal.view_division")
        roles.grant(roles.TIP_INVESTIGATORS, "portal.view_neighborhood")

        post_migrate.connect(_sync_roles, dispatch_uid="portal.roles_sync")
        _register_retention()


def _register_retention() -> None:
    """The kernel's own kinds of record (each feature app registers its own)."""
    from portal import retention  # noqa: PLC0415 - imports models

    retention.register()


def _sync_roles(sender, apps=None, **kwargs) -> None:
    # post_migrate is sent once per app, in INSTALLED_APPS order, each after that app's
    # permissions exist; so sync after the last one, when every app's permissions do.
    with_models = [c for c in django_apps.get_app_configs() if c.models_module is not None]
    if with_models and sender.label == with_models[-1].label:
        from portal.roles import roles_sync  # noqa: PLC0415 - roles imports models

        roles_sync()
        from portal.services.retention import retention_policies_sync  # noqa: PLC0415 - models

        retention_policies_sync()
