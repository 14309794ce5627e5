"""The reads of careers."""

from django.db.models import QuerySet
from django.http import Http404

from careers.models import HiringStep, InternshipApplication, Position
from portal.localtime import local_today


def position_list_open() -> QuerySet[Position]:
    """Published positions whose closing day has not passed (in the department's time zone)."""
    return Position.objects.filter(is_published=True, closes_on__gte=local_today()).order_by(
        "closes_on", "id"
    )


def position_get(*, slug: str) -> Position:
    """A published position, open or closed (a closed one's page says so)."""
    position = Position.objects.filter(is_published=True, slug=slug).first()
    if position is None:
        raise Http404
    return position


def hiring_step_list() -> QuerySet[HiringStep]:
    return HiringStep.objects.order_by("order", "id")


def application_for_applicant(*, public_id: str) -> InternshipApplication:
    application = InternshipApplication.objects.filter(public_id=public_id).first()
    if application is None:
        raise Http404
    return application
