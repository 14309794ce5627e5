"""Reads for the public pages, feeds and API. Each page's reads take a constant number of
queries however many events or registrations there are."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from portal.models import Neighborhood
from programs.models import (
    Event,
    NewsItem,
    Problem,
    ProblemNote,
    Program,
    Registration,
)
from programs.services.publishing import can_edit


def _live_q(prefix: str = "", now=None) -> Q:
    now = now or timezone.now()
    return Q(**{f"{prefix}status": Program.Status.PUBLISHED}) & (
        Q(**{f"{prefix}publish_at__isnull": True}) | Q(**{f"{prefix}publish_at__lte": now})
    )


def program_list() -> QuerySet[Program]:
    """Programs the public sees."""
    return Program.objects.filter(_live_q()).select_related("contact_officer")


def program_get(*, slug: str, user=None) -> Program:
    """A live program; staff who may edit it also see its draft (the preview)."""
    # Images and partners are read by the page's cached fragment only when it is rebuilt
    # (one query each), so a cache hit costs this one query.
    program = Program.objects.select_related("contact_officer").filter(slug=slug).first()
    if program is None:
        raise Http404
    if program.is_live():
        return program
    staff = user is not None and user.is_authenticated and user.is_staff
    if staff and (can_edit(user, program) or user.has_perm("programs.view_program")):
        program.is_preview = True
        return program
    raise Http404


def _with_places(queryset: QuerySet[Event]) -> QuerySet[Event]:
    return queryset.annotate(
        places_taken=Count(
            "registrations", filter=Q(registrations__status__in=Registration.HOLDS_A_PLACE)
        ),
        waiting_count=Count("registrations", filter=Q(registrations__status="waiting")),
    )


def event_list(
    *,
    program: Program | None = None,
    neighborhood: Neighborhood | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    include_past: bool = False,
    information_session: bool | None = None,
) -> QuerySet[Event]:
    """Published events of live programs and of neighborhoods, soonest first."""
    queryset = Event.objects.filter(is_published=True).filter(
        Q(program__isnull=True) | _live_q("program__")
    )
    if program is not None:
        queryset = queryset.filter(program=program)
    if neighborhood is not None:
        queryset = queryset.filter(neighborhood=neighborhood)
    if information_session is not None:
        queryset = queryset.filter(information_session=information_session)
    if not include_past:
        queryset = queryset.filter(ends_at__gte=timezone.now())
    if start is not None:
        queryset = queryset.filter(ends_at__gte=start)
    if end is not None:
        queryset = queryset.filter(starts_at__lt=end)
    return _with_places(queryset.select_related("program", "neighborhood")).order_by(
        "starts_at", "id"
    )


def event_get(*, slug: str) -> Event:
    event = event_list(include_past=True).filter(slug=slug).first()
    if event is None:
        raise Http404
    return event


def places_left(event: Event) -> int | None:
    return event.places_left


def waiting_position(registration: Registration) -> int | None:
    """1 for the first person waiting, and so on; None if not on the waiting list."""
    if registration.status != Registration.Status.WAITING:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id,
        status=Registration.Status.WAITING,
        created_at__lt=registration.created_at,
    ).count()
    return ahead + 1


def _news_shown_q() -> Q:
    """The one rule for which news residents see: published, and its date has come (a later
    date is news scheduled to appear then)."""
    return Q(is_published=True, published_at__lte=timezone.now())


def news_list(*, program: Program | None = None) -> QuerySet[NewsItem]:
    queryset = NewsItem.objects.filter(_news_shown_q()).filter(_live_q("program__"))
    if program is not None:
        queryset = queryset.filter(program=program)
    return queryset.select_related("program")


def news_shown(items: Iterable[NewsItem]) -> list[NewsItem]:
    """Of news not saved yet (a pending change's preview), those residents will see once it is
    approved: the same rule as news_list, checked by the database against each item's values."""
    rule = _news_shown_q()
    return [
        item
        for item in items
        if rule.check({"is_published": item.is_published, "published_at": item.published_at})
    ]


def problem_list(*, neighborhood: Neighborhood) -> QuerySet[Problem]:
    return Problem.objects.filter(neighborhood=neighborhood, is_published=True).prefetch_related(
        Prefetch("notes", queryset=ProblemNote.objects.order_by("-on", "-id"))
    )
