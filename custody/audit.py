"""Every audit action the custody app writes, with the label the audit log's filter shows.

`AuditedModelAdmin` also writes `custody.<model>.added|changed|deleted|viewed`."""

from django.utils.translation import gettext_lazy as _

from portal.registry import AuditAction, audit_actions

ACTIONS = [
    ("custody.record.imported", _("Booking received from a booking system")),
    ("custody.record.released", _("Booking released")),
    # For the entries custody's own purge wrote, still in the log; the purge of bookings is the
    # kernel's, which writes "portal.retention.purged".
    ("custody.record.purged", _("Released bookings purged after the retention period")),
    ("custody.csv.imported", _("Bookings imported from a CSV file")),
    ("custody.bookingsystem.created", _("Booking system added, with its import key")),
    ("custody.bookingsystem.key_issued", _("Import key issued to a booking system")),
    ("custody.bookingsystem.revoked", _("Booking system's import key revoked")),
    ("custody.visit.requested", _("Visit requested")),
    ("custody.visit.cancelled", _("Visit cancelled")),
]


def register() -> None:
    for key, label in ACTIONS:
        audit_actions.register(AuditAction(key=key, label=label))
