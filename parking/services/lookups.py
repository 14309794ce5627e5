"""The officer's plate lookup: tonight's active permit for a plate, or none, and one audit entry
for every lookup, written in the lookup's own transaction.

Officers' handhelds ask many times a night, so on PostgreSQL the lookup, the audit entry and the
night's blanket-night and snow-emergency flags are one call of a database function (one round
trip, its own transaction, plans kept by PostgreSQL), committed without waiting for the write-
ahead log to reach the disk (synchronous_commit off, for that transaction only). The trade-off,
chosen for lookups and for nothing that changes a permit: if PostgreSQL itself crashes, the
audit entries of the last fraction of a second of lookups may be lost; the database stays
consistent. Elsewhere (SQLite in development) the same is done with the ORM in a transaction.
"""

import datetime
import json
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from parking import nights as n
from parking.models import BlanketNight, Permit, PermitNight, SnowEmergency
from portal.models import AuditEntry, Street

ACTION = "parking.plate.looked_up"


@dataclass(frozen=True)
class PlateCheck:
    found: PermitNight | None
    blanket_night: bool | None = None  # None: not asked
    snow_emergency: bool | None = None


def _actor(actor) -> tuple[int | None, str]:
    if getattr(actor, "is_authenticated", False):
        return actor.pk, actor.get_username()[:150]
    return None, ""


def _detail(plate: str, plate_state: str, night: datetime.date, found) -> dict:
    return {
        "plate": plate,
        "state": plate_state,
        "night": night.isoformat(),
        "permitted": found is not None,
    }


def plate_lookup(*, actor, plate: str, plate_state: str, night: datetime.date | None = None):
    """An officer checks a plate: the night's active permit or None. Always audit-logged."""
    plate = n.normalise_plate(plate)
    night = night or n.tonight()
    return _check(actor=actor, plate=plate, plate_state=plate_state, night=night).found


def plate_check(
    *, actor, plate: str, plate_state: str, night: datetime.date, rules, zone
) -> PlateCheck:
    """plate_lookup, and whether `night` is a blanket night or under a snow emergency."""
    window = n.night_window(night, rules.ban_end, zone)
    return _check(
        actor=actor,
        plate=n.normalise_plate(plate),
        plate_state=plate_state,
        night=night,
        window=window,
    )


def _check(*, actor, plate, plate_state, night, window=None) -> PlateCheck:
    if connection.vendor == "postgresql":
        return _check_in_one_statement(
            actor=actor, plate=plate, plate_state=plate_state, night=night, window=window
        )
    return _check_with_the_orm(
        actor=actor, plate=plate, plate_state=plate_state, night=night, window=window
    )


@transaction.atomic
def _check_with_the_orm(*, actor, plate, plate_state, night, window=None) -> PlateCheck:
    found = (
        PermitNight.objects.select_related("permit", "street")
        .filter(plate=plate, night=night, status=PermitNight.Status.ACTIVE)
        .filter(Q(plate_state=plate_state) if plate_state else Q())
        .first()
    )
    actor_id, actor_label = _actor(actor)
    entry = AuditEntry(
        actor_id=actor_id,
        actor_label=actor_label,
        action=ACTION,
        detail=_detail(plate, plate_state, night, found),
    )
    if found is not None:
        entry.target_type = ContentType.objects.get_for_model(Permit, for_concrete_model=False)
        entry.target_id = str(found.permit.pk)
        entry.target_label = str(found.permit)[:200]
    entry.save(force_insert=True)
    if window is None:
        return PlateCheck(found)
    start, end = window
    return PlateCheck(
        found,
        BlanketNight.objects.filter(night=night).exists(),
        SnowEmergency.objects.filter(starts_at__lt=end, ends_at__gt=start).exists(),
    )


# One call of the database function parking_plate_check (migration 0004): find the night (at
# most one row), insert the audit entry whether or not it was found, read the night's flags, and
# turn synchronous_commit off for the call's own transaction; inside a caller's transaction
# (`own` false) the setting is left alone. PostgreSQL keeps the function's plans per connection.
_CALL = """
SELECT * FROM parking_plate_check(
    %(plate)s, %(state)s, %(night)s::date, %(at)s::timestamptz, %(actor_id)s::integer,
    %(actor_label)s, %(action)s, %(permit_type)s::integer, %(detail)s::jsonb,
    %(start)s::timestamptz, %(end)s::timestamptz, %(own)s
)
"""


def _check_in_one_statement(*, actor, plate, plate_state, night, window=None) -> PlateCheck:
    actor_id, actor_label = _actor(actor)
    start, end = window or (timezone.now(), timezone.now())
    params = {
        "plate": plate,
        "state": plate_state,
        "night": night,
        "at": timezone.now(),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": ACTION,
        "permit_type": ContentType.objects.get_for_model(Permit, for_concrete_model=False).pk,
        "detail": json.dumps(_detail(plate, plate_state, night, None)),
        "start": start,
        "end": end,
        "own": not connection.in_atomic_block,
    }
    with connection.cursor() as cursor:  # outside a transaction, the statement is its own
        cursor.execute(_CALL, params)
        row = cursor.fetchone()
    (
        entry_id,
        blanket,
        ban,
        night_id,
        permit_id,
        night_value,
        plate_value,
        state,
        street_id,
        house_number,
        status,
        code,
        vehicle_type,
        make,
        model,
        colour,
        street_name,
    ) = row
    if entry_id is None:  # pragma: no cover - the INSERT always returns its row
        raise RuntimeError("the lookup's audit entry was not written")
    found = None
    if night_id is not None:
        street = Street(pk=street_id, name=street_name)
        permit = Permit(
            pk=permit_id,
            code=code,
            plate=plate_value,
            plate_state=state,
            vehicle_type=vehicle_type,
            make=make,
            model=model,
            colour=colour,
            street=street,
            house_number=house_number,
        )
        found = PermitNight(
            pk=night_id,
            permit=permit,
            night=night_value,
            plate=plate_value,
            plate_state=state,
            street=street,
            house_number=house_number,
            status=status,
        )
        found._state.adding = permit._state.adding = street._state.adding = False
    if window is None:
        return PlateCheck(found)
    return PlateCheck(found, bool(blanket), bool(ban))
