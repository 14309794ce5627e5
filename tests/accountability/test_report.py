"""The board's report: asked for in admin (a board member, a site administrator) or by the
quarterly beat; its rules hold at both doors; drawn by the task; downloadable from the page."""

from datetime import date, timedelta

import pytest

from portal import roles
from portal.errors import DomainError
from portal.localtime import local_today
from portal.models import AccountabilityReport, AuditEntry
from portal.services import accountability
from tests.accountability.conftest import pdf_text
from tests.support.otp import verified_login

pytestmark = pytest.mark.django_db

ADD = "/admin/portal/accountabilityreport/add/"


def _quarter():
    return accountability.quarter_of(
        accountability.quarter_of(local_today()).start - timedelta(days=1)
    )


@pytest.mark.parametrize("role", [roles.REVIEW_BOARD, roles.SITE_ADMINISTRATORS])
def test_a_board_member_or_administrator_asks_in_admin_and_the_pdf_is_made(
    client, user_in_role, hand_cases, role, django_capture_on_commit_callbacks
):
    user = user_in_role(role)
    verified_login(client, user)
    quarter = _quarter()
    with django_capture_on_commit_callbacks(execute=True):  # tasks run inline here
        response = client.post(ADD, {"period_start": quarter.start, "period_end": quarter.end})
    assert response.status_code == 302, response.content.decode()[:2000]
    report = AccountabilityReport.objects.get()
    assert (report.status, report.requested_by) == ("ready", user)
    assert report.worker_seconds is not None
    assert AuditEntry.objects.filter(
        action="portal.accountabilityreport.requested", actor=user
    ).exists()
    assert "Accountability report" in pdf_text(bytes(report.pdf_en))
    assert "Informe de rendición de cuentas" in pdf_text(bytes(report.pdf_es))

    # On the page, and downloadable in the reader's language.
    page = client.get("/accountability/").content.decode()
    assert f"/accountability/reports/{report.pk}.pdf" in page
    pdf = client.get(f"/accountability/reports/{report.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == bytes(report.pdf_en)
    assert client.get(f"/es/accountability/reports/{report.pk}.pdf").content == bytes(report.pdf_es)


def test_staff_without_the_role_cannot_ask(client, user_in_role):
    verified_login(client, user_in_role(roles.RECORDS_CLERKS))
    assert client.get(ADD).status_code == 403


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (date(2026, 3, 31), date(2026, 1, 1), "period_order"),
        (date(2024, 1, 1), date(2025, 6, 30), "period_too_long"),
        (None, None, "period_future"),
    ],
)
def test_a_bad_period_is_refused_at_both_doors(client, user_in_role, start, end, code):
    if start is None:
        start, end = local_today(), local_today() + timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        accountability.report_request(period_start=start, period_end=end)
    assert refused.value.domain_code == code
    verified_login(client, user_in_role(roles.REVIEW_BOARD))
    response = client.post(ADD, {"period_start": start, "period_end": end})
    assert response.status_code == 200
    assert AccountabilityReport.objects.count() == 0
    assert response.context["adminform"].form.errors


def test_asking_twice_for_a_period_is_refused_and_a_failed_one_can_be_asked_again(
    client, user_in_role, django_capture_on_commit_callbacks
):
    quarter = _quarter()
    report = accountability.report_request(period_start=quarter.start, period_end=quarter.end)
    with pytest.raises(DomainError) as refused:
        accountability.report_request(period_start=quarter.start, period_end=quarter.end)
    assert refused.value.domain_code == "report_exists"
    verified_login(client, user_in_role(roles.REVIEW_BOARD))
    response = client.post(ADD, {"period_start": quarter.start, "period_end": quarter.end})
    assert "already been asked for" in response.content.decode()

    AccountabilityReport.objects.filter(pk=report.pk).update(status="failed")
    with django_capture_on_commit_callbacks(execute=True):
        again = accountability.report_request(period_start=quarter.start, period_end=quarter.end)
    assert again.pk == report.pk
    assert AccountabilityReport.objects.get().status == "ready"


def test_the_quarterly_beat_asks_once_and_generation_is_idempotent(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = accountability.quarterly_report_ensure()
    assert first is not None
    assert (first.period_start, first.period_end) == (_quarter().start, _quarter().end)
    assert accountability.quarterly_report_ensure() is None
    assert AccountabilityReport.objects.count() == 1
    first.refresh_from_db()
    made = bytes(first.pdf_en)
    assert accountability.report_generate(report_id=first.pk) is False
    first.refresh_from_db()
    assert bytes(first.pdf_en) == made


def test_the_sweep_queues_reports_left_waiting(settings):
    settings.ACCOUNTABILITY_SWEEP_GRACE_SECONDS = 0
    quarter = _quarter()
    report = AccountabilityReport.objects.create(
        period_start=quarter.start, period_end=quarter.end
    )  # as if the broker had been down when it was asked for
    assert accountability.report_sweep() == 1
    report.refresh_from_db()
    assert report.status == "ready"
    assert accountability.report_sweep() == 0


def test_a_report_not_ready_is_not_downloadable(client):
    quarter = _quarter()
    report = AccountabilityReport.objects.create(period_start=quarter.start, period_end=quarter.end)
    assert client.get(f"/accountability/reports/{report.pk}.pdf").status_code == 404
