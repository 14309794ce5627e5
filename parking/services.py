"""Overnight parking: every write and every rule.

The town's overnight parking ordinance bans on-street parking during the nightly ban hours;
the police department may exempt a vehicle for a night (department policy, set by staff in
admin as ParkingRules; the defaults are the ones the department asked for in issue 5). A request
is decided at once. It is refused, naming the rule, when:

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
- `too_many_requests`: more than `requests_per_hour` [20] requests from one connection in an
  hour, so nobody can use up an address's nights (or a plate's) with made-up requests;
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

import csv
import datetime
import hashlib
import io
import logging
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parking import nights as n
from parking.models import (
    BlanketNight,
    NightlyList,
    ParkingRules,
    Permit,
    PermitNight,
    PlateLock,
    Refusal,
    SnowEmergency,
)
from portal.errors import DomainError
from portal.models import Street
from portal.services.audit import audit_record
from portal.services.notifications import notification_enqueue

logger = logging.getLogger(__name__)

TOKEN_SALT = "parking.permit"  # noqa: S105 - a signing namespace, not a secret
TOKEN_MAX_AGE = 400 * 24 * 3600
BAN_BATCH = 500
COUNTED = PermitNight.Status.ACTIVE


def rules_get() -> ParkingRules:
    return ParkingRules.get_solo()


# --- Tokens ------------------------------------------------------------------------------------


def permit_token(permit: Permit) -> str:
    return signing.dumps(permit.code, salt=TOKEN_SALT, compress=True)


def permit_from_token(token: str) -> Permit | None:
    try:
        code = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    return Permit.objects.select_related("street").filter(code=code).first()


def permit_url(permit: Permit) -> str:
    with translation.override(permit.language):
        path = reverse("parking:permit", kwargs={"token": permit_token(permit)})
    return settings.PORTAL_BASE_URL.rstrip("/") + path


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


def _refuse(code: str, message: str, **params) -> DomainError:
    return DomainError(message % params if params else message, code=code)


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
            occasion=blanket.name_es if translation.get_language() == "es" else blanket.name_en,
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


def _format_local(moment: datetime.datetime, zone) -> str:
    from django.utils import formats

    return formats.date_format(moment.astimezone(zone), "DATETIME_FORMAT")


def _check_vehicle_and_place(*, data: PermitRequest, rules: ParkingRules) -> None:
    for block in rules.exclusions.all():
        if block.covers(street_id=data.street.pk, number=data.house_number):
            raise _refuse(
                "street_excluded",
                _("No overnight exemptions are given on %(place)s."),
                place=str(block),
            )
    if data.vehicle_type in (rules.excluded_vehicle_types or []):
        from parking.models import VehicleType

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
    near = set(
        plate_nights.filter(
            night__gte=asked[0] - datetime.timedelta(days=reach),
            night__lte=asked[-1] + datetime.timedelta(days=reach),
        ).values_list("night", flat=True)
    )
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
        used = plate_nights.filter(night__year=year).count()
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
        used = PermitNight.objects.filter(
            street=data.street,
            house_number=data.house_number,
            status=COUNTED,
            night__year=year,
            night__month=month,
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
def _permit_request(*, data: PermitRequest, now: datetime.datetime) -> Permit:
    rules = rules_get()
    zone = n.department_zone()
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
    permit.full_clean()
    permit.save()
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
        action="parking.permit.grant",
        target=permit,
        detail={"nights": [night.isoformat() for night in asked]},
    )
    _notify(permit, "parking/messages/approved.txt", _subject_approved, key="approved")
    return permit


def _within_hourly_quota(client: str, limit: int, now: datetime.datetime) -> bool:
    """Count this connection's requests in the current hour (a keyed hash, not the address)."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client}".encode()).hexdigest()[:32]
    key = f"parking:requests:{now:%Y%m%d%H}:{digest}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= limit


def permit_request(
    *, data: PermitRequest, now: datetime.datetime | None = None, client: str = ""
) -> Permit:
    """Decide a resident's request at once: a permit, or a DomainError naming the rule.
    `client` identifies the connection for the hourly quota (`too_many_requests`)."""
    now = now or timezone.now()
    if client and not _within_hourly_quota(client, rules_get().requests_per_hour, now):
        refusal_record(data=data, rule="too_many_requests")
        raise _refuse(
            "too_many_requests",
            _(
                "Too many requests have come from your connection this hour. Try again later, "
                "or call the non-emergency number."
            ),
        )
    try:
        return _permit_request(data=data, now=now)
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


# --- Notifications -----------------------------------------------------------------------------


def _subject_approved() -> str:
    return _("Overnight parking permit approved")


def _subject_cancelled() -> str:
    return _("Overnight parking permit cancelled")


def _notify(permit: Permit, template: str, subject, *, key: str, extra=None) -> None:
    """The holder's message, in their language, by e-mail and/or text, through the outbox."""
    with translation.override(permit.language):
        context = {
            "permit": permit,
            "url": permit_url(permit),
            "nights": [
                n.night_label(night.night)
                for night in permit.nights.all()
                if night.status == PermitNight.Status.ACTIVE
            ],
            **(extra or {}),
        }
        body = render_to_string(template, context).strip()
        sms = render_to_string(template.replace(".txt", "_sms.txt"), context).strip()
        subject_text = subject()
    if permit.email:
        notification_enqueue(
            channel="email",
            recipient=permit.email,
            subject=subject_text,
            body=body,
            language=permit.language,
            dedupe_key=f"parking:{permit.pk}:{key}:email",
        )
    if permit.mobile:
        notification_enqueue(
            channel="sms",
            recipient=permit.mobile,
            body=sms,
            language=permit.language,
            dedupe_key=f"parking:{permit.pk}:{key}:sms",
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
    rules, zone = rules_get(), n.department_zone()
    permit = Permit.objects.select_for_update().select_related("street").get(pk=permit.pk)
    wanted = set(nights)
    to_cancel = [
        night
        for night in permit.nights.filter(status=PermitNight.Status.ACTIVE)
        if night.night in wanted and not _night_started(night.night, rules, zone, now)
    ]
    if not to_cancel:
        raise DomainError(_("Choose at least one night that has not started yet."), code="nothing")
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
        action="parking.permit.cancel_nights",
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
    rules, zone, now = rules_get(), n.department_zone(), timezone.now()
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
        actor=actor, action="parking.permit.revoke", target=permit, detail={"reason": reason}
    )
    _notify(
        permit,
        "parking/messages/revoked.txt",
        _subject_cancelled,
        key="revoked",
        extra={"reason": reason},
    )
    return permit


# --- Lookups (officers) ------------------------------------------------------------------------


@transaction.atomic
def plate_lookup(*, actor, plate: str, plate_state: str, night: datetime.date | None = None):
    """An officer checks a plate: the night's active permit or None. Always audit-logged."""
    plate = n.normalise_plate(plate)
    night = night or n.tonight()
    found = (
        PermitNight.objects.select_related("permit", "street")
        .filter(plate=plate, night=night, status=PermitNight.Status.ACTIVE)
        .filter(Q(plate_state=plate_state) if plate_state else Q())
        .first()
    )
    audit_record(
        actor=actor,
        action="parking.plate.lookup",
        target=found.permit if found else None,
        detail={
            "plate": plate,
            "state": plate_state,
            "night": night.isoformat(),
            "permitted": found is not None,
        },
    )
    return found


# --- Snow emergencies --------------------------------------------------------------------------


def ban_for_night(*, night: datetime.date, rules: ParkingRules, zone) -> SnowEmergency | None:
    start, end = n.night_window(night, rules.ban_end, zone)
    return SnowEmergency.objects.filter(starts_at__lt=end, ends_at__gt=start).first()


def ban_nights(*, ban: SnowEmergency, rules: ParkingRules, zone) -> list[datetime.date]:
    """The nights whose window the ban overlaps."""
    first = ban.starts_at.astimezone(zone).date() - datetime.timedelta(days=1)
    last = ban.ends_at.astimezone(zone).date()
    found = []
    night = first
    while night <= last:
        start, end = n.night_window(night, rules.ban_end, zone)
        if start < ban.ends_at and end > ban.starts_at:
            found.append(night)
        night += datetime.timedelta(days=1)
    return found


@transaction.atomic
def ban_declare(
    *,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    message_en: str = "",
    message_es: str = "",
    actor=None,
    ban: SnowEmergency | None = None,
) -> SnowEmergency:
    """Declare a parking ban. The cancelling job is queued in this same transaction (after
    commit) and beat's sweep re-queues it if the broker lost it."""
    ban = ban or SnowEmergency()
    ban.starts_at, ban.ends_at = starts_at, ends_at
    ban.message_en, ban.message_es = message_en, message_es
    ban.declared_by = actor if getattr(actor, "is_authenticated", False) else None
    ban.applied_at = None
    ban.full_clean()
    ban.save()
    audit_record(
        actor=actor,
        action="parking.ban.declare",
        target=ban,
        detail={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
    )
    transaction.on_commit(lambda: _queue_ban(ban.pk))
    return ban


def _queue_ban(ban_id: int) -> None:
    from parking.tasks import ban_apply

    try:
        ban_apply.delay(ban_id)
    except Exception:  # noqa: BLE001 - the broker is down: beat's sweep queues it again
        logger.warning("Broker unreachable; parking ban %s left for the sweep", ban_id)


def ban_apply(*, ban_id: int) -> int:
    """Cancel every active night the ban overlaps and tell each holder once. Runs in batches,
    each its own transaction; safe to run again (only active nights are touched, messages carry
    a de-duplication key). Returns how many permits were affected this run."""
    ban = SnowEmergency.objects.filter(pk=ban_id).first()
    if ban is None:
        return 0
    rules, zone = rules_get(), n.department_zone()
    nights = ban_nights(ban=ban, rules=rules, zone=zone)
    affected = 0
    while True:
        with transaction.atomic():
            ids = list(
                PermitNight.objects.filter(night__in=nights, status=PermitNight.Status.ACTIVE)
                .order_by("permit_id")
                .values_list("permit_id", flat=True)
                .distinct()[:BAN_BATCH]
            )
            if not ids:
                break
            permits = list(
                Permit.objects.select_for_update()
                .select_related("street")
                .prefetch_related("nights")
                .filter(pk__in=ids)
            )
            PermitNight.objects.filter(
                permit_id__in=ids, night__in=nights, status=PermitNight.Status.ACTIVE
            ).update(status=PermitNight.Status.BANNED)
            for permit in permits:
                lost = [
                    n.night_label(night.night)
                    for night in permit.nights.all()
                    if night.night in nights
                ]
                if not permit.nights.filter(status=PermitNight.Status.ACTIVE).exists():
                    permit.status = Permit.Status.CANCELLED
                    permit.status_reason = "parking ban"
                    permit.save(update_fields=["status", "status_reason"])
                _notify(
                    permit,
                    "parking/messages/banned.txt",
                    _subject_cancelled,
                    key=f"ban{ban.pk}",
                    extra={"lost": lost, "ban": ban},
                )
            affected += len(permits)
    with transaction.atomic():
        ban = SnowEmergency.objects.select_for_update().get(pk=ban_id)
        first_run = ban.applied_at is None
        ban.permits_cancelled += affected
        ban.applied_at = timezone.now()
        ban.save(update_fields=["permits_cancelled", "applied_at"])
        if first_run or affected:
            audit_record(
                actor=None,
                actor_label="celery",
                action="parking.ban.apply",
                target=ban,
                detail={"permits": affected, "nights": [d.isoformat() for d in nights]},
            )
    return affected


def ban_sweep(*, grace_seconds: int = 60) -> int:
    """Queue again each declared ban whose job never ran (the broker was down)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=grace_seconds)
    pending = list(
        SnowEmergency.objects.filter(applied_at__isnull=True, declared_at__lte=cutoff).values_list(
            "pk", flat=True
        )
    )
    for ban_id in pending:
        _queue_ban(ban_id)
    return len(pending)


# --- The nightly list --------------------------------------------------------------------------


def nightly_rows(*, night: datetime.date) -> list[PermitNight]:
    return list(
        PermitNight.objects.select_related("permit", "street")
        .filter(night=night, status=PermitNight.Status.ACTIVE)
        .order_by("street__name", "house_number", "plate")
    )


def nightly_csv(*, night: datetime.date) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["night", "street", "number", "plate", "state", "make", "model", "colour", "code"]
    )
    for row in nightly_rows(night=night):
        permit = row.permit
        writer.writerow(
            [
                night.isoformat(),
                row.street.name,
                row.house_number,
                row.plate,
                row.plate_state,
                permit.make,
                permit.model,
                permit.colour,
                permit.display_code,
            ]
        )
    return out.getvalue()


def nightly_pdf(*, night: datetime.date, title: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=letter, title=title)
    styles = getSampleStyleSheet()
    story = [Paragraph(title, styles["Title"])]
    rows = nightly_rows(night=night)
    if not rows:
        story.append(Paragraph(_("No permits for this night."), styles["Normal"]))
    street = None
    table: list[list[str]] = []

    def flush():
        if table:
            grid = Table(table, repeatRows=1, hAlign="LEFT")
            grid.setStyle(
                TableStyle(
                    [
                        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                    ]
                )
            )
            story.append(grid)
            story.append(Spacer(1, 12))

    for row in rows:
        if row.street.name != street:
            flush()
            street = row.street.name
            story.append(Paragraph(street, styles["Heading2"]))
            table = [[_("No."), _("Plate"), _("State"), _("Vehicle"), _("Code")]]
        table.append(
            [
                str(row.house_number),
                row.plate,
                row.plate_state,
                row.permit.vehicle,
                row.permit.display_code,
            ]
        )
    flush()
    doc.build(story)
    return buffer.getvalue()


def nightly_list_export(*, actor, night: datetime.date, as_pdf: bool) -> bytes:
    """A staff member downloads a night's list (CSV or PDF); the download is audit-logged."""
    audit_record(
        actor=actor,
        action="parking.list.download",
        detail={"night": night.isoformat(), "as": "pdf" if as_pdf else "csv"},
    )
    if as_pdf:
        title = _("Overnight parking: the night of %(night)s") % {"night": n.night_label(night)}
        return nightly_pdf(night=night, title=title)
    return nightly_csv(night=night).encode()


def nightly_list_send(*, now: datetime.datetime | None = None) -> NightlyList | None:
    """Beat calls this every few minutes. Once the list time of a night has come (before the
    ban starts) and the ban has not ended, the night's list is generated and e-mailed to the
    shift supervisor, at most once a night."""
    now = now or timezone.now()
    rules, zone = rules_get(), n.department_zone()
    today = now.astimezone(zone).date()
    for night in (today - datetime.timedelta(days=1), today):
        ban_start = n.in_utc(n.local_at(night + datetime.timedelta(days=1), rules.ban_start, zone))
        send_at = ban_start - datetime.timedelta(minutes=rules.list_minutes_before_ban)
        ban_end = n.local_at(night + datetime.timedelta(days=1), rules.ban_end, zone)
        if send_at <= now < ban_end:
            return _nightly_list_make(night=night, rules=rules)
    return None


@transaction.atomic
def _nightly_list_make(*, night: datetime.date, rules: ParkingRules) -> NightlyList:
    existing = NightlyList.objects.select_for_update().filter(night=night).first()
    if existing is not None:
        return existing
    rows = nightly_rows(night=night)
    record = NightlyList.objects.create(
        night=night, vehicles=len(rows), sent_to=rules.supervisor_email
    )
    if rules.supervisor_email:
        base = settings.PORTAL_BASE_URL.rstrip("/")
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string(
                "parking/messages/nightly_list.txt",
                {
                    "night": night,
                    "night_label": n.night_label(night),
                    "rows": rows,
                    "csv_url": base + reverse("parking:list-csv", args=[night.isoformat()]),
                    "pdf_url": base + reverse("parking:list-pdf", args=[night.isoformat()]),
                },
            ).strip()
            subject = _("Overnight parking list for the night of %(night)s") % {
                "night": n.night_label(night)
            }
        notification_enqueue(
            channel="email",
            recipient=rules.supervisor_email,
            subject=subject,
            body=body,
            language=settings.LANGUAGE_CODE,
            dedupe_key=f"parking:list:{night.isoformat()}",
        )
    audit_record(
        actor=None,
        actor_label="celery",
        action="parking.list.send",
        target=record,
        detail={"vehicles": len(rows)},
    )
    return record
