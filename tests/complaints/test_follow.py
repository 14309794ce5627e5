"""The resident comes back with the tracking code and passphrase: where the case stands,
adding information; guessing is throttled per client and per code."""

import re

import pytest
from django.test import Client

from complaints import services
from complaints.models import Complaint, ComplaintMessage
from complaints.views import ACCESS
from portal.models import Notification
from tests.complaints.conftest import advance, file_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(officer):
    return file_complaint(filing="anonymous", complainant_name="", complainant_email="")


def open_case(client, code, passphrase, prefix=""):
    return client.post(f"{prefix}/complaints/follow/", {"code": code, "passphrase": passphrase})


def access_token(page: str) -> str:
    return re.search(r'name="access" value="([^"]+)"', page).group(1)


def test_the_code_and_passphrase_open_the_case(submitted):
    response = open_case(Client(), submitted.complaint.tracking_code, submitted.passphrase)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Received" in page and 'aria-current="step"' in page


def test_case_and_spacing_of_what_was_typed_do_not_matter(submitted):
    code = submitted.complaint.tracking_code.lower().replace("-", " ")
    response = open_case(Client(), code, submitted.passphrase.upper())
    assert response.status_code == 200


def test_a_wrong_passphrase_and_an_unknown_code_get_the_same_answer(submitted):
    wrong = open_case(Client(), submitted.complaint.tracking_code, "not the right words")
    unknown = open_case(Client(), "ZZZZZ-ZZZZZ", submitted.passphrase)
    assert wrong.status_code == unknown.status_code == 400
    message = "That tracking code and passphrase do not match"
    assert message in wrong.content.decode() and message in unknown.content.decode()


def test_a_guessed_code_is_paused_after_too_many_wrong_tries(submitted, settings):
    settings.COMPLAINTS_CHECK_MAX_FAILURES = 3
    code = submitted.complaint.tracking_code
    for _ in range(3):
        with pytest.raises(services.resident.DomainError):
            services.complaint_authenticate(code=code, passphrase="guess guess guess")
    with pytest.raises(services.resident.DomainError) as refused:
        services.complaint_authenticate(code=code, passphrase=submitted.passphrase)
    assert refused.value.domain_code == "check_refused"


def test_one_client_guessing_many_codes_is_throttled(submitted, settings):
    settings.COMPLAINTS_CHECKS_PER_15_MINUTES = 2
    client = Client()
    for guess in ("AAAAA-AAAAA", "BBBBB-BBBBB"):
        assert open_case(client, guess, "some words").status_code == 400
    throttled = open_case(client, submitted.complaint.tracking_code, submitted.passphrase)
    assert throttled.status_code == 429
    assert "Too many tries" in throttled.content.decode()


def test_empty_tries_cost_nothing(submitted, settings):
    settings.COMPLAINTS_CHECKS_PER_15_MINUTES = 1
    client = Client()
    for _ in range(3):
        assert client.post("/complaints/follow/", {}).status_code == 400
    assert (
        open_case(client, submitted.complaint.tracking_code, submitted.passphrase).status_code
        == 200
    )


def test_submissions_from_one_client_are_throttled(officer, settings):
    settings.COMPLAINTS_SUBMISSIONS_PER_HOUR = 1
    data = {
        "kind": "complaint",
        "filing": "anonymous",
        "officer_name": "E1042",
        "what": "A flood of complaints.",
    }
    client = Client()
    assert client.post("/complaints/file/", data).status_code == 200
    assert client.post("/complaints/file/", data).status_code == 429
    assert Complaint.objects.count() == 1


def test_information_added_later_reaches_whoever_holds_the_case(submitted, ia):
    client = Client()
    page = open_case(client, submitted.complaint.tracking_code, submitted.passphrase)
    response = client.post(
        "/complaints/follow/add/",
        {"access": access_token(page.content.decode()), "body": "The car was number 12."},
    )
    assert response.status_code == 200
    assert "What you added was sent" in response.content.decode()
    message = ComplaintMessage.objects.get()
    assert message.body == "The car was number 12." and message.direction == "resident"
    notice = Notification.objects.get(recipient=ia.email, subject__contains="added information")
    assert "number 12" not in notice.body
    assert notice.private  # an anonymous case: kept to the hour, text removed once sent


def test_adding_nothing_is_refused(submitted):
    client = Client()
    page = open_case(client, submitted.complaint.tracking_code, submitted.passphrase)
    response = client.post(
        "/complaints/follow/add/", {"access": access_token(page.content.decode()), "body": " "}
    )
    assert response.status_code == 400
    assert "Write something or add a file" in response.content.decode()
    assert not ComplaintMessage.objects.exists()


def test_a_forged_or_expired_access_token_is_refused(submitted):
    response = Client().post("/complaints/follow/add/", {"access": "forged", "body": "Hi"})
    assert response.status_code == 400
    assert "closes after 30 minutes" in response.content.decode()
    assert not ComplaintMessage.objects.exists()


def test_a_closed_case_shows_the_findings_and_takes_no_more(submitted, ia):
    advance(submitted.complaint, ia, to="closed")
    response = open_case(Client(), submitted.complaint.tracking_code, submitted.passphrase)
    page = response.content.decode()
    assert "Sustained" in page and "Training" in page
    assert 'action="/complaints/follow/add/"' not in page
    token = ACCESS.make({"complaint": submitted.complaint.pk})
    refused = Client().post("/complaints/follow/add/", {"access": token, "body": "More"})
    assert refused.status_code == 400
    assert "This case is closed" in refused.content.decode()


def test_resident_pages_are_private(submitted):
    response = Client().get("/complaints/follow/")
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert not response.cookies
