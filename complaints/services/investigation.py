"""The investigation of a complaint: its dated steps, recorded from the assignment stage until
the findings are submitted (STEP_STAGES), and the end of the investigation (the stages:
services/workflow.py)."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy

from complaints import policy
from complaints.access import Access
from complaints.models import Complaint, InvestigationStep
from complaints.services.common import require
from complaints.services.workflow import STEP_STAGES, _audit, _complaint_only, _locked, _move
from portal.errors import DomainError, check_length
from portal.localtime import local_today


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
    check_length(title, limit=200, field="title")
    check_length(notes, limit=policy.MESSAGE_LIMIT, field="notes")
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
