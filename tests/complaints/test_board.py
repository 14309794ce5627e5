"""The civilian review board: its queue of closed cases due for review, and its review."""

import datetime as dt

import pytest
from django.test import Client

from complaints import selectors, services
from complaints.models import BoardReview
from portal.errors import DomainError
from tests.complaints.conftest import advance, file_complaint
from tests.support.otp import verified_login

pytestmark = pytest.mark.django_db


def staff(user):
    client = Client()
    verified_login(client, user)
    return client


def test_the_queue_holds_closed_complaints_not_yet_reviewed(officer, ia, board_member):
    open_case = file_complaint().complaint
    closed = advance(file_complaint().complaint, ia, to="closed")
    commendation = file_complaint(kind="commendation").complaint
    services.commendation_deliver(actor=ia, complaint=commendation)
    assert list(selectors.board_queue(user=board_member)) == [closed]
    assert selectors.board_queue(user=board_member)[0].allegation_count == 1
    page = staff(board_member).get("/staff/complaints/board/").content.decode()
    assert closed.tracking_code in page
    assert open_case.tracking_code not in page and commendation.tracking_code not in page


def test_the_board_records_its_review_through_the_page(filed, ia, board_member):
    advance(filed, ia, to="closed")
    client = staff(board_member)
    url = f"/staff/complaints/board/{filed.pk}/"
    response = client.post(url, {"position": "disagree", "reasons": ""})
    assert response.status_code == 400
    assert "reasons for disagreeing" in response.content.decode()
    assert not BoardReview.objects.exists()
    response = client.post(
        url,
        {
            "position": "disagree",
            "reasons": "Footage was not requested.",
            "recommendation": "Always request footage.",
        },
    )
    assert response.status_code == 302
    review = BoardReview.objects.get()
    assert (review.position, review.recorded_by) == ("disagree", board_member)
    assert list(selectors.board_queue(user=board_member)) == []
    assert "Footage was not requested" in client.get(url).content.decode()


def test_a_case_is_reviewed_once(filed, ia, board_member):
    advance(filed, ia, to="closed")
    services.review_record(actor=board_member, complaint=filed, position="agree")
    with pytest.raises(DomainError) as refused:
        services.review_record(
            actor=board_member, complaint=filed, position="disagree", reasons="Second thoughts"
        )
    assert refused.value.domain_code == "already_reviewed"


def test_only_board_members_review_and_only_closed_cases(filed, ia, board_member):
    with pytest.raises(DomainError) as refused:
        services.review_record(actor=board_member, complaint=filed, position="agree")
    assert refused.value.domain_code == "not_allowed"  # not closed yet
    advance(filed, ia, to="closed")
    with pytest.raises(DomainError) as refused:
        services.review_record(actor=ia, complaint=filed, position="agree")
    assert refused.value.domain_code == "not_allowed"
    assert staff(ia).get("/staff/complaints/board/").status_code == 403
    response = staff(ia).post(f"/staff/complaints/board/{filed.pk}/", {"position": "agree"})
    assert response.status_code == 403
    assert not BoardReview.objects.exists()


def test_a_review_cannot_be_dated_in_the_future_or_before_closing(filed, ia, board_member):
    advance(filed, ia, to="closed")
    for day, code in (
        (dt.date.today() + dt.timedelta(days=3), "future"),
        (filed.closed_on - dt.timedelta(days=1) if filed.closed_on else None, "before_close"),
    ):
        filed.refresh_from_db()
        day = day or filed.closed_on - dt.timedelta(days=1)
        with pytest.raises(DomainError) as refused:
            services.review_record(
                actor=board_member, complaint=filed, position="agree", reviewed_on=day
            )
        assert refused.value.domain_code == code
