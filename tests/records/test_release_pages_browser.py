"""The pages added for issue 13 in Chromium, with zero axe-core violations: approving a
document to release as it is and issuing a letter (each by a second clerk), and notifying an
employee under C.G.S. §1-214."""

import re

import pytest

from portal import roles
from records import services
from records.models import EmployeeNotice, RequestKind, Status
from records.services import Upload
from tests.browser import axe_violations
from tests.factories import UserFactory
from tests.records.factories import RecordRequestFactory
from tests.records.test_admin_browser import QUEUE, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_second_clerk_approves_a_document_and_issues_a_letter(live_server, page, settings):
    settings.STAFF_REQUIRE_2FA = True
    carmen = UserFactory(username="carmen", roles=[roles.RECORDS_CLERKS])
    sam = UserFactory(username="sam", roles=[roles.RECORDS_CLERKS])
    record_request = RecordRequestFactory(kind=RequestKind.RECORD_CHECK, status=Status.READY)
    document = services.document_release(
        record_request=record_request,
        upload=Upload(name="report.pdf", content_type="application/pdf", data=b"%PDF-1.4 x"),
        actor=carmen,
    )
    letter = services.letter_prepare(
        record_request=record_request, records_found=False, actor=carmen
    )
    _sign_in(page, live_server.url, sam)
    base = live_server.url + f"{QUEUE}{record_request.pk}"
    page.goto(base + "/packet/document_approve/")
    assert (v := axe_violations(page)) == [], "\n".join(v)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r".*/change/$"))
    document.refresh_from_db()
    assert document.approved_by == sam
    page.goto(base + "/packet/letter_issue/")
    assert (v := axe_violations(page)) == [], "\n".join(v)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r".*/change/$"))
    letter.refresh_from_db()
    assert letter.issued_by == sam


def test_a_clerk_notifies_an_employee_by_keyboard(live_server, page, settings):
    settings.STAFF_REQUIRE_2FA = True
    carmen = UserFactory(username="carmen", roles=[roles.RECORDS_CLERKS])
    record_request = RecordRequestFactory(status=Status.IN_PROGRESS)
    _sign_in(page, live_server.url, carmen)
    page.goto(live_server.url + f"{QUEUE}{record_request.pk}/personnel/notice/")
    assert (v := axe_violations(page)) == [], "\n".join(v)
    page.get_by_label("Employee (or union) notified").fill("Officer J. Doe")
    page.get_by_label("Their e-mail address").fill("jdoe@eastbrook.example")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/change/$"))
    assert (v := axe_violations(page)) == [], "\n".join(v)
    assert EmployeeNotice.objects.get(request=record_request).email == "jdoe@eastbrook.example"
    page.goto(live_server.url + f"{QUEUE}{record_request.pk}/personnel/objection/")
    assert (v := axe_violations(page)) == [], "\n".join(v)
