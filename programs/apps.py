from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programs and events")

    def ready(self) -> None:
        from portal import registry

        registry.services.register(
            registry.Service(
                key="programs",
                menu_title=_("Programs"),
                title=_("Community programs"),
                summary=_(
                    "Youth sports, gun buy-back days, and programs for people who want a way "
                    "out of violence."
                ),
                url_name="programs:index",
                order=30,
                icon="groups",
            )
        )
        registry.services.register(
            registry.Service(
                key="events",
                menu_title=_("Events"),
                title=_("Events and meetings"),
                summary=_("Neighborhood meetings, buy-back days and youth activities near you."),
                url_name="programs:events",
                order=40,
                icon="event",
            )
        )
