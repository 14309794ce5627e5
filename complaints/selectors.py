"""Reads of complaints: the staff queue, a case with everything its page shows, the board's
queue, an officer's record, and what the resident sees. Access is decided in
complaints/access.py; these only fetch."""

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from complaints import access
from complaints.models import (
    Allegation,
    BoardReview,
    Complaint,
    ComplaintMessage,
    ComplaintOfficer,
)

STAGE_ORDER = [value for value, _label in Complaint.Stage.choices]
OPEN = "open"  # every stage but closed: what the staff queue shows unless asked otherwise


def _allegation_count():
    """Counted per row shown (a correlated subquery run after LIMIT), not by grouping every
    case in the table first."""
    counted = (
        Allegation.objects.filter(complaint=OuterRef("pk"))
        .order_by()
        .values("complaint")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _not_named(queryset: QuerySet, user) -> QuerySet:
    named = ComplaintOfficer.objects.filter(complaint=OuterRef("pk"), officer__user=user)
    return queryset.exclude(Exists(named))


def staff_queue(*, user, stage: str = "", kind: str = "") -> QuerySet:
    """The cases `user` works on: all of them for internal affairs, those assigned to them for a
    supervisor; never a case they are named in. `stage`: one stage, OPEN (all but closed) or
    empty (all), oldest first."""
    queryset = Complaint.objects.select_related("neighborhood", "assigned_to")
    if access.is_internal_affairs(user):
        pass
    elif access.is_supervisor(user):
        queryset = queryset.filter(assigned_to=user)
    else:
        return queryset.none()
    if stage == OPEN:
        queryset = queryset.exclude(stage=Complaint.Stage.CLOSED)
    elif stage in STAGE_ORDER:
        queryset = queryset.filter(stage=stage)
    if kind in Complaint.Kind.values:
        queryset = queryset.filter(kind=kind)
    return _not_named(queryset, user).order_by("received_at", "id")


def case_get(*, pk: int) -> Complaint | None:
    return (
        Complaint.objects.select_related("neighborhood", "assigned_to")
        .prefetch_related(
            "officers__officer__supervisor__user",
            "allegations__officer__officer",
            "steps",
            "messages",
            "attachments",
            "witnesses",
        )
        .filter(pk=pk)
        .first()
    )


def board_queue(*, user) -> QuerySet:
    """Closed complaints the board has not reviewed, oldest first."""
    if not access.is_board_member(user):
        return Complaint.objects.none()
    reviewed = BoardReview.objects.filter(complaint=OuterRef("pk"))
    queryset = (
        Complaint.objects.filter(kind=Complaint.Kind.COMPLAINT, stage=Complaint.Stage.CLOSED)
        .exclude(Exists(reviewed))
        .select_related("neighborhood")
        .annotate(allegation_count=_allegation_count())
        .order_by("closed_on", "id")
    )
    return _not_named(queryset, user)


def board_reviewed(*, user, limit: int = 50) -> list[Complaint]:
    """The cases the board reviewed, newest review first."""
    if not access.is_board_member(user):
        return []
    queryset = (
        Complaint.objects.filter(board_review__isnull=False)
        .select_related("board_review", "neighborhood")
        .order_by("-board_review__reviewed_on", "-id")
    )
    return list(_not_named(queryset, user)[:limit])


def officer_record(*, officer) -> dict:
    """An officer's record: commendations delivered, complaints by finding (internal use)."""
    links = ComplaintOfficer.objects.filter(officer=officer)
    commendations = (
        Complaint.objects.filter(
            kind=Complaint.Kind.COMMENDATION,
            outcome=Complaint.Outcome.DELIVERED,
            officers__in=links,
        )
        .distinct()
        .count()
    )
    complaints = (
        Complaint.objects.filter(kind=Complaint.Kind.COMPLAINT, officers__in=links)
        .distinct()
        .count()
    )
    findings = dict(
        Allegation.objects.filter(officer__in=links)
        .exclude(finding="")
        .values_list("finding")
        .annotate(n=Count("id"))
        .values_list("finding", "n")
    )
    return {"commendations": commendations, "complaints": complaints, "findings": findings}


def commendation_count(*, officer) -> int:
    return officer_record(officer=officer)["commendations"]


def resident_thread(*, complaint: Complaint) -> QuerySet:
    return ComplaintMessage.objects.filter(complaint=complaint).order_by("created_at", "id")


def stage_steps(*, complaint: Complaint) -> list[dict]:
    """The stages as the resident's page lists them: done, current, still to come."""
    stages = (
        [Complaint.Stage.INTAKE, Complaint.Stage.CLOSED]
        if complaint.is_commendation
        else list(Complaint.Stage)
    )
    current = stages.index(complaint.stage) if complaint.stage in stages else 0
    return [
        {
            "value": stage.value,
            "label": stage.label,
            "state": "done" if i < current else "current" if i == current else "todo",
        }
        for i, stage in enumerate(stages)
    ]
