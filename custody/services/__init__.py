"""Every write of the custody app. Callers write `from custody import services`."""

from custody.services.bookings import (
    booking_import,
    booking_release,
    booking_system_authenticate,
    booking_system_create,
    booking_system_issue_key,
    booking_system_revoke,
    csv_import,
    csv_preview,
)
from custody.services.visits import (
    VISIT_LINK,
    visit_cancel,
    visit_from_token,
    visit_request,
)

__all__ = [
    "VISIT_LINK",
    "booking_import",
    "booking_release",
    "booking_system_authenticate",
    "booking_system_create",
    "booking_system_issue_key",
    "booking_system_revoke",
    "csv_import",
    "csv_preview",
    "visit_cancel",
    "visit_from_token",
    "visit_request",
]
