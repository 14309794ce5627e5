"""Snow emergencies: declaring a ban, and the one idempotent job that cancels every
overlapping night and tells each holder once."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone, translation

from parking import nights as n
from parking import tasks
from parking.models import (
    ParkingRules,
    Permit,
    PermitNight,
    SnowEmergency,
)
from parking.services.common import BAN_BATCH, _notify, _subject_cancelled, rules_get
from portal.handoff import after_commit, dispatch
from portal.localtime import department_zone
from portal.services.audit import audit_record
from portal.services.notifications import notification_enqueue_many

logger = logging.getLogger(__name__)

# --- Snow emergencies --------------------------------------------------------------------------


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
        action="parking.ban.declared",
        target=ban,
        detail={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
    )
    after_commit(tasks.ban_apply, ban.pk)  # a lost job is queued again by ban_sweep
    return ban


def ban_apply(*, ban_id: int) -> int:
    """Cancel every active night the ban overlaps and tell each holder once. Runs in batches,
    each its own transaction; safe to run again (only active nights are touched, messages carry
    a de-duplication key). Returns how many permits were affected this run."""
    ban = SnowEmergency.objects.filter(pk=ban_id).first()
    if ban is None:
        return 0
    rules, zone = rules_get(), department_zone()
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
            # A batch is a handful of statements, not a few per permit: on the evening it is
            # needed the database is shared with every resident and officer (bench/snow_night.py).
            still_active = set(
                PermitNight.objects.filter(permit_id__in=ids, status=PermitNight.Status.ACTIVE)
                .values_list("permit_id", flat=True)
                .distinct()
            )
            cancelled = [permit.pk for permit in permits if permit.pk not in still_active]
            Permit.objects.filter(pk__in=cancelled).update(
                status=Permit.Status.CANCELLED, status_reason="parking ban"
            )
            messages = []
            for permit in permits:
                with translation.override(permit.language):  # "24 de noviembre" in Spanish
                    lost = [
                        n.night_label(night.night)
                        for night in permit.nights.all()
                        if night.night in nights
                    ]
                if permit.pk not in still_active:
                    permit.status = Permit.Status.CANCELLED
                    permit.status_reason = "parking ban"
                _notify(
                    permit,
                    "parking/messages/banned.txt",
                    _subject_cancelled,
                    key=f"ban{ban.pk}",
                    extra={"lost": lost, "ban": ban},
                    into=messages,
                )
            notification_enqueue_many(messages)
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
                action="parking.ban.applied",
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
        dispatch(tasks.ban_apply, ban_id)
    return len(pending)
