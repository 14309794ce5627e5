"""The supervisors' daily digest.

Rules:
- Once a day, at SERVICE_REQUESTS_DIGEST_HOUR on the department's clocks or later (the beat
  task runs hourly), each division that has requests not closed and a public e-mail address
  gets one e-mail: how many are open, the overdue ones first (service, neighborhood, how late),
  and yesterday's on-time figure.
- Once a day means once: the outbox's de-duplication key names the division and the local
  date, so a second run, a retried task or two beat schedulers send nothing more.
- The message and its audit entry are written in one transaction; delivery is the outbox's.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.links import absolute_url
from portal.localtime import department_zone
from portal.models import Division, Notification
from portal.services.audit import audit_record
from portal.services.notifications import notification_enqueue
from service_requests.choices import Status
from service_requests.models import ServiceRequest

OVERDUE_LISTED = 30


def _open():
    return ServiceRequest.objects.exclude(status=Status.CLOSED)


def digest_due(*, now: datetime | None = None) -> bool:
    now = (now or timezone.now()).astimezone(department_zone())
    return now.hour >= settings.SERVICE_REQUESTS_DIGEST_HOUR


def digest_send(*, now: datetime | None = None) -> int:
    """Queue today's digest for every division that needs one; returns how many were new."""
    moment = now or timezone.now()
    local = moment.astimezone(department_zone())
    if local.hour < settings.SERVICE_REQUESTS_DIGEST_HOUR:
        return 0
    day = local.date()
    sent = 0
    divisions = Division.objects.filter(pk__in=_open().values("division_id")).exclude(email="")
    for division in divisions:
        sent += _division_digest(division=division, day=day, now=moment)
    return sent


@transaction.atomic
def _division_digest(*, division: Division, day, now: datetime) -> int:
    key = f"sr:digest:{division.pk}:{day.isoformat()}"
    if Notification.objects.filter(dedupe_key=key).exists():
        return 0  # today's is queued or sent already
    mine = _open().filter(division=division).defer("contact")  # the digest names nobody
    counts = mine.aggregate(open=Count("id"), overdue=Count("id", filter=Q(expected_at__lt=now)))
    overdue = list(
        mine.filter(expected_at__lt=now)
        .select_related("service", "neighborhood")
        .order_by("expected_at")[:OVERDUE_LISTED]
    )
    start = datetime.combine(day - timedelta(days=1), time.min, tzinfo=department_zone())
    closed = ServiceRequest.objects.filter(
        division=division,
        status=Status.CLOSED,
        closed_at__gte=start,
        closed_at__lt=start + timedelta(days=1),
        merged_into=None,
    ).aggregate(closed=Count("id"), on_time=Count("id", filter=Q(closed_at__lte=F("expected_at"))))
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            _("Service requests for %(division)s, %(day)s.")
            % {"division": division.name, "day": day.isoformat()},
            _("Not closed: %(open)d. Overdue: %(overdue)d.") % counts,
            _("Closed yesterday: %(closed)d, of which on time: %(on_time)d.") % closed,
        ]
        if overdue:
            lines.append(_("Overdue, most overdue first:"))
            for row in overdue:
                hours = int((now - row.expected_at).total_seconds() // 3600)
                lines.append(
                    "- "
                    + _("%(service)s in %(neighborhood)s, %(hours)d hours late (%(id)s)")
                    % {
                        "service": row.service.name,
                        "neighborhood": row.neighborhood.name,
                        "hours": hours,
                        "id": str(row.public_id)[:8],
                    }
                )
        lines.append(
            _("The queue: %(url)s")
            % {"url": absolute_url("/admin/service_requests/servicerequest/?due=overdue")}
        )
        subject = _("Daily digest of service requests: %(overdue)d overdue") % counts
    notification_enqueue(
        channel="email",
        recipient=division.email,
        subject=subject,
        body="\n".join(lines),
        dedupe_key=key,
    )
    audit_record(
        actor=None,
        action="service_requests.digest.sent",
        target=division,
        detail={"day": day.isoformat(), "overdue": counts["overdue"]},
        actor_label="beat",
    )
    return 1
