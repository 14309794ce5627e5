from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _

from records.checks import check_payment_config


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Records and reports")

    def ready(self) -> None:
        # Imported here, once the app registry is ready: roles and the demo loader import models.
        from portal import registry, roles  # noqa: PLC0415 - needs the app registry
        from records import audit, crypto  # noqa: F401, PLC0415 - crypto registers the keyring
        from records.demo import load_demo  # noqa: PLC0415 - imports models

        audit.register()
        # The on-time rate on the department's transparency page (/accountability/).
        from records.figures import FIGURE_SET  # noqa: PLC0415 - imports models

        registry.figure_sets.register(FIGURE_SET)
        checks.register(check_payment_config)

        registry.services.register(
            registry.Service(
                key="records",
                menu_title=_("Records"),
                title=_("Reports and records"),
                summary=_("Police and accident reports, record checks and fingerprinting."),
                url_name="records:index",
                order=20,
                icon="description",
            )
        )
        roles.grant(
            roles.RECORDS_CLERKS,
            "records.view_recordrequest",
            "records.change_recordrequest",
            "records.add_recordrequest",
            "records.view_feescheduleitem",
            "records.view_fingerprintslot",
            "records.add_fingerprintslot",
            "records.change_fingerprintslot",
            "records.delete_fingerprintslot",
            "records.view_recordssettings",
            "records.view_recordcheckletter",
            "records.change_recordcheckletter",
            "records.refund_payment",
        )
        roles.grant(
            roles.SITE_ADMINISTRATORS,
            "records.view_recordrequest",
            "records.view_feescheduleitem",
            "records.add_feescheduleitem",
            "records.change_feescheduleitem",
            "records.view_recordssettings",
            "records.change_recordssettings",
        )
        registry.demo_loaders.register(registry.DemoLoader(key="records", load=load_demo))
        from records import retention  # noqa: PLC0415 - registry not ready

        retention.register()
