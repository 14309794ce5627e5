from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programs and events")

    def ready(self) -> None:
        # Models (and what imports them) load only once the app registry is ready, after
        # apps.py itself is imported.
        from portal import registry, roles  # noqa: PLC0415 - registry not ready
        from portal.services import page_cache  # noqa: PLC0415 - registry not ready
        from programs import audit, models, panels  # noqa: PLC0415 - registry not ready
        from programs.demo import load_demo  # noqa: PLC0415 - registry not ready

        audit.register()

        # Public pages are cached whole; any change to what they show starts a new generation
        # (services also invalidate explicitly, for bulk updates that send no signal).
        page_cache.watch(
            models.Program,
            models.ProgramImage,
            models.Partner,
            models.NewsItem,
            models.Event,
            models.Registration,
            models.Problem,
            models.ProblemNote,
        )

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
        registry.home_panels.register(
            registry.Panel(
                key="upcoming-events",
                template="programs/panels/home_events.html",
                context=panels.home_upcoming_events,
                order=20,
                cacheable=True,
            )
        )
        registry.careers_panels.register(
            registry.Panel(
                key="information-sessions",
                template="programs/panels/careers_information_sessions.html",
                context=panels.careers_information_sessions,
                order=20,
                cacheable=True,
            )
        )
        registry.neighborhood_panels.register(
            registry.Panel(
                key="meetings",
                template="programs/panels/neighborhood_meetings.html",
                context=panels.neighborhood_meetings,
                order=20,
                cacheable=True,
            )
        )
        registry.neighborhood_panels.register(
            registry.Panel(
                key="problems",
                template="programs/panels/neighborhood_problems.html",
                context=panels.neighborhood_problems,
                order=30,
                cacheable=True,
            )
        )
        registry.neighborhood_panels.register(
            registry.Panel(
                key="subscribe",
                template="programs/panels/neighborhood_subscribe.html",
                context=panels.neighborhood_subscribe,
                order=40,
                cacheable=True,
            )
        )
        registry.demo_loaders.register(registry.DemoLoader(key="programs", load=load_demo))

        content = [
            f"programs.{verb}_{model}"
            for model in (
                "program",
                "programimage",
                "partner",
                "newsitem",
                "event",
                "problem",
                "problemnote",
            )
            for verb in ("add", "change", "view")
        ]
        roles.grant(
            roles.COMMUNITY_OFFICERS,
            *content,
            "programs.delete_programimage",
            "programs.delete_partner",
            "programs.delete_newsitem",
            "programs.delete_problemnote",
            "programs.view_programrevision",
            "programs.view_registration",
            "programs.change_registration",
            "programs.view_subscription",
        )
        roles.grant(
            roles.SITE_ADMINISTRATORS,
            *content,
            "programs.publish_program",
            "programs.delete_program",
            "programs.delete_event",
            "programs.view_programrevision",
            "programs.view_registration",
            "programs.change_registration",
            "programs.view_subscription",
            "programs.delete_subscription",
        )
        from programs import retention  # noqa: PLC0415 - registry not ready

        retention.register()
