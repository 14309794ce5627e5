"""Overnight parking: every write and every rule.

The town's overnight parking ordinance bans on-street parking during the nightly ban hours;
the police department may exempt a vehicle for a night (department policy, set by staff in
admin as ParkingRules; the defaults are the ones the department asked for in issue 5). A request
is decided at once. It is refused, naming the rule, when:

- `address_number_outside`: the street has no such house number (the kernel's rule for every
  address, portal/addresses.py, against the town's street list; a street whose numbers are not
  given accepts any number). Refused on the house number field, before the other rules;
- `cutoff_passed`: a night's cut-off (default 01:30 the next morning, department time, minus the
  lead time) has passed;
- `too_far_ahead`: the first night is more than `max_days_ahead` days away;
- `too_many_nights`: more nights than `max_consecutive_nights` in one request;
- `blanket_night`: a night is a town-wide blanket night: no permit is needed;
- `parking_ban`: a snow emergency (parking ban) overlaps a night;
- `street_excluded`: the address is on a street or block without exemptions;
- `vehicle_excluded`: the vehicle type gets no exemption (commercial vehicles, trailers, campers);
- `already_permitted`: the plate already holds a permit for one of the nights;
- `max_consecutive`: with the plate's other nights, more than `max_consecutive_nights` [3] in a row;
- `rolling_window`: more than `window_nights` [3] nights in any `window_days` [14] days;
- `yearly_limit`: more than `nights_per_year` [15] nights in a calendar year;
- `too_many_requests`: more than `requests_per_hour` [20] requests from one client in a clock
  hour, so nobody can use up an address's nights (or a plate's) with made-up requests. The
  client is the one the proxy names (portal/clients.py); only valid requests count, and a
  client over the limit is refused before its request is read;
- `address_monthly`: more than `nights_per_address_per_month` nights at one address in a
  calendar month (all plates together).

Only permitted (active) nights count: nights the resident cancelled, staff revoked or a parking
ban cancelled do not. Limits hold under concurrency: the plate's and the address's PlateLock rows
are locked (SELECT ... FOR UPDATE, in a fixed order) before counting, and a partial unique
constraint forbids two active permits for one plate and night. Every refusal is recorded
(Refusal) for the statistics, in its own transaction.

Snow emergencies: declaring one queues `parking.tasks.ban_apply` in the same transaction; the job
cancels every overlapping night (idempotently: it only touches active nights and notifies each
holder once, by a de-duplication key) and beat's sweep re-queues a job that was lost.
"""

from parking.selectors import ban_for_night
from parking.services.bans import ban_apply, ban_declare, ban_nights, ban_sweep
from parking.services.common import (
    permit_from_token,
    permit_token,
    permit_url,
    rules_and_zone,
    rules_get,
)
from parking.services.lists import (
    nightly_csv,
    nightly_list_export,
    nightly_list_send,
    nightly_pdf,
    nightly_rows,
)
from parking.services.lookups import PlateCheck, plate_check, plate_lookup
from parking.services.permits import (
    PermitRequest,
    permit_cancel_nights,
    permit_request,
    permit_request_throttle,
    permit_revoke,
    refusal_record,
)
from portal.services.audit import audit_record

__all__ = [
    "PermitRequest",
    "PlateCheck",
    "audit_record",
    "ban_apply",
    "ban_declare",
    "ban_for_night",
    "ban_nights",
    "ban_sweep",
    "nightly_csv",
    "nightly_list_export",
    "nightly_list_send",
    "nightly_pdf",
    "nightly_rows",
    "permit_cancel_nights",
    "permit_from_token",
    "permit_request",
    "permit_request_throttle",
    "permit_revoke",
    "permit_token",
    "permit_url",
    "plate_check",
    "plate_lookup",
    "refusal_record",
    "rules_and_zone",
    "rules_get",
]
