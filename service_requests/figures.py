"""Service requests on the department's transparency page (/accountability/): per service and
per neighborhood, the requests closed in the period and how many by their expected time.
Counts only (no addresses, no reporters), suppressed under 5 by portal/figures.py like every
published figure. Duplicates merged into another request are not counted twice."""

from datetime import datetime, time, timedelta

from django.utils.translation import gettext, gettext_lazy

from portal.localtime import department_zone
from portal.registry import FigureChart, FigureColumn, FigurePeriod, FigureSet, FigureTable
from service_requests import selectors
from service_requests.selectors import OnTime


def _range(period: FigurePeriod) -> dict[str, datetime]:
    """The period's days, from the first's midnight to the day after the last's, in the
    department's time zone."""
    zone = department_zone()
    return {
        "since": datetime.combine(period.start, time.min, tzinfo=zone),
        "until": datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=zone),
    }


def _table(key: str, title: str, heading: str, counted: list[OnTime]):
    rows = [[row.label, row.on_time, row.closed - row.on_time, None] for row in counted]
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
    """Two tables, counted as the on-time pages count (service_requests.selectors); four
    queries whatever the table holds."""
    by_service = selectors.on_time_by_service(**_range(period))
    if not by_service:
        return []
    return [
        _table(
            "by-service",
            gettext("Service requests closed on time, by service"),
            gettext("Service"),
            by_service,
        ),
        _table(
            "by-neighborhood",
            gettext("Service requests closed on time, by neighborhood"),
            gettext("Neighborhood"),
            selectors.on_time_by_neighborhood(**_range(period)),
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
