"""Legal holds: placed and lifted by authorised staff with a reason, audited; they share a lock
with the purge batches (see the package's rules)."""

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import registry
from portal.errors import DomainError
from portal.retention_models import LegalHold
from portal.services.audit import audit_record
from portal.services.retention.kinds import kind_get, kind_model

# One key for the advisory lock shared by hold placement and purge batches ("RETN").
LOCK_KEY = 0x5245544E


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


def lock() -> None:
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
    lock()
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
