"""What staff are told, and the sweeps behind the after-commit hand-offs.

- Investigators on duty for the category (or, when none is, every tip investigator) are told a
  tip arrived through the outbox, with the number, category, priority and a link only: never
  anything the tipster wrote. The tip row records that the notice is owed (`notice_pending`, in
  the tip's transaction); a task writes the outbox rows after commit, and a beat sweep
  (`tip_notify_sweep`) catches any whose task was lost.
- The investigator a tip is assigned to is told when the tipster writes back, again with the
  number and a link only.
- Both notices are `private` outbox messages: their rows keep only the hour (queued, due, sent)
  and lose their text once sent, so the outbox site administrators read does not date a tip to
  the second (issue 13, finding 2).
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal import roles
from portal.links import absolute_url
from portal.services.notifications import notification_enqueue
from tips.models import Tip, TipCategory


def _investigators_for(category: TipCategory):
    users = list(category.on_duty.filter(is_active=True).exclude(email=""))
    if users:
        return users
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.TIP_INVESTIGATORS)
        .exclude(email="")
        .distinct()
    )


def _tip_link(tip: Tip) -> str:
    return absolute_url(reverse("admin:tips_tip_change", args=[tip.pk]))


def _notify_investigators(tip: Tip) -> None:
    link = _tip_link(tip)
    for user in _investigators_for(tip.category):
        with translation.override("en"):
            subject = _("New tip %(number)s (%(priority)s)") % {
                "number": tip.number,
                "priority": tip.get_priority_display(),
            }
            body = _(
                "A new tip has arrived.\n\nNumber: %(number)s\nCategory: %(category)s\n"
                "Priority: %(priority)s\n\nOpen it in the portal (sign-in needed):\n%(link)s\n"
            ) % {
                "number": tip.number,
                "category": tip.category.name_en or tip.category.name,
                "priority": tip.get_priority_display(),
                "link": link,
            }
        notification_enqueue(
            channel="email",
            recipient=user.email,
            subject=subject,
            body=body,
            language="en",
            dedupe_key=f"tips:new:{tip.pk}:{user.pk}",
            private=True,
        )


@transaction.atomic
def tip_notify(*, tip_id: int) -> bool:
    """Queue the new-tip notice for the investigators on duty (outbox rows), once: the tip row is
    locked, the notice written and `notice_pending` cleared in one transaction, and the outbox's
    dedupe keys make even a repeat harmless. False when there was nothing (left) to do."""
    tip = (
        Tip.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("category")
        .filter(pk=tip_id, notice_pending=True)
        .first()
    )
    if tip is None:
        return False
    _notify_investigators(tip)
    tip.notice_pending = False
    tip.save(update_fields=["notice_pending"])
    return True


def tip_notify_sweep() -> int:
    """Send the notices whose task was lost (broker down at the time of the tip)."""
    pending = Tip.objects.filter(notice_pending=True).values_list("pk", flat=True)[:200]
    return sum(1 for pk in list(pending) if tip_notify(tip_id=pk))


def tipster_wrote_back_notify(*, tip: Tip) -> None:
    """Tell the investigator the tip is assigned to that its tipster wrote (in the caller's
    transaction, through the outbox)."""
    if not (tip.assigned_to and tip.assigned_to.email):
        return
    notification_enqueue(
        channel="email",
        recipient=tip.assigned_to.email,
        subject=f"Tip {tip.number}: the tipster wrote back",
        body=f"The tipster added to tip {tip.number}.\n\n{_tip_link(tip)}\n",
        language="en",
        private=True,
    )
