"""The staff side of a case: intake → classification → assignment → investigation → finding →
outcome → closed, and a commendation's delivery. This module holds the stages' table and what
their services share; the services are in `reading` (opening a case and its files),
`classification` (intake, allegations, classification, assignment), `investigation` (steps) and
`outcome` (findings, outcome, closing, messages, a commendation's delivery).

Rules (issue 15; department policy in complaints/policy.py):
- The stages follow one another in that order only (TRANSITIONS, enforced in `_move`), each
  move by its own service, each audited with who and what.
- Who may do what (complaints/access.py): internal affairs does everything; the supervisor a
  minor case is assigned to records steps and findings on it and hands it back for the outcome;
  nobody named on a case touches it.
"""

from django.utils.translation import gettext_lazy

from complaints.models import Complaint
from portal.errors import DomainError
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
