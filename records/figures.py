"""Public aggregate figures for the records page: requests per month, median days to fulfil,
share answered on time. Counts only, never names; drawn as SVG on our server, with the same
figures in a table."""

import statistics
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from portal.localtime import local_today, to_local
from portal.registry import FigureChart, FigureColumn, FigurePeriod, FigureSet, FigureTable
from records.models import ClosureReason, RecordRequest, Status

CACHE_SECONDS = 15 * 60
MONTHS = 12


@dataclass(frozen=True)
class Month:
    start: date
    received: int
    fulfilled: int
    median_days: float | None
    on_time_share: float | None  # of requests due in the month, the share answered in time
    due: int = 0  # requests due in the month (by today)
    on_time: int = 0  # of those, answered by the due date


def _month_starts(today: date) -> list[date]:
    starts = []
    year, month = today.year, today.month
    for _ in range(MONTHS):
        starts.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(starts))


def figures_by_month(*, today: date | None = None) -> list[Month]:
    today = today or local_today()
    key = f"records:figures:v2:{today.isoformat()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    starts = _month_starts(today)
    first = starts[0]
    index = {(s.year, s.month): i for i, s in enumerate(starts)}
    received = [0] * MONTHS
    durations: list[list[float]] = [[] for _ in range(MONTHS)]
    due = [0] * MONTHS
    on_time = [0] * MONTHS
    rows = (
        RecordRequest.objects.filter(received_at__date__gte=first)
        .values_list(
            "received_at", "due_date", "first_response_at", "status", "closed_at", "closure_reason"
        )
        .iterator(chunk_size=5000)
    )
    fulfilled_reasons = {ClosureReason.FULFILLED, ClosureReason.PARTLY_FULFILLED}
    for received_at, due_date, first_response_at, status, closed_at, reason in rows:
        r_local = to_local(received_at).date()
        i = index.get((r_local.year, r_local.month))
        if i is not None:
            received[i] += 1
            if status == Status.CLOSED and closed_at and reason in fulfilled_reasons:
                durations[i].append((closed_at - received_at).total_seconds() / 86400)
        j = index.get((due_date.year, due_date.month))
        if j is not None and due_date < today:
            due[j] += 1
            if first_response_at and to_local(first_response_at).date() <= due_date:
                on_time[j] += 1
    months = [
        Month(
            start=start,
            received=received[i],
            fulfilled=len(durations[i]),
            median_days=round(statistics.median(durations[i]), 1) if durations[i] else None,
            on_time_share=round(100 * on_time[i] / due[i]) if due[i] else None,
            due=due[i],
            on_time=on_time[i],
        )
        for i, start in enumerate(starts)
    ]
    cache.set(key, months, CACHE_SECONDS)
    return months


def month_label(start: date) -> str:
    return date_format(start, "M y")


# --- the department's transparency page (portal/figures.py suppresses small counts) ----------


def figure_tables(period: FigurePeriod) -> list[FigureTable]:
    """The months of the last twelve that fall in `period`: requests received, and of those
    due, how many were answered on time and late."""
    first = period.start.replace(day=1)
    months = [m for m in figures_by_month() if first <= m.start <= period.end]
    if not months:
        return []
    rows = [
        [
            month_label(m.start),
            m.received,
            m.on_time,
            m.due - m.on_time,
            round(100 * m.on_time / m.due) if m.due else None,
        ]
        for m in months
    ]
    total = [sum(row[i] for row in rows) for i in (1, 2, 3)]
    rows.append(
        [
            gettext("Total"),
            *total,
            round(100 * total[1] / (total[1] + total[2])) if total[1] + total[2] else None,
        ]
    )
    return [
        FigureTable(
            key="on-time",
            title=gettext("Records requests received, and answered on time, by month"),
            row_heading=gettext("Month"),
            columns=(
                FigureColumn("received", gettext("Requests received")),
                FigureColumn("on_time", gettext("Answered by the due date")),
                FigureColumn("late", gettext("Answered late or not yet")),
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
            note=gettext(
                "The on-time rate counts the requests due in the month (four business days "
                "after they were received) that had a written answer by the due date."
            ),
        )
    ]


FIGURE_SET = FigureSet(
    key="records",
    title=gettext_lazy("Records requests"),
    summary=gettext_lazy("How promptly the Records Division answers requests for reports."),
    tables=figure_tables,
    order=30,
    cache_seconds=CACHE_SECONDS,
)
