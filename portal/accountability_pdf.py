"""The board's periodic report as a PDF (reportlab's platypus): every figure set of the
transparency page for one period, published through portal.figures.publish like the page, so
the same cells are suppressed."""

import io

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

from portal.figures import PublishedSet, published_sets
from portal.registry import FigurePeriod
from portal.selectors import department_get


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(table, styles) -> list:
    header = [table.row_heading, *[column.label for column in table.columns]]
    body = [[row.label, *[cell.text for cell in row.cells]] for row in table.rows]
    width = 6.5 * inch
    first = min(2.2 * inch, width / 2)
    rest = (width - first) / max(len(table.columns), 1)
    small = styles["BodyText"].clone("cell", fontSize=8.5, leading=10)
    data = [[Paragraph(_escape(str(text)), small) for text in line] for line in [header, *body]]
    grid = Table(data, colWidths=[first] + [rest] * len(table.columns), repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8d9297")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe1e2")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for i, row in enumerate(table.rows, start=1):
        if row.total:
            style.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor("#f0f0f0")))
    grid.setStyle(TableStyle(style))
    parts = [Paragraph(_escape(table.title), styles["Heading3"]), grid]
    if table.note:
        parts.append(Paragraph(_escape(table.note), styles["Italic"]))
    return [KeepTogether(parts[:2]), *parts[2:], Spacer(1, 10)]


def report_pdf(period: FigurePeriod, *, language: str, sets: list[PublishedSet] | None = None):
    """The report for `period` in `language`, as PDF bytes."""
    with translation.override(language):
        department = department_get()
        sets = sets if sets is not None else published_sets(period, exact=True)
        styles = getSampleStyleSheet()
        out = io.BytesIO()
        title = _("Accountability report, %(start)s to %(end)s") % {
            "start": date_format(period.start, "DATE_FORMAT"),
            "end": date_format(period.end, "DATE_FORMAT"),
        }
        doc = SimpleDocTemplate(
            out,
            pagesize=letter,
            title=title,
            author=str(department.name),
            subject=_("Figures published by the department and its civilian review board"),
            lang=language,
            leftMargin=inch,
            rightMargin=inch,
            topMargin=0.8 * inch,
            bottomMargin=0.8 * inch,
        )
        story = [
            Paragraph(_escape(str(department.name)), styles["Title"]),
            Paragraph(_escape(title), styles["Heading2"]),
            Paragraph(
                _escape(
                    _(
                        "Counts only: no names, no case details. Counts under 5 are shown as "
                        "“<5”, and where a small count could be worked out by subtraction from "
                        "a total another count is withheld too, so that no one can be "
                        "identified."
                    )
                ),
                styles["BodyText"],
            ),
            Spacer(1, 12),
        ]
        for published in sets:
            story.append(Paragraph(_escape(published.title), styles["Heading2"]))
            if published.summary:
                story.append(Paragraph(_escape(published.summary), styles["BodyText"]))
            if not published.tables:
                story.append(Paragraph(_escape(_("No figures for this period.")), styles["Italic"]))
            for table in published.tables:
                story.extend(_table(table, styles))
        doc.build(story)
        return out.getvalue()
