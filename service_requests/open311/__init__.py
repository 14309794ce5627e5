"""The Open311 GeoReport v2 server of service requests (docs/open311.md): the catalogue and
the requests as GeoReport documents in JSON and XML, and POSTs from client applications with
an API key issued in admin, taken through `services.request_submit`."""

from django.utils.translation import gettext_lazy as _

ACTIONS = [
    ("service_requests.open311client.issued", _("Open311 application key issued")),
    ("service_requests.open311client.revoked", _("Open311 application key revoked")),
]


def ready() -> None:
    """Called from ServiceRequestsConfig.ready(): audit actions, the back office, the role."""
    from portal import roles  # noqa: PLC0415 - needs the app registry
    from portal.registry import AuditAction, audit_actions  # noqa: PLC0415 - idem
    from service_requests.open311 import admin  # noqa: F401, PLC0415 - registers the admin

    for order, (key, label) in enumerate(ACTIONS):
        audit_actions.register(AuditAction(key=key, label=label, order=350 + order))
    roles.grant(
        roles.SITE_ADMINISTRATORS,
        "service_requests.view_open311client",
        "service_requests.add_open311client",
        "service_requests.view_open311submission",
    )
