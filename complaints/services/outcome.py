"""Findings, the outcome and closing, staff's messages to the resident, and a commendation's
delivery (the stages: services/workflow.py).

Rules (issue 15; department policy in complaints/policy.py):
- Findings: one per allegation; the outcome may be recorded only once every allegation has one.
- Closing records the closing day and the days it took, and queues telling the complainant the
  finding (after commit, with a sweep).
- A commendation is delivered once at least one officer is identified: the officer and their
  supervisor are e-mailed it and it counts on the officer's record; the case closes.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from complaints import policy, tasks
from complaints.access import Access
from complaints.models import Allegation, Complaint, ComplaintMessage
from complaints.services.common import require
from complaints.services.notices import commendation_notify
from complaints.services.workflow import S, _audit, _complaint_only, _locked, _move
from portal import handoff
from portal.errors import DomainError, check_length
from portal.localtime import department_zone, local_today


@transaction.atomic
def allegation_find(*, actor, allegation: Allegation, finding: str) -> Allegation:
    complaint = _locked(allegation.complaint)
    require(actor, complaint, Access.IDENTITY, Access.CASE)
    if complaint.stage != S.FINDING:
        raise DomainError(
            gettext_lazy("Findings are made once the investigation is finished."),
            code="bad_transition",
            conflict=True,
        )
    if finding not in Allegation.Finding.values or not finding:
        raise DomainError(gettext_lazy("Choose a finding."), code="finding", field="finding")
    allegation = Allegation.objects.select_for_update().get(pk=allegation.pk)
    allegation.finding = finding
    allegation.finding_on = local_today()
    allegation.save(update_fields=["finding", "finding_on"])
    _audit(
        actor,
        "complaints.allegation.found",
        complaint,
        allegation=allegation.pk,
        finding=finding,
    )
    return allegation


@transaction.atomic
def findings_submit(*, actor, complaint: Complaint) -> Complaint:
    complaint = _locked(complaint)
    require(actor, complaint, Access.IDENTITY, Access.CASE)
    _move(complaint, "submit_findings")
    if complaint.allegations.filter(finding="").exists():
        raise DomainError(
            gettext_lazy("Make a finding on every allegation first."),
            code="finding_missing",
            conflict=True,
        )
    complaint.save(update_fields=["stage", "version"])
    _audit(actor, "complaints.complaint.moved", complaint, to=complaint.stage)
    return complaint


def _closing(complaint: Complaint) -> None:
    now = timezone.now()
    zone = department_zone()
    complaint.closed_at = now
    complaint.closed_on = now.astimezone(zone).date()
    complaint.days_to_close = (
        complaint.closed_on - complaint.received_at.astimezone(zone).date()
    ).days


@transaction.atomic
def complaint_close(
    *, actor, complaint: Complaint, outcome: str, outcome_summary: str = ""
) -> Complaint:
    """Record the outcome and close: the complainant is told the finding after commit."""
    complaint = _locked(complaint)
    require(actor, complaint, Access.IDENTITY)
    _complaint_only(complaint)
    _move(complaint, "close")
    outcome_summary = (outcome_summary or "").strip()
    allowed = set(Complaint.Outcome.values) - {"", Complaint.Outcome.DELIVERED}
    if outcome not in allowed:
        raise DomainError(gettext_lazy("Choose an outcome."), code="outcome", field="outcome")
    check_length(outcome_summary, limit=1000, field="outcome_summary")
    if (
        outcome in (Complaint.Outcome.DISCIPLINE, Complaint.Outcome.TRAINING)
        and not outcome_summary
    ):
        raise DomainError(
            gettext_lazy("Say in brief what training or discipline was given."),
            code="summary_required",
            field="outcome_summary",
        )
    complaint.outcome = outcome
    complaint.outcome_summary = outcome_summary
    _closing(complaint)
    complaint.finding_notice_pending = True
    complaint.save(
        update_fields=[
            "stage",
            "outcome",
            "outcome_summary",
            "closed_at",
            "closed_on",
            "days_to_close",
            "finding_notice_pending",
            "version",
        ]
    )
    _audit(actor, "complaints.complaint.outcome_recorded", complaint, outcome=outcome)
    _audit(actor, "complaints.complaint.closed", complaint)
    handoff.after_commit(tasks.finding_notify_task, complaint.pk)
    return complaint


@transaction.atomic
def message_send(*, actor, complaint: Complaint, body: str) -> ComplaintMessage:
    """A message to the resident, read on their follow page."""
    complaint = _locked(complaint)
    require(actor, complaint, Access.IDENTITY)
    body = (body or "").strip()
    if not body:
        raise DomainError(gettext_lazy("Write a message."), code="empty", field="body")
    check_length(body, limit=policy.MESSAGE_LIMIT, field="body")
    message = ComplaintMessage.objects.create(
        complaint=complaint, direction=ComplaintMessage.Direction.STAFF, body=body, author=actor
    )
    _audit(actor, "complaints.message.sent", complaint)
    return message


@transaction.atomic
def commendation_deliver(*, actor, complaint: Complaint) -> Complaint:
    complaint = _locked(complaint)
    require(actor, complaint, Access.IDENTITY)
    if not complaint.is_commendation:
        raise DomainError(
            gettext_lazy("Only a commendation is delivered."), code="not_commendation"
        )
    if not complaint.officers.exclude(officer=None).exists():
        raise DomainError(
            gettext_lazy("Identify the officer first, so the commendation can reach them."),
            code="officer_unknown",
            conflict=True,
        )
    _move(complaint, "deliver")
    complaint.outcome = Complaint.Outcome.DELIVERED
    _closing(complaint)
    complaint.save(
        update_fields=["stage", "outcome", "closed_at", "closed_on", "days_to_close", "version"]
    )
    sent = commendation_notify(complaint=complaint)
    _audit(actor, "complaints.commendation.delivered", complaint, messages=sent)
    return complaint
