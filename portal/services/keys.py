"""Keys issued to machines (`portal.staff_models.HashedKey`): finding the row a key opens.

Rules:
- A key is looked up by its SHA-256 only (one indexed query); the key itself is never stored.
- A revoked key (or one its model says is no longer active: an expired handheld token) opens
  nothing.
- Its last use is noted at most once every LAST_USED_PRECISION, so a busy device or
  application does not write a row on every request; admin shows it to spot a key nobody uses.
- Revoking is done once: the row is locked first, and a key already revoked keeps its date and
  gets no second audit entry (two staff pressing "revoke" together record one revocation).
"""

import datetime

from django.db import models, transaction
from django.utils import timezone

from portal.services.audit import audit_record
from portal.staff_models import HashedKey, key_hash

LAST_USED_PRECISION = datetime.timedelta(minutes=5)


def hashed_key_authenticate(queryset: models.QuerySet, key: str | None) -> HashedKey | None:
    """The active row of `queryset` (a `HashedKey` model's, with what the caller needs joined)
    whose key is `key`, or None; notes its last use."""
    if not key:
        return None
    row = queryset.filter(key_hash=key_hash(key.strip())).first()
    if row is None or not row.active:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
        queryset.model.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row


@transaction.atomic
def hashed_key_revoke(row: HashedKey, *, actor, action: str) -> bool:
    """Revoke `row`'s key and record `action` (the app's audit code) against it. Returns
    whether this call revoked it: False, with nothing written, when it already was."""
    locked = type(row).objects.select_for_update().get(pk=row.pk)
    if locked.revoked_at is not None:
        return False
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action=action, target=locked)
    return True
