from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceRequestsConfig(AppConfig):
    name = "service_requests"
    verbose_name = _("Service requests")

    def ready(self) -> None:
        # Imported here, once the app registry is ready: panels and the demo import models.
        from portal import registry, roles  # noqa: PLC0415 - needs the app registry
        from portal.services.page_cache import watch  # noqa: PLC0415 - imports models
        from service_requests import (  # noqa: F401, PLC0415 - crypto: keyring
            audit,
            crypto,
            panels,
            retention,
        )
        from service_requests.demo import load_demo  # noqa: PLC0415 - imports models
        from service_requests.figures import FIGURE_SET  # noqa: PLC0415 - imports models
        from service_requests.models import Service, ServiceGroup, ServiceRequest  # noqa: PLC0415
        from service_requests.open311 import ready as open311_ready  # noqa: PLC0415 - idem

        audit.register()
        open311_ready()
        registry.figure_sets.register(FIGURE_SET)
        retention.register()
        # Five photos of up to 10 MB each, and the form around them.
        registry.body_limits.register(
            registry.BodyLimit(
                key="service_requests",
                prefixes=("/requests/new/", "/es/requests/new/"),
                max_bytes=55 * 1024 * 1024,
            )
        )
        registry.neighborhood_panels.register(
            registry.Panel(
                key="service_requests",
                template="service_requests/panels/neighborhood.html",
                context=panels.neighborhood_requests,
                order=40,
                cacheable=True,
            )
        )
        # The public list, map and request pages show these: a change starts a new generation.
        watch(ServiceRequest, Service, ServiceGroup)
        registry.demo_loaders.register(registry.DemoLoader(key="service_requests", load=load_demo))
        registry.services.register(
            registry.Service(
                key="service_requests",
                menu_title=_("Report a problem"),
                title=_("Ask for help with a problem"),
                summary=_(
                    "A stray or injured animal, an abandoned car, dumping, loud parties, dirt "
                    "bikes: ask us, and follow what we do about it."
                ),
                url_name="service_requests:index",
                order=15,
                icon="pets",
            )
        )
        roles.grant(
            roles.ANIMAL_CONTROL_OFFICERS,
            "service_requests.view_servicerequest",
            "service_requests.change_servicerequest",
            "service_requests.view_service",
        )
        roles.grant(
            roles.COMMUNITY_OFFICERS,
            "service_requests.view_servicerequest",
            "service_requests.change_servicerequest",
            "service_requests.view_service",
        )
        roles.grant(
            roles.SITE_ADMINISTRATORS,
            "service_requests.view_servicerequest",
            "service_requests.view_servicegroup",
            "service_requests.add_servicegroup",
            "service_requests.change_servicegroup",
            "service_requests.view_service",
            "service_requests.add_service",
            "service_requests.change_service",
            "service_requests.view_serviceattribute",
            "service_requests.add_serviceattribute",
            "service_requests.change_serviceattribute",
            "service_requests.delete_serviceattribute",
            "service_requests.view_attributevalue",
            "service_requests.add_attributevalue",
            "service_requests.change_attributevalue",
            "service_requests.delete_attributevalue",
        )
