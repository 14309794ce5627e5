from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustodyConfig(AppConfig):
    name = "custody"
    verbose_name = _("Custody and visiting")

    def ready(self) -> None:
        from custody import audit  # noqa: PLC0415 - registry not ready
        from custody.demo import load_demo  # noqa: PLC0415 - registry not ready
        from portal import registry, roles  # noqa: PLC0415 - registry not ready

        audit.register()
        registry.services.register(
            registry.Service(
                key="custody",
                menu_title=_("Custody"),
                title=_("People held and visiting"),
                summary=_(
                    "Find out whether someone is held at the department, their bond and next "
                    "court date, and request a visit."
                ),
                url_name="custody:index",
                order=60,
                icon="people",
            )
        )
        registry.demo_loaders.register(registry.DemoLoader(key="custody", load=load_demo))
        roles.grant(
            roles.SITE_ADMINISTRATORS,
            "custody.view_custodyrecord",
            "custody.import_custodyrecord",
            "custody.view_custodysettings",
            "custody.change_custodysettings",
            "custody.add_bookingsystem",
            "custody.change_bookingsystem",
            "custody.view_bookingsystem",
            "custody.add_visitslot",
            "custody.change_visitslot",
            "custody.delete_visitslot",
            "custody.view_visitslot",
            "custody.view_visitrequest",
            "custody.change_visitrequest",
        )
        from custody import retention  # noqa: PLC0415 - registry not ready

        retention.register()
