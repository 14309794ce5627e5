from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Records and reports")

    def ready(self) -> None:
        from portal import registry

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
