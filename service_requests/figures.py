"""Service requests on the department's transparency page (/accountability/): per service and
per neighborhood, the requests closed in the period and how many by their expected time.
Counts only (no addresses, no reporters), suppressed under 5 by portal/figures.py like every
published figure. Duplicates merged into another request are not counted twice."""

from datetime import datetime, time, timedelta

from django.db.models import Count, F, Q
from django.utils.translation import gettext, gettext_lazy

from portal.localtime import department_zone
from portal.models import Neighborhood
from portal.registry import FigureChart, FigureColumn, FigurePeriod, FigureSet, FigureTable
from service_requests.choices import Status
from service_requests.models import Service, ServiceRequest


def _counts(group_by: str, period: FigurePeriod) -> dict[int | None, tuple[int, int]]:
    zone = department_zone()
    since = datetime.combine(period.start, time.min, tzinfo=zone)
    until = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=zone)
    rows = (
        ServiceRequest.objects.filter(
            status=Status.CLOSED, merged_into=None, closed_at__gte=since, closed_at__lt=until
        )
        .values(group_by)
        .annotate(
            closed=Count("id"), on_time=Count("id", filter=Q(closed_at__lte=F("expected_at")))
        )
        .order_by(group_by)
    )
    return {row[group_by]: (row["closed"], row["on_time"]) for row in rows}


def _table(key: str, title: str, heading: str, labelled: list[tuple[str, tuple[int, int]]]):
    rows = [[label, on_time, closed - on_time, None] for label, (closed, on_time) in labelled]
    on_time = sum(row[1] for row in rows)
    late = sum(row[2] for row in rows)
    for row in rows:
        row[3] = round(100 * row[1] / (row[1] + row[2])) if row[1] + row[2] else None
    total_rate = round(100 * on_time / (on_time + late)) if on_time + late else None
    rows.append([gettext("Total"), on_time, late, total_rate])
    return FigureTable(
        key=key,
        title=title,
        row_heading=heading,
        columns=(
            FigureColumn("on_time", gettext("Closed by the expected time")),
            FigureColumn("late", gettext("Closed later")),
            FigureColumn(
                "on_time_rate",
                gettext("On-time rate"),
                kind="measure",
                basis=("on_time", "late"),
                unit="%",
            ),
        ),
        rows=rows,
        total_rows=1,
        chart=FigureChart(columns=("on_time_rate",)),
    )


def figure_tables(period: FigurePeriod) -> list[FigureTable]:
    """Two tables, four queries whatever the table holds."""
    by_service = _counts("service_id", period)
    by_place = _counts("neighborhood_id", period)
    if not by_service:
        return []
    services = Service.objects.filter(pk__in=by_service).order_by("group__order", "order", "name")
    places = Neighborhood.objects.filter(pk__in=[k for k in by_place if k]).order_by(
        "order", "name"
    )
    place_rows = [(str(n.name), by_place[n.pk]) for n in places]
    if None in by_place:
        place_rows.append((gettext("No neighborhood"), by_place[None]))
    return [
        _table(
            "by-service",
            gettext("Service requests closed on time, by service"),
            gettext("Service"),
            [(str(s.name), by_service[s.pk]) for s in services],
        ),
        _table(
            "by-neighborhood",
            gettext("Service requests closed on time, by neighborhood"),
            gettext("Neighborhood"),
            place_rows,
        ),
    ]


FIGURE_SET = FigureSet(
    key="service_requests",
    title=gettext_lazy("Service requests"),
    summary=gettext_lazy(
        "How often we dealt with residents' requests for help (animals, abandoned cars, "
        "dumping, noise) within the time we promise for each kind."
    ),
    tables=figure_tables,
    order=35,
)
