"""Intake, classification and assignment of a complaint (the stages: services/workflow.py).

Rules (issue 15; department policy in complaints/policy.py):
- Classification needs a seriousness and at least one allegation, each with a category.
- Assignment: serious complaints go to a member of internal affairs; a minor one may instead go
  to the supervisor of an officer it concerns (a member of the Supervisors role). Nobody named on
  the case may be given it. The investigation's deadline is set from the seriousness.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext_lazy

from complaints import access, policy
from complaints.access import Access
from complaints.models import Allegation, Complaint, ComplaintOfficer
from complaints.services.common import require
from complaints.services.workflow import (
    ALLEGATION_STAGES,
    S,
    _audit,
    _complaint_only,
    _locked,
    _move,
)
from portal.errors import DomainError, check_length
from portal.localtime import department_zone


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
    check_length(summary, limit=300, field="summary")
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
