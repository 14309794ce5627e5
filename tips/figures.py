"""Tips received per month on the department's transparency page (/accountability/): a count
per month and nothing else (no category, no neighborhood, no outcome), suppressed under 5 by
portal/figures.py like every published figure."""

from datetime import datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.localtime import department_zone
from portal.registry import FigureChart, FigureColumn, FigurePeriod, FigureSet, FigureTable
from tips.models import Tip


def figure_tables(period: FigurePeriod) -> list[FigureTable]:
    zone = department_zone()
    first = period.start.replace(day=1)
    since = datetime.combine(first, time.min, tzinfo=zone)
    until = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=zone)
    counts = {
        row["month"].date() if hasattr(row["month"], "date") else row["month"]: row["n"]
        for row in Tip.objects.filter(received_at__gte=since, received_at__lt=until)
        .annotate(month=TruncMonth("received_at", tzinfo=zone))
        .values("month")
        .annotate(n=Count("pk"))
    }
    rows, month = [], first
    while month <= period.end:
        rows.append([date_format(month, "M Y"), counts.get(month, 0)])
        month = (month + timedelta(days=32)).replace(day=1)
    rows.append([_("Total"), sum(row[1] for row in rows)])
    return [
        FigureTable(
            key="per-month",
            title=_("Anonymous tips received, by month"),
            row_heading=_("Month"),
            columns=(FigureColumn("tips", _("Tips received")),),
            rows=rows,
            total_rows=1,
            chart=FigureChart(columns=("tips",)),
        )
    ]


FIGURE_SET = FigureSet(
    key="tips",
    title=gettext_lazy("Anonymous tips"),
    summary=gettext_lazy(
        "How many tips residents sent us, by month. Nothing about a tip is published but the count."
    ),
    tables=figure_tables,
    order=40,
)
