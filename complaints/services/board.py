"""The civilian review board's review of a closed complaint.

Rules:
- Only members of the board record a review, only on a closed complaint, once per case.
- The board agrees, or disagrees with reasons; a recommendation is optional.
- The review's day is today or earlier (the board may record a meeting held before).
"""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy

from complaints.access import Access
from complaints.models import BoardReview, Complaint
from complaints.services.common import require
from portal.errors import DomainError, check_length
from portal.localtime import local_today
from portal.services.audit import audit_record

TEXT_LIMIT = 5000


@transaction.atomic
def review_record(
    *,
    actor,
    complaint: Complaint,
    position: str,
    reasons: str = "",
    recommendation: str = "",
    reviewed_on: date | None = None,
) -> BoardReview:
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    require(actor, complaint, Access.BOARD)
    reasons = (reasons or "").strip()
    recommendation = (recommendation or "").strip()
    reviewed_on = reviewed_on or local_today()
    if BoardReview.objects.filter(complaint=complaint).exists():
        raise DomainError(
            gettext_lazy("The board has already reviewed this case."),
            code="already_reviewed",
            conflict=True,
        )
    if position not in BoardReview.Position.values:
        raise DomainError(
            gettext_lazy("Say whether the board agrees."), code="position", field="position"
        )
    if position == BoardReview.Position.DISAGREE and not reasons:
        raise DomainError(
            gettext_lazy("Give the board's reasons for disagreeing."),
            code="reasons_required",
            field="reasons",
        )
    for name, value in (("reasons", reasons), ("recommendation", recommendation)):
        check_length(value, limit=TEXT_LIMIT, field=name)
    if reviewed_on > local_today():
        raise DomainError(
            gettext_lazy("The review's date cannot be in the future."),
            code="future",
            field="reviewed_on",
        )
    if complaint.closed_on and reviewed_on < complaint.closed_on:
        raise DomainError(
            gettext_lazy("The review's date cannot be before the case was closed."),
            code="before_close",
            field="reviewed_on",
        )
    review = BoardReview.objects.create(
        complaint=complaint,
        position=position,
        reasons=reasons,
        recommendation=recommendation,
        reviewed_on=reviewed_on,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="complaints.review.recorded",
        target=complaint,
        detail={"position": position},
    )
    return review
