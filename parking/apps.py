from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParkingConfig(AppConfig):
    name = "parking"
    verbose_name = _("Overnight parking")

    def ready(self) -> None:
        from portal import registry

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
