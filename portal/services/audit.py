"""The audit log: who (a staff user) did or viewed what, and when.

Rules:
- Every state change a service makes, and every sensitive read (a tip decrypted, a plate looked
  up), records one entry, in the same transaction as the change (Zulip's RealmAuditLog pattern).
- Entries are append-only: the model refuses updates and deletes, and on PostgreSQL a trigger
  refuses them as well (migration 0003), so not even a raw UPDATE rewrites history.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from portal import registry
from portal.models import AuditEntry


class UnknownAuditAction(ValueError):
    """An action name no app registered (portal/registry.py `audit_actions`)."""


@transaction.atomic
def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry. `action` is a registered dotted code such as "tips.tip.decrypted"."""
    if settings.AUDIT_ACTIONS_STRICT and not registry.audit_action_known(action):
        raise UnknownAuditAction(f"Register the audit action {action!r} in its app's audit.py")
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        actor=user,
        actor_label=(user.get_username() if user else actor_label)[:150],
        action=action[:80],
        detail=detail or {},
    )
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        entry.target_id = str(target.pk)[:64]
        entry.target_label = str(target)[:200]
    entry.full_clean()
    entry.save()
    return entry
