"""The redaction page in admin: the page preview (audit-logged), an area typed in percent, a
whole page, every occurrence of a term, removing one marked in error; clerks only."""

import io

import pytest
from PIL import Image

from portal import roles
from portal.models import AuditEntry
from records import services
from records.models import Redaction
from tests.factories import UserFactory
from tests.records.factories import RecordRequestFactory
from tests.support.redaction import INSIDE
from tests.support.redaction import marked_pdf as _marked_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(client, clerk):
    client.force_login(clerk)
    record_request = RecordRequestFactory()
    document = services.responsive_upload(
        record_request=record_request, upload=_marked_pdf(), actor=clerk
    )
    url = f"/admin/records/recordrequest/{record_request.pk}/document/{document.pk}/redact/"
    return record_request, document, url


def test_the_request_page_links_each_responsive_record_to_its_redaction_page(client, record):
    record_request, _, url = record
    page = client.get(f"/admin/records/recordrequest/{record_request.pk}/change/")
    assert url in page.content.decode()


def test_the_page_preview_is_an_image_and_each_look_is_audit_logged(client, record):
    _, _document, url = record
    page = client.get(url + "?page=2").content.decode()
    assert "page 2 of 2" in page
    image_url = url.replace("redact/", "page/2.png")
    assert image_url in page
    response = client.get(image_url)
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    assert Image.open(io.BytesIO(response.content)).width > 500
    entry = AuditEntry.objects.get(action="records.document.viewed")
    assert entry.detail["page"] == 2
    assert client.get(url.replace("redact/", "page/3.png")).status_code == 404


def test_a_clerk_types_an_area_and_it_is_redacted_with_its_citation(client, record):
    _, _document, url = record
    response = client.post(
        url + "?page=1",
        {
            "do": "area",
            "area-left": "10",
            "area-top": "10.5",
            "area-width": "50",
            "area-height": "15",
            "area-exemption": "C.G.S. §1-210(b)(3)(A)",
            "area-note": "Witness name",
        },
    )
    assert response.status_code == 302
    redaction = Redaction.objects.get()
    assert (redaction.page, float(redaction.top), redaction.exemption) == (
        1,
        10.5,
        "C.G.S. §1-210(b)(3)(A)",
    )
    page = client.get(url).content.decode()
    assert "Witness name" in page and "C.G.S. §1-210(b)(3)(A)" in page


def test_an_area_without_a_citation_or_off_the_page_is_refused_on_the_form(client, record):
    _, _, url = record
    response = client.post(
        url,
        {
            "do": "area",
            "area-left": "90",
            "area-top": "10",
            "area-width": "20",
            "area-height": "5",
            "area-exemption": "",
        },
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    response = client.post(
        url,
        {
            "do": "area",
            "area-left": "90",
            "area-top": "10",
            "area-width": "20",
            "area-height": "5",
            "area-exemption": "§1",
        },
    )
    assert "The area must lie within the page" in response.content.decode()
    assert not Redaction.objects.exists()


def test_a_clerk_blacks_out_a_term_everywhere_and_withholds_a_page(client, record):
    _, _document, url = record
    client.post(url, {"do": "term", "term-term": INSIDE, "term-exemption": "§1-210(b)(3)(A)"})
    assert Redaction.objects.filter(whole_page=False).count() == 2
    client.post(url + "?page=2", {"do": "page", "page-exemption": "§1-210(b)(18)"})
    assert Redaction.objects.get(whole_page=True).page == 2


def test_a_redaction_marked_in_error_is_removed_and_logged(client, record):
    _record_request, document, url = record
    redaction = services.redaction_add(
        document=document, page=1, exemption="§1", actor=None, region=(1, 1, 5, 5)
    )
    client.post(url, {"do": "remove", "redaction": redaction.pk})
    assert not Redaction.objects.exists()
    assert AuditEntry.objects.filter(action="records.redaction.removed").exists()


def test_staff_outside_records_cannot_open_the_redaction_page(client, record):
    _, _, url = record
    client.force_login(UserFactory(roles=[roles.PARKING_OFFICERS]))
    assert client.get(url).status_code == 403
    assert client.get(url.replace("redact/", "page/1.png")).status_code == 403
