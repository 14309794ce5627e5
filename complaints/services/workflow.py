"""The staff side of a case: intake → classification → assignment → investigation → finding →
outcome → closed, and a commendation's delivery.

Rules (issue 15; department policy in complaints/policy.py):
- The stages follow one another in that order only (TRANSITIONS, enforced in `_move`), each
  move by its own service, each audited with who and what.
- Who may do what (complaints/access.py): internal affairs does everything; the supervisor a
  minor case is assigned to records steps and findings on it and hands it back for the outcome;
  nobody named on a case touches it.
- Classification needs a seriousness and at least one allegation, each with a category.
- Assignment: serious complaints go to a member of internal affairs; a minor one may instead go
  to the supervisor of an officer it concerns (a member of the Supervisors role). Nobody named on
  the case may be given it. The investigation's deadline is set from the seriousness.
- Findings: one per allegation; the outcome may be recorded only once every allegation has one.
- Closing records the closing day and the days it took, and queues telling the complainant the
  finding (after commit, with a sweep).
- A commendation is delivered once at least one officer is identified: the officer and their
  supervisor are e-mailed it and it counts on the officer's record; the case closes.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from complaints import access, crypto, policy, tasks
from complaints.access import Access
from complaints.models import (
    Allegation,
    Complaint,
    ComplaintAttachment,
    ComplaintMessage,
    ComplaintOfficer,
    InvestigationStep,
)
from complaints.services.common import not_allowed, require
from complaints.services.notices import commendation_notify
from portal import handoff
from portal.errors import DomainError
from portal.localtime import department_zone, local_today
from portal.services.audit import audit_record

S = Complaint.Stage
TRANSITIONS: dict[str, tuple[str, str]] = {
    "accept": (S.INTAKE, S.CLASSIFICATION),
    "classify": (S.CLASSIFICATION, S.ASSIGNMENT),
    "assign": (S.ASSIGNMENT, S.INVESTIGATION),
    "finish_investigation": (S.INVESTIGATION, S.FINDING),
    "submit_findings": (S.FINDING, S.OUTCOME),
    "close": (S.OUTCOME, S.CLOSED),
    "deliver": (S.INTAKE, S.CLOSED),  # a commendation
}
# Stages in which allegations may still be added or changed, and steps recorded.
ALLEGATION_STAGES = (S.CLASSIFICATION, S.ASSIGNMENT, S.INVESTIGATION)
STEP_STAGES = (S.ASSIGNMENT, S.INVESTIGATION, S.FINDING)


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _move(complaint: Complaint, action: str) -> None:
    source, target = TRANSITIONS[action]
    if complaint.stage != source:
        raise DomainError(
            gettext_lazy("This case is at the stage “%(stage)s”: that step is not possible now.")
            % {"stage": complaint.get_stage_display()},
            code="bad_transition",
            conflict=True,
        )
    complaint.stage = target
    complaint.version += 1


def _audit(actor, action: str, complaint: Complaint, **detail) -> None:
    audit_record(actor=actor, action=action, target=complaint, detail=detail)


def _complaint_only(complaint: Complaint) -> None:
    if complaint.is_commendation:
        raise DomainError(
            gettext_lazy("A commendation is not investigated: deliver it instead."),
            code="commendation",
            conflict=True,
        )


# --- reading --------------------------------------------------------------------------------


@transaction.atomic
def complaint_open(*, actor, complaint: Complaint) -> Access:
    """Record that `actor` opened `complaint` (and whether they saw who complained); refuse
    anyone without access."""
    level = access.access_for(actor, complaint)
    if level is None:
        raise not_allowed()
    _audit(actor, "complaints.complaint.opened", complaint, access=str(level))
    if level == Access.IDENTITY:
        _audit(actor, "complaints.complainant.viewed", complaint)
    elif level == Access.BOARD:
        _audit(actor, "complaints.review.viewed", complaint)
    return level


@transaction.atomic
def attachment_read(*, actor, attachment: ComplaintAttachment) -> tuple[bytes, str]:
    """The clean copy of a resident's file, for internal affairs; audited."""
    require(actor, attachment.complaint, Access.IDENTITY)
    if attachment.status != ComplaintAttachment.Status.CLEAN:
        raise DomainError(
            gettext_lazy("This file is not ready yet."), code="not_ready", conflict=True
        )
    with attachment.clean.open("rb") as handle:
        data = crypto.decrypt_bytes(handle.read())
    audit_record(
        actor=actor,
        action="complaints.attachment.viewed",
        target=attachment.complaint,
        detail={"attachment": attachment.pk},
    )
    return data, attachment.clean_content_type


# --- intake and classification ----------------------------------------------------------------


@transaction.atomic
def complaint_accept(*, actor, complaint: Complaint) -> Complaint:
    complaint = _locked(complaint)
    require(actor, complaint, Access.IDENTITY)
    _complaint_only(complaint)
    _move(complaint, "accept")
    complaint.save(update_fields=["stage", "version"])
    _audit(actor, "complaints.complaint.moved", complaint, to=complaint.stage)
    return complaint


@transaction.atomic
def officer_identify(*, actor, link: ComplaintOfficer, officer) -> ComplaintOfficer:
    """Say which of the department's officers a resident meant."""
    complaint = _locked(link.complaint)
    require(actor, complaint, Access.IDENTITY)
    if complaint.stage == S.CLOSED:
        raise DomainError(gettext_lazy("This case is closed."), code="closed", conflict=True)
    if officer is not None and officer.user_id and officer.user_id == actor.pk:
        raise DomainError(
            gettext_lazy("You cannot handle a case about yourself."), code="self", conflict=True
        )
    link.officer = officer
    link.save(update_fields=["officer"])
    _audit(
        actor,
        "complaints.officer.linked",
        complaint,
        officer=officer.pk if officer else None,
    )
    return link


@transaction.atomic
def allegation_add(
    *,
    actor,
    complaint: Complaint,
    category: str,
    summary: str,
    officer: ComplaintOfficer | None = None,
) -> Allegation:
    complaint = _locked(complaint)
    require(actor, complaint, Access.IDENTITY)
    _complaint_only(complaint)
    if complaint.stage not in ALLEGATION_STAGES:
        raise DomainError(
            gettext_lazy("Allegations are added while the case is classified or investigated."),
            code="bad_transition",
            conflict=True,
        )
    summary = (summary or "").strip()
    if category not in Allegation.Category.values:
        raise DomainError(gettext_lazy("Choose a category."), code="category", field="category")
    if not summary:
        raise DomainError(
            gettext_lazy("Say in a sentence what the officer is said to have done."),
            code="summary_required",
            field="summary",
        )
    if len(summary) > 300:
        raise DomainError(
            gettext_lazy("Please keep this under %(limit)d characters.") % {"limit": 300},
            code="too_long",
            field="summary",
        )
    if officer is not None and officer.complaint_id != complaint.pk:
        raise DomainError(gettext_lazy("Choose an officer of this case."), code="officer")
    allegation = Allegation.objects.create(
        complaint=complaint, officer=officer, category=category, summary=summary
    )
    _audit(actor, "complaints.allegation.added", complaint, category=category)
    return allegation


@transaction.atomic
def complaint_classify(*, actor, complaint: Complaint, seriousness: str) -> Complaint:
    complaint = _locked(complaint)
    require(actor, complaint, Access.IDENTITY)
    _complaint_only(complaint)
    _move(complaint, "classify")  # the stage first: "not now" before "not like this"
    if seriousness not in (Complaint.Seriousness.MINOR, Complaint.Seriousness.SERIOUS):
        raise DomainError(
            gettext_lazy("Choose minor or serious."), code="seriousness", field="seriousness"
        )
    if not complaint.allegations.exists():
        raise DomainError(
            gettext_lazy("Add at least one allegation, with its category, before classifying."),
            code="allegation_required",
            conflict=True,
        )
    complaint.seriousness = seriousness
    complaint.save(update_fields=["stage", "seriousness", "version"])
    _audit(actor, "complaints.complaint.classified", complaint, seriousness=seriousness)
    return complaint


def _supervisors_of(complaint: Complaint) -> set[int]:
    """The staff accounts of the supervisors of the officers identified on the case."""
    return {
        pk
        for pk in complaint.officers.exclude(officer=None).values_list(
            "officer__supervisor__user", flat=True
        )
        if pk
    }


@transaction.atomic
def complaint_assign(
    *, actor, complaint: Complaint, assignee_kind: str, assigned_to, due_on: date | None = None
) -> Complaint:
    complaint = _locked(complaint)
    require(actor, complaint, Access.IDENTITY)
    _complaint_only(complaint)
    _move(complaint, "assign")
    if assigned_to is None:
        raise DomainError(
            gettext_lazy("Choose who investigates."), code="assignee", field="assigned_to"
        )
    if access.named_in(assigned_to, complaint):
        raise DomainError(
            gettext_lazy("Someone named in the case cannot investigate it."),
            code="assignee_named",
            field="assigned_to",
        )
    if assignee_kind == Complaint.Assignee.INTERNAL_AFFAIRS:
        if not access.is_internal_affairs(assigned_to):
            raise DomainError(
                gettext_lazy("Choose a member of internal affairs."),
                code="assignee_role",
                field="assigned_to",
            )
    elif assignee_kind == Complaint.Assignee.SUPERVISOR:
        if complaint.seriousness != Complaint.Seriousness.MINOR:
            raise DomainError(
                gettext_lazy("Only minor complaints go to the officer's supervisor."),
                code="serious_to_supervisor",
                field="assignee_kind",
            )
        if not access.is_supervisor(assigned_to) or assigned_to.pk not in _supervisors_of(
            complaint
        ):
            raise DomainError(
                gettext_lazy("Choose the supervisor of an officer this complaint is about."),
                code="assignee_role",
                field="assigned_to",
            )
    else:
        raise DomainError(
            gettext_lazy("Choose internal affairs or the officer's supervisor."),
            code="assignee_kind",
            field="assignee_kind",
        )
    received = complaint.received_at.astimezone(department_zone()).date()
    complaint.assignee_kind = assignee_kind
    complaint.assigned_to = assigned_to
    complaint.investigation_due_on = due_on or received + timedelta(
        days=policy.INVESTIGATION_DAYS[complaint.seriousness]
    )
    complaint.save(
        update_fields=["stage", "assignee_kind", "assigned_to", "investigation_due_on", "version"]
    )
    _audit(
        actor,
        "complaints.complaint.assigned",
        complaint,
        assignee_kind=assignee_kind,
        assigned_to=assigned_to.pk,
    )
    return complaint


# --- investigation ------------------------------------------------------------------------------


@transaction.atomic
def step_add(
    *,
    actor,
    complaint: Complaint,
    kind: str,
    title: str,
    notes: str = "",
    due_on: date | None = None,
    done_on: date | None = None,
) -> InvestigationStep:
    complaint = _locked(complaint)
    require(actor, complaint, Access.IDENTITY, Access.CASE)
    _complaint_only(complaint)
    if complaint.stage not in STEP_STAGES:
        raise DomainError(
            gettext_lazy("Steps are recorded while the case is investigated."),
            code="bad_transition",
            conflict=True,
        )
    title = (title or "").strip()
    notes = (notes or "").strip()
    if kind not in InvestigationStep.Kind.values:
        raise DomainError(gettext_lazy("Choose a kind of step."), code="kind", field="kind")
    if not title:
        raise DomainError(
            gettext_lazy("Say what the step is."), code="title_required", field="title"
        )
    if len(title) > 200:
        raise DomainError(
            gettext_lazy("Please keep this under %(limit)d characters.") % {"limit": 200},
            code="too_long",
            field="title",
        )
    if len(notes) > policy.MESSAGE_LIMIT:
        raise DomainError(
            gettext_lazy("Please keep this under %(limit)d characters.")
            % {"limit": policy.MESSAGE_LIMIT},
            code="too_long",
            field="notes",
        )
    if done_on and done_on > local_today():
        raise DomainError(
            gettext_lazy("A step cannot be done in the future."),
            code="done_future",
            field="done_on",
        )
    step = InvestigationStep.objects.create(
        complaint=complaint,
        kind=kind,
        title=title,
        notes=notes,
        due_on=due_on,
        done_on=done_on,
        created_by=actor,
    )
    _audit(actor, "complaints.step.added", complaint, step=step.pk, kind=kind)
    return step


@transaction.atomic
def step_complete(*, actor, step: InvestigationStep, done_on: date | None = None):
    complaint = _locked(step.complaint)
    require(actor, complaint, Access.IDENTITY, Access.CASE)
    step = InvestigationStep.objects.select_for_update().get(pk=step.pk)
    if step.done_on:
        return step
    done_on = done_on or local_today()
    if done_on > local_today():
        raise DomainError(
            gettext_lazy("A step cannot be done in the future."),
            code="done_future",
            field="done_on",
        )
    step.done_on = done_on
    step.save(update_fields=["done_on"])
    _audit(actor, "complaints.step.completed", complaint, step=step.pk)
    return step


@transaction.atomic
def investigation_finish(*, actor, complaint: Complaint) -> Complaint:
    complaint = _locked(complaint)
    require(actor, complaint, Access.IDENTITY, Access.CASE)
    _complaint_only(complaint)
    _move(complaint, "finish_investigation")
    complaint.save(update_fields=["stage", "version"])
    _audit(actor, "complaints.complaint.moved", complaint, to=complaint.stage)
    return complaint


# --- findings, outcome, closing -----------------------------------------------------------------


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
    if len(outcome_summary) > 1000:
        raise DomainError(
            gettext_lazy("Please keep this under %(limit)d characters.") % {"limit": 1000},
            code="too_long",
            field="outcome_summary",
        )
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
    if len(body) > policy.MESSAGE_LIMIT:
        raise DomainError(
            gettext_lazy("Please keep this under %(limit)d characters.")
            % {"limit": policy.MESSAGE_LIMIT},
            code="too_long",
            field="body",
        )
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
