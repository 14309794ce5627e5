from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints and commendations")

    def ready(self) -> None:
        from complaints import audit, crypto  # noqa: F401, PLC0415 - crypto registers the keyring
        from complaints.demo import load_demo  # noqa: PLC0415 - imports models
        from complaints.policy import MAX_BODY  # noqa: PLC0415 - kept beside the app's policy
        from portal import registry, roles  # noqa: PLC0415 - needs the app registry

        audit.register()
        from complaints import retention  # noqa: PLC0415 - the registry is ready now

        retention.register()
        # The transparency page's complaints figures (complaints/figures.py, acc).
        from complaints import figures  # noqa: PLC0415 - imports models

        figures.register()
        # The resident's pages (/complaints/, /es/complaints/): visitors reach them with no
        # address, user agent or referrer (portal/anonymity.py). Staff pages live under
        # /staff/complaints/ and the API under /api/v1/complaints/, outside this prefix.
        registry.anonymous_paths.register(
            registry.AnonymousPath(key="complaints", prefix="/complaints/")
        )
        registry.body_limits.register(
            registry.BodyLimit(
                key="complaints",
                prefixes=("/complaints/", "/es/complaints/"),
                max_bytes=MAX_BODY,
            )
        )
        registry.services.register(
            registry.Service(
                key="complaints",
                menu_title=_("Complaints"),
                title=_("Complaints and commendations"),
                summary=_(
                    "Tell us about an officer's conduct, or thank one, in your name or "
                    "anonymously, and follow what happens."
                ),
                url_name="complaints:index",
                order=70,
                icon="thumb_up_alt",
                in_menu=False,
            )
        )
        registry.footer_links.register(
            registry.FooterLink(
                key="complaints",
                title=_("Complaints and commendations"),
                url_name="complaints:index",
                order=10,
            )
        )
        roles.grant(
            roles.INTERNAL_AFFAIRS,
            "complaints.view_complaint",
            "complaints.view_complainant",
            "complaints.enter_complaint",
        )
        registry.demo_loaders.register(
            registry.DemoLoader(key="complaints", load=load_demo, order=80)
        )
