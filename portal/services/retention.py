"""Retention: every kind of record is purged once the department's period has passed, unless a
legal hold covers its case.

Rules:
- Each kind (portal.registry.retention_kinds, registered by its app) has one policy row whose
  period the department sets in admin; the default comes from the Connecticut State Library's
  municipal records retention schedules (M8 for law enforcement records, the general
  schedules otherwise), and the records officer confirms each (docs/operations.md). A period
  shorter than the kind's minimum is refused.
- A row is due on the department's local day `date + days` (its date field read on the
  department's clocks), and not the day before.
- A legal hold on a case (placed and lifted by authorised staff, with a reason, audited) stops
  the purge of that case and of every row whose `hold_paths` lead to it. Placing a hold and a
  purge batch take the same transaction-scoped advisory lock, so a batch never deletes a case
  whose hold was committed before it started, and a hold never lands on a row being purged.
- The purge works in batches, each its own transaction: the rows are locked (rows another
  transaction holds locked are skipped, left for the next run), deleted, their files recorded
  as owed, and one audit entry written with the kind and the counts (never the content). The
  files are removed from storage only after the transaction commits; a file whose removal was
  interrupted is removed by the next run. A run that dies midway leaves whole batches done and
  the rest due, so the next run carries on.
- The audit log is append-only (migration 0003). Its only way out is this purge, through the
  database function `portal_audit_purge` (migration 0009_ret_retention): it sets
  `portal.audit_purge_before` for its own statement, and the trigger lets a DELETE through
  only for entries older than that and older than the audit log's period (one year at least,
  by the database's clock), never an UPDATE. The application's role has no DELETE on the
  table; the function runs as its owner.
"""

import datetime
import logging
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection, models, transaction
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import registry
from portal.errors import DomainError
from portal.localtime import department_zone, local_today
from portal.retention_models import LegalHold, PurgeFile, RetentionPolicy
from portal.services.audit import audit_record

logger = logging.getLogger(__name__)

AUDIT_KIND = "portal.auditentry"
# One key for the advisory lock shared by hold placement and purge batches ("RETN").
LOCK_KEY = 0x5245544E
BATCH = 500


# --- Kinds and policies -------------------------------------------------------------------------


def kind_get(key: str) -> registry.RetentionKind:
    for kind in registry.retention_kinds.all():
        if kind.key == key:
            return kind
    raise DomainError(
        _("There is no kind of record %(key)s."), code="unknown_kind", params={"key": key}
    )


def kind_model(kind: registry.RetentionKind) -> type[models.Model]:
    return apps.get_model(kind.model)


def retention_policies_sync() -> None:
    """Give every registered kind its policy row, with the default period (run after migrate;
    nothing to do while the table is not there, migrated back past it)."""
    if RetentionPolicy._meta.db_table not in connection.introspection.table_names():
        return
    existing = set(RetentionPolicy.objects.values_list("key", flat=True))
    RetentionPolicy.objects.bulk_create(
        [
            RetentionPolicy(key=kind.key, days=kind.default_days)
            for kind in registry.retention_kinds.all()
            if kind.key not in existing
        ],
        ignore_conflicts=True,
    )


def policy_for(kind: registry.RetentionKind) -> RetentionPolicy:
    policy, _created = RetentionPolicy.objects.get_or_create(
        key=kind.key, defaults={"days": kind.default_days}
    )
    return policy


def retention_days(key: str) -> int:
    """The department's period for a kind, for an app that tells residents about it or runs an
    early job of its own on the same records."""
    return policy_for(kind_get(key)).days


@transaction.atomic
def retention_policy_update(
    *, actor: AbstractBaseUser, policy: RetentionPolicy, days: int, enabled: bool
) -> RetentionPolicy:
    """Change a kind's period (admin). Refuses a period under the kind's minimum."""
    kind = kind_get(policy.key)
    policy = RetentionPolicy.objects.select_for_update().get(pk=policy.pk)
    if days < kind.minimum_days:
        raise DomainError(
            _("Keep these records at least %(days)d days."),
            code="below_minimum",
            field="days",
            params={"days": kind.minimum_days},
        )
    before = {"days": policy.days, "enabled": policy.enabled}
    policy.days, policy.enabled = days, enabled
    policy.full_clean()
    policy.save()
    audit_record(
        actor=actor,
        action="portal.retentionpolicy.changed",
        target=policy,
        detail={"before": before, "after": {"days": days, "enabled": enabled}},
    )
    return policy


# --- What is due --------------------------------------------------------------------------------


def cutoff_for(*, days: int, on: datetime.date) -> datetime.datetime:
    """Rows whose date is before this moment are due on the local day `on`: a row is due
    `days` days after its own local day."""
    first_kept_day = on - datetime.timedelta(days=days - 1)
    return datetime.datetime.combine(first_kept_day, datetime.time.min, tzinfo=department_zone())


def _date_filter(model, path: str, cutoff: datetime.datetime) -> models.Q:
    field = _resolve_field(model, path)
    if isinstance(field, models.DateTimeField):
        return models.Q(**{f"{path}__lt": cutoff})
    return models.Q(**{f"{path}__lt": cutoff.date()})  # a DateField: the local day itself


def _resolve_field(model, path: str):
    parts = path.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(parts[-1])


def _held_model(model, path: str):
    if not path:
        return model
    for part in path.split("__"):
        model = model._meta.get_field(part).related_model
    return model


def not_held(
    queryset: models.QuerySet,
    hold_paths: tuple[str, ...] = ("",),
    hold_generic: tuple[str, str] = (),
) -> models.QuerySet:
    """`queryset` less the rows an active legal hold covers through any of `hold_paths`. For an
    app's own purge jobs too: `not_held(Application.objects.filter(...))`."""
    model = queryset.model
    for path in hold_paths:
        target = _held_model(model, path)
        ref = f"{path}__pk" if path else "pk"
        held = LegalHold.objects.filter(
            content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
            object_id=Cast(OuterRef(ref), CharField()),
            lifted_at__isnull=True,
        )
        queryset = queryset.filter(~Exists(held))
    if hold_generic:
        type_field, id_field = hold_generic
        held = LegalHold.objects.filter(
            content_type=OuterRef(type_field), object_id=OuterRef(id_field), lifted_at__isnull=True
        )
        queryset = queryset.filter(~Exists(held))
    return queryset


def _candidates(kind: registry.RetentionKind, days: int, on: datetime.date) -> models.QuerySet:
    model = kind_model(kind)
    queryset = model._base_manager.all()
    if kind.eligible is not None:
        queryset = kind.eligible(queryset)
    return queryset.filter(_date_filter(model, kind.date_field, cutoff_for(days=days, on=on)))


def due_queryset(kind: registry.RetentionKind, *, days: int, on: datetime.date) -> models.QuerySet:
    """The rows of `kind` the purge removes on the local day `on`."""
    return not_held(_candidates(kind, days, on), kind.hold_paths, kind.hold_generic)


@dataclass(frozen=True)
class DueRow:
    kind: registry.RetentionKind
    policy: RetentionPolicy
    due_today: int
    due_next_week: int
    held: int


def retention_due_list(*, today: datetime.date | None = None) -> list[DueRow]:
    """Per kind: what the purge removes today, what in the next seven days, and how much of the
    latter a legal hold keeps. Three counts per kind, whatever the data size."""
    today = today or local_today()
    week = today + datetime.timedelta(days=7)
    policies = {p.key: p for p in RetentionPolicy.objects.all()}
    rows = []
    for kind in registry.retention_kinds.all():
        policy = policies.get(kind.key) or policy_for(kind)
        within_week = _candidates(kind, policy.days, week)
        due_week = not_held(within_week, kind.hold_paths, kind.hold_generic).count()
        rows.append(
            DueRow(
                kind=kind,
                policy=policy,
                due_today=due_queryset(kind, days=policy.days, on=today).count(),
                due_next_week=due_week,
                held=within_week.count() - due_week,
            )
        )
    return rows


# --- Legal holds --------------------------------------------------------------------------------


def holdable_kinds() -> list[registry.RetentionKind]:
    """The kinds a hold can be placed on, one per model (a permit is one case, whichever of
    its kinds names it)."""
    seen, kinds = set(), []
    for kind in registry.retention_kinds.all():
        if "" in kind.hold_paths and kind.model not in seen:
            seen.add(kind.model)
            kinds.append(kind)
    return kinds


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


@transaction.atomic
def legal_hold_place(
    *, actor: AbstractBaseUser | None, kind_key: str, case: str, reason: str
) -> LegalHold:
    """Put a case under legal hold. `case` is what staff know it by (the kind's `case_field`:
    a tip's number, a permit's code, a request's id)."""
    kind = kind_get(kind_key)
    if "" not in kind.hold_paths:
        raise DomainError(
            _("A legal hold cannot be placed on this kind of record."), code="not_holdable"
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the case is held."), code="reason_required", field="reason")
    _lock()
    model = kind_model(kind)
    case = (case or "").strip()
    try:
        target = (
            model._base_manager.select_for_update()
            .filter(**{kind.case_field: case})
            .order_by("pk")
            .first()
        )
    except (ValueError, TypeError, ValidationError):  # not a well-formed id for the field
        target = None
    if target is None:
        raise DomainError(
            _("No case %(case)s was found among %(kind)s (it may have been purged already)."),
            code="no_such_case",
            field="case",
            params={"kind": kind.label, "case": case},
        )
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    if LegalHold.objects.filter(
        content_type=content_type, object_id=str(target.pk), lifted_at__isnull=True
    ).exists():
        raise DomainError(
            _("This case is already under legal hold."), code="already_held", conflict=True
        )
    hold = LegalHold(
        content_type=content_type,
        object_id=str(target.pk),
        target_label=f"{kind.label}: {target}"[:200],
        reason=reason,
        placed_by=actor,
    )
    hold.full_clean()
    hold.save()
    audit_record(
        actor=actor,
        action="portal.legal_hold.placed",
        target=target,
        detail={"hold": hold.pk, "kind": kind.key, "reason": reason},
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, actor: AbstractBaseUser, hold: LegalHold, reason: str) -> LegalHold:
    """Lift a hold; the case is purged by the next run if its period has passed."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the hold is lifted."), code="reason_required", field="reason")
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is not None:
        raise DomainError(_("This hold was already lifted."), code="already_lifted", conflict=True)
    hold.lifted_at, hold.lifted_by, hold.lift_reason = timezone.now(), actor, reason
    hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    audit_record(
        actor=actor,
        action="portal.legal_hold.lifted",
        target=hold,
        detail={"hold": hold.pk, "case": hold.object_id, "reason": reason},
    )
    return hold


# --- The purge ----------------------------------------------------------------------------------


@dataclass
class PurgeReport:
    rows: dict[str, int]
    files: int

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _file_fields(kind: registry.RetentionKind, model) -> list[tuple[str, str]]:
    """(ORM path, "app_label.ModelName.field") for each of the kind's file paths."""
    out = []
    for path in kind.files:
        field = _resolve_field(model, path)
        out.append((path, f"{field.model._meta.label}.{field.name}"))
    return out


def _storage_for(label: str):
    app_model, field_name = label.rsplit(".", 1)
    return apps.get_model(app_model)._meta.get_field(field_name).storage


def _purge_batch(
    kind: registry.RetentionKind, policy: RetentionPolicy, today: datetime.date, batch: int
) -> tuple[int, list[int]]:
    """One bounded transaction; returns (rows purged, ids of the files now owed, which are
    removed from storage once it commits)."""
    model = kind_model(kind)
    with transaction.atomic():
        _lock()
        due = due_queryset(kind, days=policy.days, on=today).order_by()
        if kind.key != AUDIT_KIND:
            # Rows a running transaction holds locked (a clerk's change, a new message on the
            # case) are left for the next run. Audit entries are never locked (nothing updates
            # them, and the application's role may not lock them); the advisory lock serialises
            # the batches that delete them.
            due = due.select_for_update(skip_locked=True, of=("self",))
        ids = list(due.values_list("pk", flat=True)[:batch])
        if not ids:
            return 0, []
        rows = model._base_manager.filter(pk__in=ids)
        owed = []
        for path, label in _file_fields(kind, model):
            for name in (
                rows.exclude(**{path: ""})
                .exclude(**{f"{path}__isnull": True})
                .values_list(path, flat=True)
            ):
                owed.append(PurgeFile(field=label, name=name))
        owed = PurgeFile.objects.bulk_create(owed)
        if kind.key == AUDIT_KIND and connection.vendor == "postgresql":
            count = _audit_purge(cutoff_for(days=policy.days, on=today), ids)
        elif kind.purge is not None:
            count = kind.purge(rows)
        else:
            rows.delete()
            count = len(ids)
        audit_record(
            actor=None,
            actor_label="retention",
            action="portal.retention.purged",
            detail={
                "kind": kind.key,
                "count": count,
                "files": len(owed),
                "days": policy.days,
                "due_on": today.isoformat(),
            },
        )
        owed_ids = [file.pk for file in owed]
        if owed_ids:
            # From storage only once the deletion is durable: a rolled-back batch keeps its files.
            transaction.on_commit(lambda: purge_files_delete(owed_ids))
        return count, owed_ids


def _audit_purge(cutoff: datetime.datetime, ids: list[int]) -> int:
    """Through the database's one door for it (migration 0009_ret_retention): the trigger lets
    an entry go only if it is older than `cutoff` and than the audit log's period."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT portal_audit_purge(%s, %s::bigint[])", [cutoff, ids])
        return cursor.fetchone()[0]


def purge_files_delete(ids: list[int] | None = None) -> int:
    """Remove owed files from storage, then their rows. With no ids: every file still owed (a
    run that died after its commit). A file already gone is no error."""
    queryset = PurgeFile.objects.all() if ids is None else PurgeFile.objects.filter(pk__in=ids)
    removed = 0
    for owed in queryset.iterator():
        try:
            _storage_for(owed.field).delete(owed.name)
        except LookupError:
            logger.warning("Retention: no storage for %s; the file is left", owed.field)
            continue
        PurgeFile.objects.filter(pk=owed.pk).delete()
        removed += 1
    return removed


def retention_purge(
    *, batch: int = BATCH, keys: list[str] | None = None, max_batches: int | None = None
) -> PurgeReport:
    """Purge every kind's due rows (beat task `portal.tasks.retention_purge`). Idempotent; safe
    to run in two processes at once (skip-locked rows, one lock per batch)."""
    files = purge_files_delete()
    today = local_today()
    report = PurgeReport(rows={}, files=0)
    for kind in registry.retention_kinds.all():
        if keys is not None and kind.key not in keys:
            continue
        policy = policy_for(kind)
        if not policy.enabled:
            continue
        done = batches = 0
        while max_batches is None or batches < max_batches:
            count, owed = _purge_batch(kind, policy, today, batch)
            batches += 1
            files += len(owed)
            done += count
            if count == 0:
                break
        if done:
            report.rows[kind.key] = done
    report.files = files
    return report


def retention_kinds_check() -> list[str]:
    """Problems with the registered kinds (a model, date field or file path that does not
    exist), for the system check and the tests."""
    problems = []
    for kind in registry.retention_kinds.all():
        try:
            model = kind_model(kind)
            _resolve_field(model, kind.date_field)
            _file_fields(kind, model)
            for path in kind.hold_paths:
                _held_model(model, path)
            if kind.case_field != "pk":
                model._meta.get_field(kind.case_field)
        except (LookupError, FieldDoesNotExist, AttributeError) as error:
            problems.append(f"{kind.key}: {error}")
        if kind.default_days < kind.minimum_days:
            problems.append(f"{kind.key}: default shorter than its minimum")
    return problems


def check_retention_kinds(app_configs=None, **kwargs) -> list[checks.Error]:
    """System check: every registered kind names a real model, date, file and hold path."""
    return [
        checks.Error(problem, hint="Fix the kind in its app's retention.py.", id="portal.E301")
        for problem in retention_kinds_check()
    ]
