"""The board's report made by a real Celery worker and Redis broker: asked for in a
transaction, handed over after commit, drawn by the worker, downloadable from the page.

One test on purpose (see tests/records/test_worker.py: the worker caches content types across
the database flushes of transactional tests)."""

import pytest

from portal.localtime import local_today
from portal.models import AccountabilityReport
from portal.services import accountability
from tests.accountability.conftest import pdf_text

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_draws_the_report_asked_for_and_the_page_offers_it(
    celery_worker, client, hand_cases
):
    today = local_today()
    period = accountability.quarter_of(today)  # this quarter, to today
    report = accountability.report_request(period_start=period.start, period_end=today)
    celery_worker.wait_for(
        lambda: AccountabilityReport.objects.get(pk=report.pk).status != "queued", timeout=90
    )
    report.refresh_from_db()
    assert (report.status, report.error) == ("ready", "")
    assert 0 < report.worker_seconds < 5
    text = pdf_text(bytes(report.pdf_en))
    assert "Complaints and commendations received, by month" in text
    assert "<5" in text
    assert "Quejas y felicitaciones recibidas, por mes" in pdf_text(bytes(report.pdf_es))
    response = client.get(f"/accountability/reports/{report.pk}.pdf")
    assert response.status_code == 200
    assert response.content == bytes(report.pdf_en)
