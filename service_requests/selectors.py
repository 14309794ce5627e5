"""Reads of service requests: the catalogue, requests by filter (the Open311 server's too),
the public list and map of a neighborhood, possible duplicates, the staff queue and the
on-time figures. Every read here costs a constant number of queries, whatever the table holds.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.charts import bar_chart
from portal.errors import DomainError
from portal.models import Neighborhood
from service_requests.choices import PUBLIC_EVENT_KINDS, Status
from service_requests.models import (
    AttributeValue,
    RequestEvent,
    Service,
    ServiceAttribute,
    ServiceGroup,
    ServiceRequest,
)

# Open311 GET requests: 90 days when no dates are given, at most 1,000 rows (GeoReport v2).
DEFAULT_WINDOW = timedelta(days=90)
MAX_LIST = 1000
# Possible duplicates: the same service, this close, in this many days.
DUPLICATE_DAYS = 3
DUPLICATE_DEGREES = Decimal("0.0015")  # about 150 m
# The public list of a neighborhood: open requests, and those closed in the last RECENT_DAYS.
RECENT_DAYS = 30
PUBLIC_LIST_SIZE = 50


# --- The catalogue ------------------------------------------------------------------------------


def _with_questions(queryset: QuerySet[Service]) -> QuerySet[Service]:
    return queryset.prefetch_related(
        Prefetch(
            "attributes",
            queryset=ServiceAttribute.objects.order_by("order", "id").prefetch_related(
                Prefetch("values", queryset=AttributeValue.objects.order_by("order", "id"))
            ),
        )
    )


def service_list() -> QuerySet[Service]:
    """The services offered, by group and order, with their group and division (2 queries
    with `attributes` prefetched when read)."""
    return (
        Service.objects.filter(is_active=True)
        .select_related("group", "division")
        .order_by("group__order", "group_id", "order", "name")
    )


def service_groups() -> list[tuple[ServiceGroup, list[Service]]]:
    """The service picker: each group with its offered services, in order (1 query)."""
    groups: dict[int, tuple[ServiceGroup, list[Service]]] = {}
    for service in service_list():
        groups.setdefault(service.group_id, (service.group, []))[1].append(service)
    return list(groups.values())


def service_get(*, code: str) -> Service:
    """One offered service with its questions and their choices (3 queries). Raises
    DomainError `service_unknown`."""
    service = _with_questions(service_list().filter(code=code)).first()
    if service is None:
        raise DomainError(
            _("Choose one of the services we offer."), code="service_unknown", field="service_code"
        )
    return service


# --- Requests -----------------------------------------------------------------------------------


def _requests() -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.select_related("service", "division", "neighborhood")


def request_list(
    *,
    ids: list[str] | None = None,
    service_codes: list[str] | None = None,
    status: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = MAX_LIST,
) -> QuerySet[ServiceRequest]:
    """Requests, newest first, filtered as GeoReport v2's GET requests filters them: by ids
    (which overrides every other filter), service codes, statuses (our statuses: open,
    acknowledged, in_progress, closed) and requested time. With neither `start` nor `end`, the
    last 90 days; with one, 90 days from or to it. At most `limit` (≤ 1,000) rows; one query."""
    queryset = _requests()
    limit = max(1, min(limit, MAX_LIST))
    if ids:
        valid = []
        for value in ids:
            try:
                valid.append(uuid.UUID(str(value)))
            except ValueError:
                continue
        return queryset.filter(public_id__in=valid).order_by("-requested_at", "-id")[:limit]
    if start is None and end is None:
        end = timezone.now()
        start = end - DEFAULT_WINDOW
    elif start is None:
        start = end - DEFAULT_WINDOW
    elif end is None:
        end = start + DEFAULT_WINDOW
    queryset = queryset.filter(requested_at__gte=start, requested_at__lte=end)
    if service_codes:
        queryset = queryset.filter(service__code__in=service_codes)
    if status:
        queryset = queryset.filter(status__in=status)
    return queryset.order_by("-requested_at", "-id")[:limit]


def request_get(*, public_id) -> ServiceRequest:
    """One request by its public id. Raises DomainError `request_unknown`."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        key = None
    service_request = _requests().filter(public_id=key).first() if key else None
    if service_request is None:
        raise DomainError(
            _("There is no request with this number."), code="request_unknown", field="id"
        )
    return service_request


def request_by_code(*, short_code: str) -> ServiceRequest | None:
    code = "".join(ch for ch in (short_code or "").upper() if ch.isalnum())
    return _requests().select_related("neighborhood__coordinator").filter(short_code=code).first()


def request_for_tracking(*, public_id) -> ServiceRequest | None:
    return (
        _requests().select_related("neighborhood__coordinator").filter(public_id=public_id).first()
    )


def request_history(*, service_request: ServiceRequest, public: bool) -> list[RequestEvent]:
    """The history lines: for the resident (`public`), submitted, status changes and messages;
    for staff, everything, with who did it."""
    events = service_request.events.select_related("actor")
    if public:
        events = events.filter(kind__in=PUBLIC_EVENT_KINDS)
    return list(events)


def request_public_history(*, service_request: ServiceRequest) -> list[RequestEvent]:
    """Status changes only (not the messages to the reporter): the public page's history."""
    return list(service_request.events.filter(kind__in=PUBLIC_EVENT_KINDS[:2]))


def request_possible_duplicates(
    *,
    service_code: str,
    lat: Decimal | None = None,
    long: Decimal | None = None,
    street_id: int | None = None,
    days: int = DUPLICATE_DAYS,
    limit: int = 5,
) -> list[ServiceRequest]:
    """Requests for the same service near the same place in the last `days` days, not closed
    and not merged: "already reported, follow it instead". Near: within about 150 m of the
    point, or on the same street. One query."""
    near = Q()
    if lat is not None and long is not None:
        near |= Q(
            lat__range=(lat - DUPLICATE_DEGREES, lat + DUPLICATE_DEGREES),
            long__range=(long - DUPLICATE_DEGREES, long + DUPLICATE_DEGREES),
        )
    if street_id:
        near |= Q(street_id=street_id)
    if not near:
        return []
    return list(
        _requests()
        .filter(
            near,
            service__code=service_code,
            requested_at__gte=timezone.now() - timedelta(days=days),
            merged_into=None,
        )
        .exclude(status=Status.CLOSED)
        .order_by("-requested_at")[:limit]
    )


# --- The public list and map of a neighborhood --------------------------------------------------


def neighborhood_requests(
    *, neighborhood: Neighborhood, limit: int = PUBLIC_LIST_SIZE
) -> list[ServiceRequest]:
    """Open requests of the neighborhood and those closed in the last RECENT_DAYS, newest
    first, at most `limit`: what the public list and map show. Reads only public fields
    (never the reporter); two index range scans and a merge, whatever the table holds."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    fields = (
        "public_id",
        "service__name",
        "service__name_en",
        "service__name_es",
        "status",
        "close_reason",
        "public_address",
        "public_lat",
        "public_long",
        "requested_at",
        "updated_at",
        "expected_at",
        "closed_at",
        "neighborhood_id",
        "service_id",
        "service__sensitive_location",
        "service__code",
    )
    base = ServiceRequest.objects.filter(neighborhood=neighborhood).select_related("service")
    # Recent ones (open or not) by the (neighborhood, requested_at) index; old open ones by the
    # (neighborhood, status, requested_at) index, one status at a time so each is a range scan.
    recent = base.filter(requested_at__gte=since).only(*fields).order_by("-requested_at")[:limit]
    rows = {r.pk: r for r in recent}
    if len(rows) < limit:
        older = (
            base.filter(requested_at__lt=since)
            .filter(status__in=[Status.OPEN, Status.ACKNOWLEDGED, Status.IN_PROGRESS])
            .only(*fields)
            .order_by("-requested_at")[: limit - len(rows)]
        )
        rows.update({r.pk: r for r in older})
    return sorted(rows.values(), key=lambda r: r.requested_at, reverse=True)


OPEN_COUNT_CAP = 1000


def neighborhood_open_count(*, neighborhood: Neighborhood) -> int:
    """Requests not closed in the neighborhood, counted up to OPEN_COUNT_CAP (a panel says
    "1,000 or more" beyond): a full count would read every open row of a busy neighborhood."""
    return (
        ServiceRequest.objects.filter(
            neighborhood=neighborhood,
            status__in=[Status.OPEN, Status.ACKNOWLEDGED, Status.IN_PROGRESS],
        )
        .values("pk")
        .order_by()[:OPEN_COUNT_CAP]
        .count()
    )


# --- The staff queue ----------------------------------------------------------------------------


def queue_order(queryset: QuerySet[ServiceRequest]) -> QuerySet[ServiceRequest]:
    """Overdue open requests first (most overdue first), then the other open ones by when they
    are due, then closed ones, newest first."""
    now = timezone.now()
    return queryset.annotate(
        queue_rank=Case(
            When(~Q(status=Status.CLOSED) & Q(expected_at__lt=now), then=Value(0)),
            When(~Q(status=Status.CLOSED), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("queue_rank", "expected_at", "-requested_at")


def overdue_list(*, division_id: int | None = None) -> QuerySet[ServiceRequest]:
    queryset = _requests().filter(expected_at__lt=timezone.now()).exclude(status=Status.CLOSED)
    if division_id:
        queryset = queryset.filter(division_id=division_id)
    return queryset.order_by("expected_at")


# --- On-time figures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OnTime:
    label: str
    closed: int
    on_time: int

    @property
    def rate(self) -> float | None:
        """The share closed by their expected time, 0 to 100, None with nothing closed."""
        return round(100 * self.on_time / self.closed, 1) if self.closed else None


def _on_time(
    group_by: str, since: datetime | None, until: datetime | None
) -> dict[int, tuple[int, int]]:
    """Per `group_by` value: requests closed in [since, until) (either bound optional),
    duplicates merged into another left out, and how many of them by their expected time.
    The one count behind the on-time pages and the accountability page's figures."""
    queryset = ServiceRequest.objects.filter(status=Status.CLOSED, merged_into=None)
    if since is not None:
        queryset = queryset.filter(closed_at__gte=since)
    if until is not None:
        queryset = queryset.filter(closed_at__lt=until)
    rows = (
        queryset.values(group_by)
        .annotate(
            closed=Count("id"),
            on_time=Count("id", filter=Q(closed_at__lte=F("expected_at"))),
        )
        .order_by(group_by)
    )
    return {row[group_by]: (row["closed"], row["on_time"]) for row in rows}


def on_time_by_service(
    *, since: datetime | None = None, until: datetime | None = None
) -> list[OnTime]:
    """Per service (in the catalogue's order, names in the active language): requests closed
    in [since, until), duplicates aside, and how many by their expected time. Two queries
    (one when nothing was closed), whatever the table holds. A figure for the department-wide
    accountability page."""
    counts = _on_time("service_id", since, until)
    services = Service.objects.filter(pk__in=counts).order_by("group__order", "order", "name")
    return [OnTime(str(s.name), *counts[s.pk]) for s in services]


def on_time_by_neighborhood(
    *, since: datetime | None = None, until: datetime | None = None
) -> list[OnTime]:
    """Per neighborhood, as `on_time_by_service` (every request has one: the column is
    required). Two queries."""
    counts = _on_time("neighborhood_id", since, until)
    places = Neighborhood.objects.filter(pk__in=counts).order_by("order", "name")
    return [OnTime(str(n.name), *counts[n.pk]) for n in places]


def on_time_overall(*, since: datetime | None = None) -> OnTime:
    queryset = ServiceRequest.objects.filter(status=Status.CLOSED, merged_into=None)
    if since is not None:
        queryset = queryset.filter(closed_at__gte=since)
    row = queryset.aggregate(
        closed=Count("id"), on_time=Count("id", filter=Q(closed_at__lte=F("expected_at")))
    )
    return OnTime(label=_("All services"), closed=row["closed"], on_time=row["on_time"])


def on_time_figures() -> dict:
    """The on-time page's figures, public and in admin: overall, per service and per
    neighborhood, each list with its bar chart (drawn for the headings `by-service-heading` and
    `by-neighborhood-heading`; the page shows the same figures in a table). Five queries."""
    by_service = on_time_by_service()
    by_neighborhood = on_time_by_neighborhood()
    return {
        "overall": on_time_overall(),
        "by_service": by_service,
        "by_neighborhood": by_neighborhood,
        "service_chart": bar_chart(
            values=[row.rate for row in by_service],
            labels=[row.label for row in by_service],
            title_id="by-service-heading",
            unit="%",
        ),
        "neighborhood_chart": bar_chart(
            values=[row.rate for row in by_neighborhood],
            labels=[row.label for row in by_neighborhood],
            title_id="by-neighborhood-heading",
            unit="%",
        ),
    }


def service_questions(*, service: Service) -> list[ServiceAttribute]:
    """A service's questions with their choices, in order (2 queries)."""
    return list(
        ServiceAttribute.objects.filter(service=service)
        .order_by("order", "id")
        .prefetch_related(Prefetch("values", queryset=AttributeValue.objects.order_by("order")))
    )
