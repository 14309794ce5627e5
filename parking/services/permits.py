"""Requests, the rules that decide them, and changes to a permit. The rules are listed in
parking/services/__init__.py; the officer's lookup is in lookups.py."""

import datetime
import logging
from collections import Counter
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parking import nights as n
from parking.models import (
    BlanketNight,
    ParkingRules,
    Permit,
    PermitNight,
    PlateLock,
    Refusal,
    VehicleType,
)
from parking.selectors import ban_for_night
from parking.services.common import (
    COUNTED,
    _format_local,
    _notify,
    _refuse,
    _subject_approved,
    _subject_cancelled,
    rules_and_zone,
    rules_get,
)
from portal.addresses import street_number_check
from portal.clients import throttle_allowed, throttle_record
from portal.errors import DomainError
from portal.localtime import department_zone
from portal.models import Street
from portal.services.audit import audit_record

logger = logging.getLogger(__name__)

# --- Requests ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PermitRequest:
    plate: str
    plate_state: str
    vehicle_type: str
    make: str
    model: str
    colour: str
    street: Street
    house_number: int
    reason: str
    reason_note: str
    first_night: datetime.date
    nights: int
    email: str
    mobile: str
    language: str


def _check_calendar(
    *, data: PermitRequest, rules: ParkingRules, zone, now: datetime.datetime
) -> list[datetime.date]:
    if not 1 <= data.nights <= rules.max_consecutive_nights:
        raise _refuse(
            "too_many_nights",
            _("You can ask for 1 to %(max)d nights at a time."),
            max=rules.max_consecutive_nights,
        )
    asked = n.nights_from(data.first_night, data.nights)
    for night in asked:
        cutoff = n.cutoff_for(night, rules.cutoff_time, zone, rules.lead_time_minutes)
        if now >= cutoff:
            raise _refuse(
                "cutoff_passed",
                _(
                    "It is too late to ask for the night of %(night)s: requests had to arrive "
                    "before %(cutoff)s."
                ),
                night=n.night_label(night),
                cutoff=_format_local(cutoff, zone),
            )
    today = now.astimezone(zone).date()
    if data.first_night > today + datetime.timedelta(days=rules.max_days_ahead):
        raise _refuse(
            "too_far_ahead",
            _("You can ask at most %(days)d days ahead."),
            days=rules.max_days_ahead,
        )
    blanket = BlanketNight.objects.filter(night__in=asked).order_by("night").first()
    if blanket is not None:
        raise _refuse(
            "blanket_night",
            _(
                "No permit is needed for the night of %(night)s (%(occasion)s): parking on the "
                "street is allowed town-wide that night. Ask only for the other nights."
            ),
            night=n.night_label(blanket.night),
            occasion=blanket.name,
        )
    for night in asked:
        ban = ban_for_night(night=night, rules=rules, zone=zone)
        if ban is not None:
            raise _refuse(
                "parking_ban",
                _(
                    "A snow emergency parking ban covers the night of %(night)s: no exemptions "
                    "are given. Move your car off the street."
                ),
                night=n.night_label(night),
            )
    return asked


def _check_vehicle_and_place(*, data: PermitRequest, rules: ParkingRules) -> None:
    for block in rules.exclusions.all():
        if block.covers(street_id=data.street.pk, number=data.house_number):
            raise _refuse(
                "street_excluded",
                _("No overnight exemptions are given on %(place)s."),
                place=str(block),
            )
    if data.vehicle_type in (rules.excluded_vehicle_types or []):
        raise _refuse(
            "vehicle_excluded",
            _("No overnight exemptions are given for this type of vehicle: %(type)s."),
            type=VehicleType(data.vehicle_type).label,
        )


def _lock(*keys: str) -> None:
    """Create the lock rows if missing, then lock them in a fixed order (no deadlocks)."""
    keys_sorted = sorted(set(keys))
    PlateLock.objects.bulk_create(
        [PlateLock(key=key) for key in keys_sorted], ignore_conflicts=True
    )
    list(PlateLock.objects.select_for_update().filter(key__in=keys_sorted).order_by("key"))


def _check_limits(*, data: PermitRequest, asked: list[datetime.date], rules: ParkingRules) -> None:
    plate_nights = PermitNight.objects.filter(
        plate=data.plate, plate_state=data.plate_state, status=COUNTED
    )
    reach = max(rules.window_days, rules.max_consecutive_nights + 1)
    # One query for the plate's nights near the request and in its calendar years: the
    # yearly limit keeps that a handful of rows.
    near_from = asked[0] - datetime.timedelta(days=reach)
    near_to = asked[-1] + datetime.timedelta(days=reach)
    held = set(
        plate_nights.filter(
            night__gte=min(near_from, datetime.date(asked[0].year, 1, 1)),
            night__lte=max(near_to, datetime.date(asked[-1].year, 12, 31)),
        ).values_list("night", flat=True)
    )
    near = {night for night in held if near_from <= night <= near_to}
    taken = sorted(near.intersection(asked))
    if taken:
        raise _refuse(
            "already_permitted",
            _("This plate already has a permit for the night of %(night)s."),
            night=n.night_label(taken[0]),
        )
    combined = near.union(asked)
    run_start = asked[0]
    while run_start - datetime.timedelta(days=1) in combined:
        run_start -= datetime.timedelta(days=1)
    run_end = asked[-1]
    while run_end + datetime.timedelta(days=1) in combined:
        run_end += datetime.timedelta(days=1)
    if (run_end - run_start).days + 1 > rules.max_consecutive_nights:
        raise _refuse(
            "max_consecutive",
            _("A plate can have at most %(max)d nights in a row."),
            max=rules.max_consecutive_nights,
        )
    span = datetime.timedelta(days=rules.window_days - 1)
    start = asked[0] - span
    while start <= asked[-1]:
        count = sum(1 for night in combined if start <= night <= start + span)
        if count > rules.window_nights:
            raise _refuse(
                "rolling_window",
                _("A plate can have at most %(max)d nights in any %(days)d days."),
                max=rules.window_nights,
                days=rules.window_days,
            )
        start += datetime.timedelta(days=1)
    for year, new in Counter(night.year for night in asked).items():
        used = sum(1 for night in held if night.year == year)
        if used + new > rules.nights_per_year:
            raise _refuse(
                "yearly_limit",
                _(
                    "A plate can have at most %(max)d nights in a calendar year; this plate has "
                    "%(left)d left in %(year)d."
                ),
                max=rules.nights_per_year,
                left=max(rules.nights_per_year - used, 0),
                year=year,
            )
    months = Counter((night.year, night.month) for night in asked)
    for (year, month), new in months.items():
        first = datetime.date(year, month, 1)
        after = (first + datetime.timedelta(days=31)).replace(day=1)
        used = PermitNight.objects.filter(
            street=data.street,
            house_number=data.house_number,
            status=COUNTED,
            night__gte=first,
            night__lt=after,
        ).count()
        if used + new > rules.nights_per_address_per_month:
            raise _refuse(
                "address_monthly",
                _("An address can have at most %(max)d permitted nights in a calendar month."),
                max=rules.nights_per_address_per_month,
            )


def _new_code() -> str:
    for _attempt in range(10):
        code = n.code_generate()
        if not Permit.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not draw an unused confirmation code")  # pragma: no cover


@transaction.atomic
def _permit_request(*, data: PermitRequest, now: datetime.datetime, rules, zone) -> Permit:
    # The address first: a number the street does not have is a mistake to correct, whatever
    # the nights asked for.
    street_number_check(street=data.street, number=data.house_number, field="house_number")
    asked = _check_calendar(data=data, rules=rules, zone=zone, now=now)
    _check_vehicle_and_place(data=data, rules=rules)
    _lock(
        f"plate:{data.plate_state}:{data.plate}",
        f"address:{data.street.pk}:{data.house_number}",
    )
    _check_limits(data=data, asked=asked, rules=rules)
    permit = Permit(
        code=_new_code(),
        plate=data.plate,
        plate_state=data.plate_state,
        vehicle_type=data.vehicle_type,
        make=data.make.strip(),
        model=data.model.strip(),
        colour=data.colour.strip(),
        street=data.street,
        house_number=data.house_number,
        reason=data.reason,
        reason_note=data.reason_note.strip(),
        email=data.email.strip(),
        mobile=data.mobile.strip(),
        language=data.language,
        first_night=asked[0],
        last_night=asked[-1],
    )
    # The code was drawn unused just now (the unique index has the last word) and the street
    # came from the form's list of streets: no need to look either up again.
    permit.full_clean(exclude=["street"], validate_unique=False)
    permit.save(force_insert=True)
    PermitNight.objects.bulk_create(
        [
            PermitNight(
                permit=permit,
                night=night,
                plate=permit.plate,
                plate_state=permit.plate_state,
                street=permit.street,
                house_number=permit.house_number,
            )
            for night in asked
        ]
    )
    audit_record(
        actor=None,
        actor_label="resident",
        action="parking.permit.granted",
        target=permit,
        detail={"nights": [night.isoformat() for night in asked]},
    )
    _notify(
        permit, "parking/messages/approved.txt", _subject_approved, key="approved", nights=asked
    )
    return permit


# `too_many_requests` counts on the kernel's throttle (portal/clients.py): `client` is the
# keyed, hourly rotating value of the client behind the proxy, never its address.
REQUEST_THROTTLE = "parking.request"
REQUEST_WINDOW = 3600


def _too_many_requests() -> DomainError:
    return _refuse(
        "too_many_requests",
        _(
            "Too many requests have come from your connection this hour. Try again later, "
            "or call the non-emergency number."
        ),
    )


def permit_request_throttle(*, client: str, rules: ParkingRules, language: str = "") -> None:
    """Refuse a client that has used up this hour's requests, before its request is read (so
    the refusal is recorded without the plate or street, which were not read). Counts nothing:
    `permit_request` counts each request it decides."""
    if client and not throttle_allowed(
        REQUEST_THROTTLE, client, rules.requests_per_hour, REQUEST_WINDOW
    ):
        Refusal.objects.create(rule="too_many_requests", language=language)
        raise _too_many_requests()


def permit_request(
    *,
    data: PermitRequest,
    now: datetime.datetime | None = None,
    client: str = "",
    rules: ParkingRules | None = None,
    zone=None,
) -> Permit:
    """Decide a resident's request at once: a permit, or a DomainError naming the rule.
    `client` identifies the client for the hourly quota (`too_many_requests`): each valid
    request it makes counts, whatever the decision. `rules`
    and `zone`, when the caller has just read them (rules_and_zone), spare reading them again."""
    now = now or timezone.now()
    if rules is None or zone is None:
        rules, zone = rules_and_zone()
    if client and (
        throttle_record(REQUEST_THROTTLE, client, REQUEST_WINDOW) > rules.requests_per_hour
    ):
        refusal_record(data=data, rule="too_many_requests")
        raise _too_many_requests()
    try:
        return _permit_request(data=data, now=now, rules=rules, zone=zone)
    except DomainError as error:
        refusal_record(data=data, rule=error.domain_code)
        raise
    except IntegrityError as error:
        # The unique constraint caught what the lock should have: report it as the rule.
        refusal_record(data=data, rule="already_permitted")
        raise _refuse(
            "already_permitted",
            _("This plate already has a permit for the night of %(night)s."),
            night=n.night_label(data.first_night),
        ) from error


def refusal_record(*, data: PermitRequest, rule: str) -> Refusal:
    return Refusal.objects.create(
        rule=rule,
        night=data.first_night,
        plate=data.plate[:8],
        plate_state=data.plate_state,
        street=data.street,
        language=data.language,
    )


# --- Changes to a permit -----------------------------------------------------------------------


def _night_started(night: datetime.date, rules: ParkingRules, zone, now) -> bool:
    """A night can be cancelled by the resident until its cut-off."""
    return now >= n.cutoff_for(night, rules.cutoff_time, zone)


@transaction.atomic
def permit_cancel_nights(
    *, permit: Permit, nights: list[datetime.date], now: datetime.datetime | None = None
) -> int:
    """The resident gives back nights still to come. Returns how many were cancelled."""
    now = now or timezone.now()
    rules, zone = rules_get(), department_zone()
    permit = Permit.objects.select_for_update().select_related("street").get(pk=permit.pk)
    wanted = set(nights)
    to_cancel = [
        night
        for night in permit.nights.filter(status=PermitNight.Status.ACTIVE)
        if night.night in wanted and not _night_started(night.night, rules, zone, now)
    ]
    if not to_cancel:
        raise DomainError(
            _("Choose at least one night that has not started yet."), code="nothing", field="nights"
        )
    PermitNight.objects.filter(pk__in=[night.pk for night in to_cancel]).update(
        status=PermitNight.Status.CANCELLED
    )
    if not permit.nights.filter(status=PermitNight.Status.ACTIVE).exists():
        permit.status = Permit.Status.CANCELLED
        permit.status_reason = _("Cancelled by the resident.")
        permit.save(update_fields=["status", "status_reason"])
    audit_record(
        actor=None,
        actor_label="resident",
        action="parking.permit.nights_cancelled",
        target=permit,
        detail={"nights": [night.night.isoformat() for night in to_cancel]},
    )
    return len(to_cancel)


@transaction.atomic
def permit_revoke(*, permit: Permit, reason: str, actor) -> Permit:
    """Staff revoke a permit (every night still to come), telling the holder why."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason the holder will read."), code="reason_required")
    permit = Permit.objects.select_for_update().select_related("street").get(pk=permit.pk)
    if permit.status == Permit.Status.REVOKED:
        return permit
    rules, zone, now = rules_get(), department_zone(), timezone.now()
    future = [
        night.pk
        for night in permit.nights.filter(status=PermitNight.Status.ACTIVE)
        if now < n.night_window(night.night, rules.ban_end, zone)[1]
    ]
    PermitNight.objects.filter(pk__in=future).update(status=PermitNight.Status.REVOKED)
    permit.status = Permit.Status.REVOKED
    permit.status_reason = reason[:300]
    permit.full_clean()
    permit.save(update_fields=["status", "status_reason"])
    audit_record(
        actor=actor, action="parking.permit.revoked", target=permit, detail={"reason": reason}
    )
    _notify(
        permit,
        "parking/messages/revoked.txt",
        _subject_cancelled,
        key="revoked",
        extra={"reason": reason},
    )
    return permit
