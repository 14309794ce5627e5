"""The Records Division's periodic jobs, run by Celery beat (records/tasks.py).

Rules:
- A request whose four business days (C.G.S. §1-206(a)) have passed without compliance is
  deemed denied, whether or not it was acknowledged (the statute's clock is about complying,
  not answering): only a request approved for release or closed has complied, and only a
  lawful pause stops the clock (waiting for the requester, or an employee's objection under
  §1-214(c) not yet resolved). It is marked so, and the requester is told, once, of the right
  to appeal to the Freedom of Information Commission within 30 days (§1-206(b)(1)). "Once"
  holds even when the job runs twice at the same time: the row is locked and the message has a
  dedupe key.
- The assigned clerk is reminded RecordsSettings.reminder_business_days before the due date.
- The supervisor gets one digest of overdue requests a day, after 7 a.m. in the department's
  zone.
- Residents with a fingerprinting appointment are reminded the day before.
- Identity documents are deleted RecordsSettings.id_retention_days after their request closed
  (department policy: an ID is needed only to release the records), long before the request's
  own retention kind. A legal hold on the request keeps them; the job deletes under the
  retention purge's advisory lock (portal.services.retention.early_purge_batch), so a hold
  placed at the same moment either waits for it or is seen by it.
Every job is idempotent: running it twice has the effect of running it once.
"""

import logging
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from portal.localtime import to_local
from portal.services.audit import audit_record
from portal.services.notifications import notification_enqueue
from portal.services.retention import early_purge_batch
from records.businessdays import add_business_days
from records.models import (
    Document,
    EmployeeNotice,
    RecordRequest,
    RecordsSettings,
    RequestKind,
    Status,
)
from records.services import common, lifecycle
from records.services import release as release_services

logger = logging.getLogger(__name__)

DIGEST_LOCAL_HOUR = 7
# Open and running, and not yet complied with: approved for release (ready) is compliance;
# waiting for the requester is a pause.
NOT_COMPLIED = frozenset(lifecycle.WORKING - {Status.READY})
BATCH = 500


def deemed_denials_mark(*, now: datetime | None = None) -> int:
    """Mark each request whose deadline passed without compliance, and tell its requester
    once. An acknowledgement or a message is not compliance."""
    now = now or timezone.now()
    today = to_local(now).date()
    candidates = list(
        RecordRequest.objects.filter(
            status__in=list(NOT_COMPLIED),
            due_date__lt=today,
            deemed_denied_at__isnull=True,
        )
        .exclude(  # a lawful pause: an employee's objection awaits the Commission (§1-214(c))
            Exists(
                EmployeeNotice.objects.filter(
                    request=OuterRef("pk"), objected_at__isnull=False, resolved_at__isnull=True
                )
            )
        )
        .values_list("pk", flat=True)[:BATCH]
    )
    marked = 0
    for pk in candidates:
        with transaction.atomic():
            record_request = (
                RecordRequest.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, deemed_denied_at__isnull=True, status__in=list(NOT_COMPLIED))
                .first()
            )
            if record_request is None:
                continue  # complied with meanwhile, or another run holds it
            record_request.deemed_denied_at = now
            record_request.save(update_fields=["deemed_denied_at", "updated_at"])
            common.timeline_add(record_request=record_request, action="deemed_denied")
            audit_record(
                actor=None,
                action="records.recordrequest.deemed_denied",
                target=record_request,
                detail={"due_date": record_request.due_date.isoformat()},
                actor_label="records deadline job",
            )
            common.notify_requester(
                record_request=record_request,
                subject=gettext_lazy("Your request %(number)s: your right to appeal"),
                body=gettext_lazy(
                    "We did not comply with your request %(number)s within four business "
                    "days, by %(due)s. Under Connecticut law (C.G.S. §1-206) this counts as a "
                    "denial. You may appeal to the Freedom of Information Commission within 30 "
                    "days: Freedom of Information Commission, 165 Capitol Avenue, Hartford, CT "
                    "06106, portal.ct.gov/foi. We are still working on your request and will "
                    "write to you."
                ),
                dedupe_key=f"records:deemed-denial:{record_request.pk}",
            )
            marked += 1
    return marked


def clerk_reminders_send(*, now: datetime | None = None) -> int:
    """Remind each assigned clerk of requests due within the reminder window."""
    now = now or timezone.now()
    today = to_local(now).date()
    days = RecordsSettings.get_solo().reminder_business_days
    horizon = add_business_days(today, days)
    due = (
        RecordRequest.objects.filter(
            status__in=list(lifecycle.WORKING),
            assigned_to__isnull=False,
            due_date__gte=today,
            due_date__lte=horizon,
        )
        .select_related("assigned_to")
        .order_by("due_date")[:BATCH]
    )
    sent = 0
    for record_request in due:
        clerk = record_request.assigned_to
        if not clerk.email:
            continue
        with transaction.atomic():
            notification_enqueue(
                channel="email",
                recipient=clerk.email,
                subject=f"Due {record_request.due_date:%a %b %d}: {record_request.tracking_number}",
                body=(
                    f"Record request {record_request.tracking_number} "
                    f"({record_request.get_kind_display()}) is due on "
                    f"{record_request.due_date:%A, %B %d}. Status: "
                    f"{record_request.get_status_display()}."
                ),
                language="en",
                dedupe_key=f"records:clerk-reminder:{record_request.pk}:{record_request.due_date}",
            )
        sent += 1
    return sent


def overdue_digest_send(*, now: datetime | None = None) -> bool:
    """One e-mail a day to the supervisor listing overdue requests (none if nothing is late)."""
    now = now or timezone.now()
    local_now = to_local(now)
    if local_now.time() < time(DIGEST_LOCAL_HOUR):
        return False
    supervisor = RecordsSettings.get_solo().supervisor_email
    if not supervisor:
        return False
    today = local_now.date()
    overdue = list(
        RecordRequest.objects.filter(status__in=list(lifecycle.WORKING), due_date__lt=today)
        .select_related("assigned_to")
        .order_by("due_date")[:200]
    )
    if not overdue:
        return False
    lines = [
        f"{r.tracking_number}  due {r.due_date:%Y-%m-%d}  {r.get_status_display():<18} "
        f"{r.assigned_to.get_username() if r.assigned_to else 'unassigned'}"
        for r in overdue
    ]
    with transaction.atomic(), translation.override("en"):
        notification_enqueue(
            channel="email",
            recipient=supervisor,
            subject=f"Records: {len(overdue)} overdue request(s) on {today:%Y-%m-%d}",
            body="Overdue record requests, oldest first:\n\n" + "\n".join(lines),
            language="en",
            dedupe_key=f"records:overdue-digest:{today.isoformat()}",
        )
    return True


def appointment_reminders_send(*, now: datetime | None = None) -> int:
    """Remind each resident with a fingerprinting appointment tomorrow (local date)."""
    now = now or timezone.now()
    tomorrow = to_local(now).date() + timedelta(days=1)
    zone = to_local(now).tzinfo
    start = datetime.combine(tomorrow, time.min, tzinfo=zone)
    end = start + timedelta(days=1)
    pks = list(
        RecordRequest.objects.filter(
            kind=RequestKind.FINGERPRINTING,
            status__in=list(lifecycle.OPEN),
            slot__starts_at__gte=start,
            slot__starts_at__lt=end,
        ).values_list("pk", flat=True)[:BATCH]
    )
    sent = 0
    for pk in pks:
        with transaction.atomic():
            record_request = (
                RecordRequest.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("slot")
                .filter(pk=pk)
                .first()
            )
            if record_request is None or (
                record_request.reminder_sent_for_id == record_request.slot_id
            ):
                continue
            when = common.local_datetime_text(
                record_request.slot.starts_at, record_request.language
            )
            common.notify_requester(
                record_request=record_request,
                subject=gettext_lazy("Reminder: fingerprinting tomorrow (%(number)s)"),
                body=gettext_lazy(
                    "This is a reminder of your fingerprinting appointment on %(when)s. Bring a "
                    "photo ID. To move or cancel it, use your tracking page."
                ),
                dedupe_key=f"records:fp-reminder:{record_request.pk}:{record_request.slot_id}",
                when=when,
            )
            record_request.reminder_sent_for = record_request.slot
            record_request.save(update_fields=["reminder_sent_for"])
            sent += 1
    return sent


def id_documents_purge(*, now: datetime | None = None) -> int:
    """Delete identity documents of requests closed longer ago than the retention period."""
    now = now or timezone.now()
    days = RecordsSettings.get_solo().id_retention_days
    due = Document.objects.filter(
        kind=Document.Kind.ID_DOCUMENT,
        purged_at__isnull=True,
        request__status=Status.CLOSED,
        request__closed_at__lt=now - timedelta(days=days),
    ).select_related("request")

    def purge(document: Document) -> None:
        name = document.file.name
        document.purged_at = now
        document.file = ""
        document.save(update_fields=["purged_at", "file"])
        audit_record(
            actor=None,
            action="records.document.purged",
            target=document.request,
            detail={"document": document.pk, "retention_days": days},
            actor_label="records retention job",
        )
        storage = Document._meta.get_field("file").storage
        transaction.on_commit(lambda n=name, s=storage: s.delete(n) if n else None)

    # A legal hold on the request keeps its documents.
    return early_purge_batch(due, purge, hold_paths=("request",), batch=BATCH)


def _packets_requeue(*, now: datetime | None = None) -> int:
    return release_services.packets_requeue(now=now)


def deadlines_run(*, now: datetime | None = None) -> dict[str, int]:
    """Everything the deadline beat entry does, each part on its own."""
    results = {}
    for name, job in [
        ("deemed_denials", deemed_denials_mark),
        ("clerk_reminders", clerk_reminders_send),
        ("appointment_reminders", appointment_reminders_send),
        ("overdue_digest", overdue_digest_send),
        ("packets_requeued", _packets_requeue),
    ]:
        try:
            results[name] = int(job(now=now))
        except Exception:  # one failing part must not stop the others
            logger.exception("records job %s failed", name)
            results[name] = -1
    return results
