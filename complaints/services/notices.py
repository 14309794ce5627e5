"""What staff, officers and residents are told, always through the outbox, and the sweeps
behind the after-commit hand-offs.

- Internal affairs is told a case came in: its kind, tracking code and a link to the staff
  page, never what the resident wrote or who they are. The case row records the notice is owed
  (`notice_pending`, in the case's transaction); a task writes the outbox rows after commit and
  the beat sweep catches any whose task was lost.
- Whoever holds a case is told when the resident adds information.
- When a complaint closes, a complainant who gave an e-mail address is told the finding on each
  allegation and the outcome's kind, in the language they wrote in (`finding_notice_pending`,
  the same hand-off). Others read it on the follow page with their code and passphrase.
- A delivered commendation goes to the officer and their supervisor, with what the resident
  wrote and never who they are.
- Investigation steps: whoever holds the case is reminded REMINDER_DAYS_BEFORE days before a
  step's deadline and every day it is overdue (beat task `reminders_send`), once a day at most.
- Every notice about an anonymous case is a `private` outbox message: its times are kept to the
  hour and its text removed once sent.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from complaints import policy
from complaints.models import Complaint, InvestigationStep
from portal import roles
from portal.links import absolute_url
from portal.localtime import local_today
from portal.services.notifications import notification_enqueue


def staff_link(complaint: Complaint) -> str:
    with translation.override("en"):
        return absolute_url(reverse("complaints_staff:case", args=[complaint.pk]))


def _internal_affairs():
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.INTERNAL_AFFAIRS)
        .exclude(email="")
        .distinct()
    )


def _holders(complaint: Complaint):
    if complaint.assigned_to_id and complaint.assigned_to.email:
        return [complaint.assigned_to]
    return _internal_affairs()


@transaction.atomic
def complaint_notify(*, complaint_id: int) -> bool:
    """Tell internal affairs a case came in, once. False when there was nothing left to do."""
    complaint = (
        Complaint.objects.select_for_update(skip_locked=True)
        .filter(pk=complaint_id, notice_pending=True)
        .first()
    )
    if complaint is None:
        return False
    link = staff_link(complaint)
    for user in _internal_affairs():
        with translation.override("en"):
            subject = _("New %(kind)s %(code)s") % {
                "kind": complaint.get_kind_display().lower(),
                "code": complaint.tracking_code,
            }
            body = _(
                "A new %(kind)s has arrived (%(filing)s, %(channel)s).\n\n"
                "Tracking code: %(code)s\n\nOpen it in the portal (sign-in needed):\n%(link)s\n"
            ) % {
                "kind": complaint.get_kind_display().lower(),
                "filing": complaint.get_filing_display().lower(),
                "channel": complaint.get_channel_display().lower(),
                "code": complaint.tracking_code,
                "link": link,
            }
        notification_enqueue(
            channel="email",
            recipient=user.email,
            subject=subject,
            body=body,
            language="en",
            dedupe_key=f"complaints:new:{complaint.pk}:{user.pk}",
            private=complaint.is_anonymous,
        )
    complaint.notice_pending = False
    complaint.save(update_fields=["notice_pending"])
    return True


def resident_added_notify(*, complaint: Complaint) -> None:
    """In the caller's transaction: tell whoever holds the case that the resident added to it."""
    for user in _holders(complaint):
        notification_enqueue(
            channel="email",
            recipient=user.email,
            subject=f"Complaint {complaint.tracking_code}: the resident added information",
            body=(
                f"The resident added information to {complaint.tracking_code}.\n\n"
                f"{staff_link(complaint)}\n"
            ),
            language="en",
            private=complaint.is_anonymous,
        )


def _finding_text(complaint: Complaint) -> tuple[str, str]:
    lines = []
    for allegation in complaint.allegations.all():
        lines.append(f"- {allegation.get_category_display()}: {allegation.get_finding_display()}")
    subject = _("Your complaint %(code)s is closed") % {"code": complaint.tracking_code}
    body = _(
        "Your complaint %(code)s has been investigated and is now closed.\n\n"
        "Findings:\n%(findings)s\n\nOutcome: %(outcome)s\n\n"
        "What the findings mean, and how to ask the civilian review board to look at the case, "
        "is explained at %(link)s\n\nRetaliation against anyone who complains is prohibited. "
        "If you experience it, tell us.\n"
    ) % {
        "code": complaint.tracking_code,
        "findings": "\n".join(lines) or "-",
        "outcome": complaint.get_outcome_display(),
        "link": absolute_url(reverse("complaints:index")),
    }
    return subject, body


@transaction.atomic
def finding_notify(*, complaint_id: int) -> bool:
    """Tell the complainant the finding (e-mail, their language), once."""
    complaint = (
        Complaint.objects.select_for_update(skip_locked=True)
        .filter(pk=complaint_id, finding_notice_pending=True)
        .first()
    )
    if complaint is None:
        return False
    if complaint.complainant_email:
        with translation.override(complaint.language):
            subject, body = _finding_text(complaint)
        notification_enqueue(
            channel="email",
            recipient=complaint.complainant_email,
            subject=subject,
            body=body,
            language=complaint.language,
            dedupe_key=f"complaints:finding:{complaint.pk}",
        )
        complaint.complainant_notified_on = local_today()
    complaint.finding_notice_pending = False
    complaint.save(update_fields=["finding_notice_pending", "complainant_notified_on"])
    return True


def commendation_notify(*, complaint: Complaint) -> int:
    """In the caller's transaction: the commendation to each identified officer and their
    supervisor. Returns how many messages were queued."""
    sent = 0
    for link in complaint.officers.select_related(
        "officer__user", "officer__supervisor__user"
    ).exclude(officer=None):
        officer = link.officer
        people = [officer]
        if officer.supervisor_id:
            people.append(officer.supervisor)
        for person in people:
            address = person.email or (person.user.email if person.user_id else "")
            if not address:
                continue
            subject = f"A commendation for {officer}"
            body = (
                f"A resident wrote to thank {officer}:\n\n{complaint.what}\n\n"
                "It is recorded on the officer's record.\n"
            )
            notification_enqueue(
                channel="email",
                recipient=address,
                subject=subject,
                body=body,
                language="en",
                dedupe_key=f"complaints:commendation:{complaint.pk}:{officer.pk}:{person.pk}",
                private=complaint.is_anonymous,
            )
            sent += 1
    return sent


def reminders_send(*, today=None) -> int:
    """Remind whoever holds a case of steps due within REMINDER_DAYS_BEFORE days or overdue,
    once a day at most per step (the step records the day; the outbox's dedupe key makes a
    repeat harmless)."""
    today = today or local_today()
    horizon = today + timedelta(days=policy.REMINDER_DAYS_BEFORE)
    due = (
        InvestigationStep.objects.filter(done_on=None, due_on__lte=horizon)
        .exclude(reminded_on=today)
        .exclude(complaint__stage=Complaint.Stage.CLOSED)
        .select_related("complaint__assigned_to", "created_by")
        .order_by("id")[:500]
    )
    count = 0
    for step in due:
        with transaction.atomic():
            locked = (
                InvestigationStep.objects.select_for_update(skip_locked=True)
                .filter(pk=step.pk, done_on=None)
                .exclude(reminded_on=today)
                .first()
            )
            if locked is None:
                continue
            holder = step.complaint.assigned_to or step.created_by
            if holder is None or not holder.email:
                continue
            overdue = step.due_on < today
            notification_enqueue(
                channel="email",
                recipient=holder.email,
                subject=(
                    f"Overdue: {step.title} ({step.complaint.tracking_code})"
                    if overdue
                    else f"Due {step.due_on:%d %b}: {step.title} ({step.complaint.tracking_code})"
                ),
                body=(
                    f'The investigation step "{step.title}" on '
                    f"{step.complaint.tracking_code} is due on {step.due_on:%Y-%m-%d}.\n\n"
                    f"{staff_link(step.complaint)}\n"
                ),
                language="en",
                dedupe_key=f"complaints:reminder:{step.pk}:{today.isoformat()}",
            )
            locked.reminded_on = today
            locked.save(update_fields=["reminded_on"])
            count += 1
    return count


def sweep() -> int:
    """Notices whose task was lost (broker down at the time)."""
    done = 0
    for pk in list(
        Complaint.objects.filter(notice_pending=True).values_list("pk", flat=True)[:200]
    ):
        done += complaint_notify(complaint_id=pk)
    for pk in list(
        Complaint.objects.filter(finding_notice_pending=True).values_list("pk", flat=True)[:200]
    ):
        done += finding_notify(complaint_id=pk)
    return done
