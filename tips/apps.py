from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portal import registry
from tips import audit, crypto  # noqa: F401 - crypto registers the tip line's keyring and pepper
from tips.scrub import MAX_BODY


class TipsConfig(AppConfig):
    name = "tips"
    verbose_name = _("Anonymous tips")

    def ready(self) -> None:
        # Both read models, which are not ready when this module is imported.
        from portal import roles  # noqa: PLC0415 - needs the auth models loaded
        from tips.demo import load_demo  # noqa: PLC0415 - needs the tip models loaded

        audit.register()
        # Tips per month on the department's transparency page (/accountability/).
        from tips.figures import FIGURE_SET  # noqa: PLC0415 - imports models

        registry.figure_sets.register(FIGURE_SET)
        # The tip pages (/tips/, /es/tips/ ...): visitors reach them with no address, user agent
        # or referrer (portal/anonymity.py). The staff API (/api/v1/tips/) is not among them.
        registry.anonymous_paths.register(registry.AnonymousPath(key="tips", prefix="/tips/"))
        # The tip pages take every file a tip may carry (150 MB) and the form around them; the
        # site's default body limit (25 MB) would refuse a tip with one video.
        registry.body_limits.register(
            registry.BodyLimit(key="tips", prefixes=("/tips/", "/es/tips/"), max_bytes=MAX_BODY)
        )

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
        registry.demo_loaders.register(registry.DemoLoader(key="tips", load=load_demo, order=10))
        roles.grant(
            roles.TIP_INVESTIGATORS,
            "tips.view_tip",
            "tips.change_tip",
            "tips.view_tipcategory",
            "tips.view_tipmessage",
            "tips.add_tipmessage",
            "tips.view_tipnote",
            "tips.add_tipnote",
            "tips.view_tipattachment",
        )
        roles.grant(
            roles.SITE_ADMINISTRATORS,
            "tips.view_tipcategory",
            "tips.add_tipcategory",
            "tips.change_tipcategory",
        )
        from tips import retention  # noqa: PLC0415 - registry not ready

        retention.register()
