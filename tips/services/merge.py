"""Duplicates: one case told by several tipsters.

A merge closes the duplicate (outcome "duplicate") and moves its messages, attachments and notes
to the tip that survives, in one transaction, audit-logged on both tips. Moved rows keep
`merged_from`, so each tipster still reads only their own thread under their own number, and
learns that the tip was merged, not where to. Merges chain: a tip merged into a duplicate ends
under the survivor.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal.errors import DomainError
from portal.services.audit import audit_record
from tips.models import Tip, TipAttachment, TipMessage, TipNote
from tips.services.common import mark_triaged

MERGE_HOPS = 20


def _merge_rows(model, *, duplicate: Tip, into: Tip) -> int:
    rows = model.objects.filter(tip=duplicate)
    # The duplicate's own rows remember it; rows it had from an earlier merge keep their origin.
    rows.filter(merged_from__isnull=True).update(merged_from=duplicate)
    return rows.update(tip=into)


@transaction.atomic
def tip_merge(*, duplicate: Tip, into: Tip, actor) -> Tip:
    """Close `duplicate` as a duplicate of `into` (or of the tip `into` was itself merged into)
    and move its messages, attachments and notes there."""
    survivor_pk = into.pk
    for _hop in range(MERGE_HOPS):  # follow earlier merges (as stored now) to the survivor
        onward = Tip.objects.filter(pk=survivor_pk).values_list("duplicate_of", flat=True).first()
        if not onward:
            break
        survivor_pk = onward
    locked = {
        t.pk: t
        for t in Tip.objects.select_for_update()
        .filter(pk__in=[duplicate.pk, survivor_pk])
        .order_by("pk")
    }
    duplicate, into = locked[duplicate.pk], locked[survivor_pk]
    if duplicate.pk == into.pk:
        raise DomainError(gettext_lazy("A tip cannot be merged into itself."), code="self_merge")
    if duplicate.duplicate_of_id:
        raise DomainError(
            gettext_lazy("This tip was already merged into another one."),
            code="already_merged",
            conflict=True,
        )
    if into.duplicate_of_id:  # merged elsewhere meanwhile
        raise DomainError(
            gettext_lazy("That tip was just merged into another one. Try again."),
            code="merge_moved",
        )
    moved = {
        "messages": _merge_rows(TipMessage, duplicate=duplicate, into=into),
        "attachments": _merge_rows(TipAttachment, duplicate=duplicate, into=into),
        "notes": _merge_rows(TipNote, duplicate=duplicate, into=into),
    }
    # Tips merged into the duplicate before now point at the survivor.
    moved["tips"] = Tip.objects.filter(duplicate_of=duplicate).update(duplicate_of=into)
    duplicate.duplicate_of = into
    duplicate.status = Tip.Status.CLOSED
    duplicate.outcome = Tip.Outcome.DUPLICATE
    duplicate.closed_at = timezone.now()
    mark_triaged(duplicate)
    duplicate.save()
    duplicate.related.add(into)
    audit_record(
        actor=actor,
        action="tips.tip.merged",
        target=duplicate,
        detail={"into": into.number, **moved},
    )
    audit_record(
        actor=actor,
        action="tips.tip.merged_in",
        target=into,
        detail={"from": duplicate.number, **moved},
    )
    return into
