"""Every action parking writes to the audit log, with its label for the audit log's filter.

The admin's own entries (`parking.<model>.added|changed|deleted|viewed`) are written by
AuditedModelAdmin and need no entry here."""

from django.utils.translation import gettext_lazy as _

from portal.registry import AuditAction, audit_actions

ACTIONS = [
    ("parking.permit.granted", _("Parking permit granted")),
    ("parking.permit.nights_cancelled", _("Parking permit nights cancelled by the resident")),
    ("parking.permit.revoked", _("Parking permit revoked")),
    ("parking.plate.looked_up", _("Plate looked up")),
    ("parking.nights.listed", _("Permitted nights listed (officers' API)")),
    ("parking.ban.declared", _("Parking ban declared")),
    ("parking.ban.applied", _("Parking ban applied to permits")),
    ("parking.list.sent", _("Nightly parking list sent")),
    ("parking.list.downloaded", _("Nightly parking list downloaded")),
    ("parking.statistics.viewed", _("Parking statistics viewed")),
]


def register() -> None:
    for key, label in ACTIONS:
        audit_actions.register(AuditAction(key=key, label=label))
