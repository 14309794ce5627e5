from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from parking import audit
from portal import registry
from portal.services import page_cache


class ParkingConfig(AppConfig):
    name = "parking"
    verbose_name = _("Overnight parking")

    def ready(self) -> None:
        # These import models (or, for roles, auth's), which exist only once the app registry
        # has loaded them, after this module is imported.
        from parking.demo import load as load_demo  # noqa: PLC0415 - needs the models
        from parking.models import BlanketNight, SnowEmergency  # noqa: PLC0415 - see above
        from parking.panels import home_notice  # noqa: PLC0415 - needs the models
        from portal import roles  # noqa: PLC0415 - needs auth's models

        audit.register()

        # The home page is cached whole: a ban or blanket night declared, changed or lifted
        # starts a new generation. What changes with the clock alone (a ban that ends, the next
        # week's blanket nights) is within the page cache's short time to live.
        page_cache.watch(SnowEmergency, BlanketNight)

        registry.services.register(
            registry.Service(
                key="parking",
                menu_title=_("Parking"),
                title=_("Overnight parking"),
                summary=_(
                    "Ask permission to park on the street overnight for a guest or road work."
                ),
                url_name="parking:index",
                order=10,
                icon="directions_car",
            )
        )
        registry.home_panels.register(
            registry.Panel(
                key="parking",
                template="parking/home_panel.html",
                context=home_notice,
                order=5,
                cacheable=True,
            )
        )
        registry.demo_loaders.register(registry.DemoLoader(key="parking", load=load_demo, order=20))
        roles.grant(
            roles.PARKING_OFFICERS,
            "parking.lookup_plate",
            "parking.view_permit",
            "parking.change_permit",
            "parking.view_permitnight",
            "parking.view_refusal",
            "parking.view_parkingrules",
            "parking.change_parkingrules",
            "parking.view_snowemergency",
            "parking.add_snowemergency",
            "parking.change_snowemergency",
            "parking.view_blanketnight",
            "parking.add_blanketnight",
            "parking.change_blanketnight",
            "parking.delete_blanketnight",
            "parking.view_nightlylist",
        )
        roles.grant(
            roles.SITE_ADMINISTRATORS,
            "parking.view_permit",
            "parking.view_parkingrules",
            "parking.change_parkingrules",
        )
        from parking import retention  # noqa: PLC0415 - registry not ready

        retention.register()
