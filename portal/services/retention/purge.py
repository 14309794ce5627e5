"""The purge: bounded batches, files after commit, counts in the audit log (see the package's
rules)."""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models, transaction

from portal import registry
from portal.localtime import local_today
from portal.retention_models import PurgeFile, RetentionPolicy
from portal.services.audit import audit_record
from portal.services.retention.holds import lock
from portal.services.retention.kinds import (
    AUDIT_KIND,
    cutoff_for,
    due_queryset,
    file_fields,
    kind_get,
    kind_model,
    not_held,
    policy_for,
)

logger = logging.getLogger(__name__)

BATCH = 500


# --- The purge ----------------------------------------------------------------------------------


@dataclass
class PurgeReport:
    rows: dict[str, int]
    files: int

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _storage_for(label: str):
    app_model, field_name = label.rsplit(".", 1)
    return apps.get_model(app_model)._meta.get_field(field_name).storage


def purge_batch(
    kind: registry.RetentionKind, policy: RetentionPolicy, today: datetime.date, batch: int
) -> tuple[int, list[int]]:
    """One bounded transaction; returns (rows purged, ids of the files now owed, which are
    removed from storage once it commits)."""
    model = kind_model(kind)
    with transaction.atomic():
        lock()
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
        for path, label in file_fields(kind, model):
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
    """Purge every kind's due rows (beat task `portal.tasks.retention_purge`), or only the kinds
    in `keys` (by hand, or in a test), with the same periods, holds and lock. Idempotent; safe
    to run in two processes at once (skip-locked rows, one lock per batch)."""
    for key in keys or ():
        kind_get(key)  # a misspelt key is an error, not a purge that silently does nothing
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
            count, owed = purge_batch(kind, policy, today, batch)
            batches += 1
            files += len(owed)
            done += count
            if count == 0:
                break
        if done:
            report.rows[kind.key] = done
    report.files = files
    return report


def early_purge_batch(
    queryset: models.QuerySet,
    purge: Callable[[models.Model], None],
    *,
    hold_paths: tuple[str, ...] = ("",),
    hold_generic: tuple[str, str] = (),
    batch: int = BATCH,
) -> int:
    """One batch of an app's own job that removes something sooner than its case's kind (a
    tip's original file, a request's identity documents), by the app's fixed period, from rows
    a legal hold can cover. In one transaction under the purge's advisory lock, the held rows
    (through `hold_paths`, as `not_held`) are left out only once the lock is taken: a hold
    committed before the batch keeps its rows, and one placed meanwhile waits for the batch.
    Rows another transaction holds locked are left for the next run. `purge(row)` does the
    app's work on each row (clears the file, writes its audit entry, defers the storage call to
    `transaction.on_commit`), which must make the row leave `queryset`. Returns how many rows it
    was called on. A registered kind is purged by `retention_purge(keys=[...])` instead."""
    with transaction.atomic():
        lock()
        rows = list(
            not_held(queryset, hold_paths, hold_generic)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")[:batch]
        )
        for row in rows:
            purge(row)
        return len(rows)
