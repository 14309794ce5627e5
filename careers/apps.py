from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareersConfig(AppConfig):
    name = "careers"
    verbose_name = _("Careers and the internship")

    def ready(self) -> None:
        from careers import audit, crypto  # noqa: F401, PLC0415 - crypto registers the keyring
        from careers.demo import load_demo  # noqa: PLC0415 - imports models
        from portal import registry, roles  # noqa: PLC0415 - needs the app registry

        audit.register()
        registry.services.register(
            registry.Service(
                key="careers",
                menu_title=_("Careers"),
                title=_("Careers and the internship"),
                summary=_(
                    "Join the department: open positions, how hiring works, information "
                    "sessions and the college internship."
                ),
                url_name="careers:index",
                order=60,
                icon="work",
            )
        )
        roles.grant(
            roles.INTERNSHIP_REVIEWERS,
            "careers.view_internshipapplication",
            "careers.change_internshipapplication",
            "careers.view_position",
            "careers.view_hiringstep",
        )
        roles.grant(
            roles.SITE_ADMINISTRATORS,
            *[
                f"careers.{verb}_{model}"
                for model in ("position", "hiringstep")
                for verb in ("add", "change", "delete", "view")
            ],
        )
        registry.demo_loaders.register(registry.DemoLoader(key="careers", load=load_demo))
        from careers import retention  # noqa: PLC0415 - registry not ready

        retention.register()
