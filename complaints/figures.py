"""The complaints app's figures on the department's transparency page (/accountability/):
complaints and commendations by month and by neighborhood, allegations by category and
finding, days to close, the review board's agreement rate.

Counts only, straight from the indexed columns (received_month, kind, neighborhood, closed_on,
Allegation.category/finding, BoardReview.position/reviewed_on): seven grouped queries whatever
the number of cases. Nothing that names or describes anyone is read here, and nothing is
published without portal.figures.publish (small-count suppression). Counts per officer are
internal: no figure here is grouped by officer."""

import statistics
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Aggregate, Case, CharField, Count, F, FloatField, Value, When
from django.db.models.functions import TruncQuarter
from django.db.models.signals import post_delete, post_save
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.models import Allegation, BoardReview, Complaint
from portal.figures import figures_changed
from portal.models import Neighborhood
from portal.registry import (
    DemoLoader,
    FigureChart,
    FigureColumn,
    FigurePeriod,
    FigureSet,
    FigureTable,
    demo_loaders,
    figure_sets,
)

KEY = "complaints"
OPEN = "open"  # an allegation of a case not closed yet: no final finding


class Median(Aggregate):
    """PostgreSQL's exact median (percentile_cont) of an integer column."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False


def _months(period: FigurePeriod) -> list[date]:
    months, day = [], period.start.replace(day=1)
    while day <= period.end:
        months.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def _quarters(period: FigurePeriod) -> list[date]:
    quarters = []
    for month in _months(period):
        start = month.replace(month=3 * ((month.month - 1) // 3) + 1)
        if start not in quarters:
            quarters.append(start)
    return quarters


def quarter_label(start: date) -> str:
    return _("Q%(quarter)s %(year)s") % {"quarter": (start.month - 1) // 3 + 1, "year": start.year}


def month_label(month: date) -> str:
    return date_format(month, "M Y")


def _received(period: FigurePeriod):
    return Complaint.objects.filter(
        received_month__gte=period.start.replace(day=1), received_month__lte=period.end
    )


def _kind_columns() -> tuple[FigureColumn, ...]:
    return (
        FigureColumn("complaints", _("Complaints")),
        FigureColumn("commendations", _("Commendations")),
    )


def _with_total(rows: list[list], label: str) -> list[list]:
    width = len(rows[0]) if rows else 0
    total = [label, *[sum(row[i] for row in rows) for i in range(1, width)]]
    return [*rows, total] if rows else rows


def by_month(period: FigurePeriod) -> FigureTable:
    counts = {
        (row["received_month"], row["kind"]): row["n"]
        for row in _received(period).values("received_month", "kind").annotate(n=Count("pk"))
    }
    rows = [
        [
            month_label(month),
            counts.get((month, Complaint.Kind.COMPLAINT), 0),
            counts.get((month, Complaint.Kind.COMMENDATION), 0),
        ]
        for month in _months(period)
    ]
    return FigureTable(
        key="by-month",
        title=_("Complaints and commendations received, by month"),
        row_heading=_("Month received"),
        columns=_kind_columns(),
        rows=_with_total(rows, _("Total")),
        total_rows=1,
        chart=FigureChart(columns=("complaints", "commendations")),
    )


def by_neighborhood(period: FigurePeriod) -> FigureTable:
    counts = {
        (row["neighborhood"], row["kind"]): row["n"]
        for row in _received(period).values("neighborhood", "kind").annotate(n=Count("pk"))
    }
    places = [(n.pk, n.name) for n in Neighborhood.objects.only("pk", "name", "order")]
    places.append((None, _("Not given or outside the town")))
    rows = [
        [
            name,
            counts.get((pk, Complaint.Kind.COMPLAINT), 0),
            counts.get((pk, Complaint.Kind.COMMENDATION), 0),
        ]
        for pk, name in places
    ]
    return FigureTable(
        key="by-neighborhood",
        title=_("Complaints and commendations received, by neighborhood"),
        row_heading=_("Neighborhood"),
        columns=_kind_columns(),
        rows=_with_total(rows, _("Total")),
        total_rows=1,
        chart=FigureChart(columns=("complaints", "commendations")),
        note=_("Where what happened took place, when the person who wrote to us said so."),
    )


FINDINGS = [
    (Allegation.Finding.SUSTAINED, gettext_lazy("Sustained")),
    (Allegation.Finding.NOT_SUSTAINED, gettext_lazy("Not sustained")),
    (Allegation.Finding.EXONERATED, gettext_lazy("Exonerated")),
    (Allegation.Finding.UNFOUNDED, gettext_lazy("Unfounded")),
    (Allegation.Finding.POLICY_FAILURE, gettext_lazy("Policy failure")),
    (OPEN, gettext_lazy("Case still open")),
]


def by_category(period: FigurePeriod) -> FigureTable:
    final = Case(
        When(complaint__stage=Complaint.Stage.CLOSED, then=F("finding")),
        default=Value(OPEN),
        output_field=CharField(),
    )
    counts: dict[tuple[str, str], int] = {}
    for row in (
        Allegation.objects.filter(
            complaint__kind=Complaint.Kind.COMPLAINT,
            complaint__received_month__gte=period.start.replace(day=1),
            complaint__received_month__lte=period.end,
        )
        .annotate(final=final)
        .values("category", "final")
        .annotate(n=Count("pk"))
    ):
        # A closed case's allegation without a finding (withdrawn, say) counts as open: it
        # has no finding to report.
        finding = row["final"] or OPEN
        key = (row["category"], finding)
        counts[key] = counts.get(key, 0) + row["n"]
    rows = [
        [str(label), *[counts.get((category, finding), 0) for finding, _label in FINDINGS]]
        for category, label in Allegation.Category.choices
    ]
    return FigureTable(
        key="by-category",
        title=_("Allegations in complaints, by category and finding"),
        row_heading=_("Category"),
        columns=tuple(FigureColumn(str(finding), str(label)) for finding, label in FINDINGS),
        rows=_with_total(rows, _("All categories")),
        total_rows=1,
        chart=FigureChart(columns=tuple(str(finding) for finding, _label in FINDINGS[:5])),
        note=_(
            "A complaint may make several allegations. Findings are final once the case is "
            "closed; the allegations of cases still under way are counted as open."
        ),
    )


def _closing_medians(closed) -> tuple[dict[date, dict], dict]:
    """Cases closed and their median days to close, per quarter and overall: in the database on
    PostgreSQL (one grouped query and one aggregate), in Python on the embedded SQLite of the
    demo, which has no percentile function."""
    if connection.vendor == "postgresql":
        per_quarter = {
            row["quarter"]: row
            for row in closed.annotate(quarter=TruncQuarter("closed_on"))
            .values("quarter")
            .annotate(n=Count("pk"), median=Median("days_to_close"))
        }
        return per_quarter, closed.aggregate(n=Count("pk"), median=Median("days_to_close"))
    days: dict[date, list[int]] = {}
    for closed_on, taken in closed.values_list("closed_on", "days_to_close").iterator():
        quarter = closed_on.replace(month=3 * ((closed_on.month - 1) // 3) + 1, day=1)
        days.setdefault(quarter, []).append(taken)
    every = [taken for values in days.values() for taken in values]
    per_quarter = {q: {"n": len(v), "median": statistics.median(v)} for q, v in days.items()}
    return per_quarter, {"n": len(every), "median": statistics.median(every) if every else None}


def closing(period: FigurePeriod) -> FigureTable:
    closed = Complaint.objects.filter(
        kind=Complaint.Kind.COMPLAINT,
        closed_on__gte=period.start,
        closed_on__lte=period.end,
        days_to_close__isnull=False,
    )
    per_quarter, overall = _closing_medians(closed)
    rows = []
    for quarter in _quarters(period):
        row = per_quarter.get(quarter, {"n": 0, "median": None})
        rows.append([quarter_label(quarter), row["n"], row["median"]])
    rows.append([_("Whole period"), overall["n"], overall["median"]])
    return FigureTable(
        key="closing",
        title=_("Complaints closed, and the median days to close them, by quarter"),
        row_heading=_("Quarter closed"),
        columns=(
            FigureColumn("closed", _("Complaints closed")),
            FigureColumn(
                "median_days",
                _("Median days to close"),
                kind="measure",
                basis=("closed",),
                unit="",
            ),
        ),
        rows=rows,
        total_rows=1,
        chart=FigureChart(columns=("median_days",)),
        note=_("Half the complaints closed in the quarter took fewer days than the median."),
    )


def board(period: FigurePeriod) -> FigureTable:
    counts: dict[tuple[date, str], int] = {}
    for row in (
        BoardReview.objects.filter(reviewed_on__gte=period.start, reviewed_on__lte=period.end)
        .annotate(quarter=TruncQuarter("reviewed_on"))
        .values("quarter", "position")
        .annotate(n=Count("pk"))
    ):
        counts[(row["quarter"], row["position"])] = row["n"]
    agree, disagree = BoardReview.Position.AGREE, BoardReview.Position.DISAGREE

    def line(label, a, d):
        return [label, a, d, round(100 * a / (a + d)) if a + d else None]

    rows = [
        line(quarter_label(q), counts.get((q, agree), 0), counts.get((q, disagree), 0))
        for q in _quarters(period)
    ]
    rows.append(line(_("Whole period"), sum(r[1] for r in rows), sum(r[2] for r in rows)))
    return FigureTable(
        key="board",
        title=_("The civilian review board's reviews of closed complaints, by quarter"),
        row_heading=_("Quarter reviewed"),
        columns=(
            FigureColumn("agreed", _("Board agreed with the finding")),
            FigureColumn("disagreed", _("Board disagreed")),
            FigureColumn(
                "agreement_rate",
                _("Agreement rate"),
                kind="measure",
                basis=("agreed", "disagreed"),
                unit="%",
            ),
        ),
        rows=rows,
        total_rows=1,
        chart=FigureChart(columns=("agreement_rate",)),
        note=_(
            "The board reviews closed cases with the people involved removed, and says whether "
            "it agrees with the department's findings."
        ),
    )


def tables(period: FigurePeriod) -> list[FigureTable]:
    return [
        by_month(period),
        by_category(period),
        by_neighborhood(period),
        closing(period),
        board(period),
    ]


def _changed(**kwargs) -> None:
    transaction.on_commit(lambda: figures_changed(KEY))


def register() -> None:
    from complaints.figures_demo import load_demo  # noqa: PLC0415 - imports models too

    demo_loaders.register(DemoLoader(key="complaints-figures", load=load_demo, order=85))
    figure_sets.register(
        FigureSet(
            key=KEY,
            title=gettext_lazy("Complaints and commendations"),
            summary=gettext_lazy(
                "What residents told us about officers' conduct, what the investigations "
                "found, how long they took, and whether the civilian review board agreed."
            ),
            tables=tables,
            order=10,
        )
    )
    for model in (Complaint, Allegation, BoardReview):
        post_save.connect(_changed, sender=model, dispatch_uid=f"figures-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"figures-del-{model.__name__}")
