from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints and commendations")

    def ready(self) -> None:
        from complaints import audit, crypto  # noqa: F401, PLC0415 - crypto registers the keyring

        audit.register()
