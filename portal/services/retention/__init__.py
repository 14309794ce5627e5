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
- Every door keeps these rules. A registered kind is purged by this purge alone, whose hourly
  run covers every kind (an app needs no job of its own for one, and never a copy). An app's
  job that removes something sooner than its case's kind, by a fixed period of its own (a
  tip's original file, a request's identity documents), works through `early_purge_batch`:
  the same lock, held rows left out once it is taken.
- The audit log is append-only (migration 0003). Its only way out is this purge, through the
  database function `portal_audit_purge` (migration 0009_ret_retention): it sets
  `portal.audit_purge_before` for its own statement, and the trigger lets a DELETE through
  only for entries older than that and older than the audit log's period (one year at least,
  by the database's clock), never an UPDATE. The application's role has no DELETE on the
  table; the function runs as its owner.
"""

from portal.services.retention.holds import (
    holdable_kinds,
    legal_hold_lift,
    legal_hold_place,
    lock,
)
from portal.services.retention.kinds import (
    DueRow,
    check_retention_kinds,
    cutoff_for,
    due_queryset,
    kind_get,
    kind_model,
    not_held,
    policy_for,
    retention_days,
    retention_due_list,
    retention_kinds_check,
    retention_policies_sync,
    retention_policy_update,
)
from portal.services.retention.purge import (
    BATCH,
    PurgeReport,
    early_purge_batch,
    purge_batch,
    purge_files_delete,
    retention_purge,
)

__all__ = [
    "BATCH",
    "DueRow",
    "PurgeReport",
    "check_retention_kinds",
    "cutoff_for",
    "due_queryset",
    "early_purge_batch",
    "holdable_kinds",
    "kind_get",
    "kind_model",
    "legal_hold_lift",
    "legal_hold_place",
    "lock",
    "not_held",
    "policy_for",
    "purge_batch",
    "purge_files_delete",
    "retention_days",
    "retention_due_list",
    "retention_kinds_check",
    "retention_policies_sync",
    "retention_policy_update",
    "retention_purge",
]
