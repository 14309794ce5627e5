from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipsConfig(AppConfig):
    name = "tips"
    verbose_name = _("Anonymous tips")

    def ready(self) -> None:
        from portal import registry

        registry.services.register(
            registry.Service(
                key="tips",
                menu_title=_("Tips"),
                title=_("Give an anonymous tip"),
                summary=_(
                    "Tell us about guns, drugs, violence or dirt bikes without giving your name."
                ),
                url_name="tips:index",
                order=0,
                icon="visibility_off",
            )
        )
