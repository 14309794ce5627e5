"""The department's transparency page, /accountability/ (and /es/accountability/): every
figure set the apps register (portal.registry.figure_sets), as SVG charts drawn here with the
same figures in tables, as CSV and JSON, and the board's reports as PDFs.

All four formats read the published (suppressed) figures of portal/figures.py."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal import csv as portal_csv
from portal.accountability_models import AccountabilityReport
from portal.charts import grouped_bar_chart
from portal.figures import PublishedTable, as_json, as_rows, page_period, published_sets

REPORTS_SHOWN = 8


def _chart(table: PublishedTable, title_id: str):
    if not table.chart_columns:
        return None
    rows = list(table.data_rows)
    if table.chart_rows is not None:
        rows = rows[-table.chart_rows :]
    index = {column.key: i for i, column in enumerate(table.columns)}
    series = [
        (table.columns[index[key]].label, [row.cells[index[key]].value for row in rows])
        for key in table.chart_columns
    ]
    unit = table.columns[index[table.chart_columns[0]]].unit
    return grouped_bar_chart(
        series=series, labels=[row.label for row in rows], title_id=title_id, unit=unit
    )


@require_GET
def page(request: HttpRequest) -> HttpResponse:
    period = page_period()
    sets = []
    for published in published_sets(period):
        tables = []
        for table in published.tables:
            table_id = f"{published.key}-{table.key}"
            tables.append({"id": table_id, "table": table, "chart": _chart(table, table_id)})
        sets.append({"set": published, "tables": tables})
    reports = list(
        AccountabilityReport.objects.filter(status=AccountabilityReport.Status.READY).only(
            "pk", "period_start", "period_end", "generated_at"
        )[:REPORTS_SHOWN]
    )
    return render(
        request,
        "portal/accountability.html",
        {"sets": sets, "period": period, "reports": reports},
    )


def _filename(extension: str) -> str:
    period = page_period()
    return f"accountability-{period.start:%Y-%m}-{period.end:%Y-%m-%d}.{extension}"


@require_GET
def figures_csv(request: HttpRequest) -> HttpResponse:
    text = portal_csv.rows_to_text(as_rows(published_sets()))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@require_GET
def figures_json(request: HttpRequest) -> JsonResponse:
    period = page_period()
    body = {
        "language": translation.get_language(),
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        **as_json(published_sets(period)),
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'inline; filename="{_filename("json")}"'
    return response


@require_GET
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        AccountabilityReport.objects.defer("pdf_es" if _lang() == "en" else "pdf_en"),
        pk=pk,
        status=AccountabilityReport.Status.READY,
    )
    data = bytes(report.pdf_es if _lang() == "es" else report.pdf_en)
    if not data:
        raise Http404(_("This report has no file."))
    response = HttpResponse(data, content_type="application/pdf")
    name = f"accountability-report-{report.period_start:%Y-%m-%d}-{report.period_end:%Y-%m-%d}"
    response["Content-Disposition"] = f'attachment; filename="{name}-{_lang()}.pdf"'
    return response


def _lang() -> str:
    return "es" if (translation.get_language() or "en").startswith("es") else "en"
