"""The staff pages cost the same number of queries however many cases there are."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from complaints import services
from tests.complaints.conftest import advance, file_complaint
from tests.support.otp import verified_login

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_queue_and_the_board_queue_do_not_grow_with_the_cases(officer, ia, board_member):
    ia_client, board_client = Client(), Client()
    verified_login(ia_client, ia)
    verified_login(board_client, board_member)
    advance(file_complaint().complaint, ia, to="closed")
    file_complaint()
    small = (
        queries(ia_client, "/staff/complaints/"),
        queries(board_client, "/staff/complaints/board/"),
    )
    for _ in range(6):
        advance(file_complaint().complaint, ia, to="closed")
        file_complaint(kind="commendation")
    large = (
        queries(ia_client, "/staff/complaints/"),
        queries(board_client, "/staff/complaints/board/"),
    )
    assert large == small


def test_a_case_page_does_not_grow_with_its_steps_and_allegations(officer, ia):
    client = Client()
    verified_login(client, ia)
    small = advance(file_complaint().complaint, ia, to="investigation")
    large = advance(file_complaint().complaint, ia, to="classification")
    for n in range(5):
        services.allegation_add(
            actor=ia,
            complaint=large,
            category="other",
            summary=f"A{n}",
            officer=large.officers.first(),
        )
    advance(large, ia, to="investigation")
    for n in range(5):
        services.step_add(actor=ia, complaint=large, kind="other", title=f"Step {n}")
    assert queries(client, f"/staff/complaints/{large.pk}/") == queries(
        client, f"/staff/complaints/{small.pk}/"
    )


def test_the_queue_shows_open_cases_unless_closed_ones_are_asked_for(officer, ia):
    client = Client()
    verified_login(client, ia)
    closed = advance(file_complaint().complaint, ia, to="closed")
    open_case = file_complaint().complaint

    def listed(url):
        page = client.get(url).content.decode()
        return {c.tracking_code for c in (closed, open_case) if c.tracking_code in page}

    assert listed("/staff/complaints/") == {open_case.tracking_code}
    assert listed("/staff/complaints/?stage=open") == {open_case.tracking_code}
    assert listed("/staff/complaints/?stage=") == {closed.tracking_code, open_case.tracking_code}
    assert listed("/staff/complaints/?stage=closed") == {closed.tracking_code}
    # The API and the admin keep every stage unless one is named.
    codes = {case["tracking_code"] for case in client.get("/api/v1/complaints/cases/").json()}
    assert codes == {closed.tracking_code, open_case.tracking_code}
