"""The Open311 GeoReport v2 server, driven with raw HTTP: every error case in the
specification's error format and status, nothing stored on a refused POST, CORS on reads only,
sensitive places coarsened, no contact or tracking code in any output."""

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.utils import timezone

from portal import throttling
from portal.models import AuditEntry, DepartmentSettings, Notification, Street
from service_requests import services
from service_requests.models import Open311Submission, ServiceRequest
from service_requests.open311 import services as open311
from tests.service_requests.factories import INSIDE_WEST, OUTSIDE

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"


@pytest.fixture
def jurisdiction(db):
    department = DepartmentSettings.get_solo()
    department.open311_jurisdiction_id = "springfield.gov"
    department.email = "help@springfield.gov"
    department.save()
    return "springfield.gov"


@pytest.fixture
def api_key(jurisdiction):
    _client, key = open311.client_issue(name="Civic app", contact="dev@example.org", actor=None)
    return key


def post(client, fmt="json", **data):
    return client.post(f"{BASE}/requests.{fmt}", data)


def xml_root(content: bytes) -> ET.Element:
    """Our own server's XML, parsed to check its shape (trusted input)."""
    return ET.fromstring(content)  # noqa: S314 - our own output, in a test


def errors_json(response) -> list[dict]:
    body = json.loads(response.content)
    assert isinstance(body, list) and body, body
    assert all(set(item) == {"code", "description"} for item in body), body
    return body


def errors_xml(response) -> list[dict]:
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = xml_root(response.content)
    assert root.tag == "errors"
    items = [
        {"code": int(e.findtext("code")), "description": e.findtext("description")}
        for e in root.findall("error")
    ]
    assert items and all(e.tag == "error" for e in root)
    return items


def valid(api_key, **extra):
    data = {
        "api_key": api_key,
        "service_code": "stray-animal",
        "lat": INSIDE_WEST[0],
        "long": INSIDE_WEST[1],
        "attribute[kind]": "dog",
    }
    data.update(extra)
    return data


# --- The catalogue ------------------------------------------------------------------------------


def test_services_list_has_the_specification_fields_in_json(client, stray, bite, jurisdiction):
    response = client.get(f"{BASE}/services.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    services_ = {s["service_code"]: s for s in response.json()}
    assert set(services_["stray-animal"]) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    assert services_["stray-animal"]["metadata"] is True
    assert services_["animal-bite"]["metadata"] is False  # no questions
    assert services_["stray-animal"]["type"] == "realtime"
    assert services_["stray-animal"]["service_name"] == "Stray or injured animal"


def test_services_list_in_xml_is_the_specification_shape(client, stray, jurisdiction):
    response = client.get(f"{BASE}/services.xml")
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = xml_root(response.content)
    assert root.tag == "services"
    service = root.find("service")
    assert service.findtext("service_code") == "stray-animal"
    assert service.findtext("metadata") == "true"
    assert [child.tag for child in service] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]


def test_services_list_speaks_the_language_asked(client, stray, jurisdiction):
    response = client.get(f"{BASE}/services.json", HTTP_ACCEPT_LANGUAGE="es")
    assert response.json()[0]["service_name"] == "Animal suelto o herido"


def test_service_definition_lists_each_attribute_with_its_values(client, stray, jurisdiction):
    response = client.get(f"{BASE}/services/stray-animal.json")
    body = response.json()
    assert body["service_code"] == "stray-animal"
    attributes = {a["code"]: a for a in body["attributes"]}
    kind = attributes["kind"]
    assert set(kind) == {
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    }
    assert kind["datatype"] == "singlevaluelist" and kind["required"] is True
    assert [v["key"] for v in kind["values"]] == ["dog", "cat", "wildlife"]
    assert "values" not in attributes["count"]
    assert [a["order"] for a in body["attributes"]] == sorted(
        a["order"] for a in body["attributes"]
    )


def test_service_definition_in_xml(client, stray, jurisdiction):
    root = xml_root(client.get(f"{BASE}/services/stray-animal.xml").content)
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "stray-animal"
    attribute = root.find("attributes/attribute")
    assert attribute.findtext("code") == "kind"
    assert attribute.findtext("variable") == "true"
    assert [v.findtext("key") for v in attribute.findall("values/value")] == [
        "dog",
        "cat",
        "wildlife",
    ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_definition_is_a_404_error_list(client, stray, jurisdiction, fmt):
    response = client.get(f"{BASE}/services/no-such-thing.{fmt}")
    assert response.status_code == 404
    items = errors_json(response) if fmt == "json" else errors_xml(response)
    assert items[0]["code"] == 404 and "no-such-thing" in items[0]["description"]


def test_discovery_names_the_endpoint_and_its_formats(client, jurisdiction):
    body = client.get("/open311/discovery.json").json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    assert "help@springfield.gov" in body["contact"]
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml_root(client.get("/open311/discovery.xml").content)
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]


# --- Jurisdiction -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["services.json", "services/stray-animal.json", "requests.json", "tokens/abc.json"]
)
def test_a_foreign_jurisdiction_is_refused_on_every_read(client, stray, jurisdiction, path):
    response = client.get(f"{BASE}/{path}", {"jurisdiction_id": "elsewhere.gov"})
    assert response.status_code == 404
    assert "jurisdiction_id" in errors_json(response)[0]["description"]
    ok = client.get(f"{BASE}/services.json", {"jurisdiction_id": "Springfield.gov"})
    assert ok.status_code == 200


def test_a_foreign_jurisdiction_is_refused_on_post_and_nothing_is_stored(client, stray, api_key):
    response = post(client, **valid(api_key, jurisdiction_id="elsewhere.gov"))
    assert response.status_code == 404
    assert ServiceRequest.objects.count() == 0


def test_without_a_configured_id_the_jurisdiction_is_the_portal_host(client, stray, settings):
    settings.PORTAL_BASE_URL = "https://www.portal.example.gov"
    ok = client.get(f"{BASE}/services.json", {"jurisdiction_id": "portal.example.gov"})
    assert ok.status_code == 200
    response = client.get(f"{BASE}/services.json", {"jurisdiction_id": "example.gov"})
    assert response.status_code == 404


# --- POST: keys ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_without_an_api_key_is_403(client, stray, jurisdiction, fmt):
    response = post(client, fmt, service_code="stray-animal", lat=INSIDE_WEST[0])
    assert response.status_code == 403
    items = errors_json(response) if fmt == "json" else errors_xml(response)
    assert items[0]["code"] == 403 and "api_key" in items[0]["description"]
    assert ServiceRequest.objects.count() == 0


def test_post_with_an_unknown_api_key_is_403(client, stray, api_key):
    response = post(client, **valid(api_key + "x"))
    assert response.status_code == 403
    assert ServiceRequest.objects.count() == 0


def test_post_with_a_revoked_api_key_is_403(client, stray, api_key):
    assert post(client, **valid(api_key)).status_code == 200
    application = open311.client_authenticate(api_key)
    open311.client_revoke(client=application, actor=None)
    response = post(client, **valid(api_key))
    assert response.status_code == 403
    assert ServiceRequest.objects.count() == 1
    assert AuditEntry.objects.filter(action="service_requests.open311client.revoked").exists()


def test_only_the_hash_of_a_key_is_stored(api_key):
    application = open311.client_authenticate(api_key)
    assert api_key not in application.key_hash and application.prefix == api_key[:8]


def test_posts_are_throttled_per_api_key(client, stray, api_key, settings):
    settings.OPEN311_POST_RATE = "2/hour"
    _other_app, other_key = open311.client_issue(name="Other", contact="x", actor=None)
    assert post(client, **valid(api_key)).status_code == 200
    assert post(client, **valid(api_key)).status_code == 200
    refused = post(client, **valid(api_key))
    assert refused.status_code == 429
    assert errors_json(refused)[0]["code"] == 429 and refused["Retry-After"]
    assert post(client, **valid(other_key)).status_code == 200
    assert ServiceRequest.objects.count() == 3


def test_posts_stay_throttled_per_api_key_while_redis_is_cut(
    client, stray, api_key, settings, cache_proxy, time_machine
):
    settings.OPEN311_POST_RATE = "2/hour"
    time_machine.move_to("2026-12-01 12:00:05+00:00", tick=True)  # not at the window's end
    cache_proxy.stop()
    assert post(client, **valid(api_key)).status_code == 200
    assert post(client, **valid(api_key)).status_code == 200
    refused = post(client, **valid(api_key))
    assert refused.status_code == 429 and refused["Retry-After"]
    assert ServiceRequest.objects.count() == 2


# --- POST: success ------------------------------------------------------------------------------


def test_post_creates_a_request_through_request_submit(client, stray, api_key, mailoutbox):
    response = post(
        client,
        **valid(
            api_key,
            **{
                "attribute[signs][]": ["injured", "loose"],
                "attribute[count]": "2",
                "email": "sam@example.org",
                "first_name": "Sam",
                "phone": "555-0100",
                "description": "Limping near the school",
                "account_id": "u-77",
                "device_id": "tt222111",
                "media_url": "https://photos.example.org/1.jpg",
            },
        ),
    )
    assert response.status_code == 200, response.content
    reply = response.json()
    assert set(reply[0]) == {"service_request_id", "service_notice", "account_id"}
    assert reply[0]["account_id"] == "u-77"
    assert "1 hour" in reply[0]["service_notice"]
    request = ServiceRequest.objects.get(public_id=reply[0]["service_request_id"])
    assert request.source == "open311"
    assert request.attributes == {"kind": "dog", "signs": ["injured", "loose"], "count": 2}
    assert request.contact["email"] == "sam@example.org" and request.notify_email
    submission = request.open311_submission
    assert submission.account_id == "u-77"
    assert submission.media_url == "https://photos.example.org/1.jpg"
    assert "tt222111" not in json.dumps(Open311Submission.objects.values().first(), default=str)
    assert Notification.objects.filter(recipient="sam@example.org").exists()


def test_post_in_xml_replies_in_the_specification_shape(client, stray, api_key):
    response = post(client, "xml", **valid(api_key))
    assert response.status_code == 200
    root = xml_root(response.content)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert [child.tag for child in request] == [
        "service_request_id",
        "service_notice",
        "account_id",
    ]
    assert request.find("account_id").text is None
    assert ServiceRequest.objects.filter(public_id=request.findtext("service_request_id")).exists()


def test_an_application_that_wants_a_token_gets_one_and_exchanges_it(client, stray, jurisdiction):
    _app, key = open311.client_issue(name="Batch", contact="x", actor=None, reply_with_token=True)
    reply = post(client, **valid(key)).json()[0]
    assert set(reply) == {"token", "service_notice", "account_id"}
    exchanged = client.get(f"{BASE}/tokens/{reply['token']}.json").json()
    request = ServiceRequest.objects.get()
    assert exchanged == [{"service_request_id": str(request.public_id), "token": reply["token"]}]
    root = xml_root(client.get(f"{BASE}/tokens/{reply['token']}.xml").content)
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == str(request.public_id)
    missing = client.get(f"{BASE}/tokens/{'0' * 32}.json")
    assert missing.status_code == 404 and errors_json(missing)[0]["code"] == 404


def test_post_by_address_string(client, stray, api_key):
    response = post(
        client,
        api_key=api_key,
        service_code="stray-animal",
        address_string="12 Chapel Street",
        **{"attribute[kind]": "cat"},
    )
    assert response.status_code == 200, response.content
    assert ServiceRequest.objects.get().neighborhood.slug == "westside"


# --- POST: refusals, nothing stored -------------------------------------------------------------


def refused(client, fmt="json", expected=400, **data):
    before = (ServiceRequest.objects.count(), Open311Submission.objects.count())
    notifications = Notification.objects.count()
    audit = AuditEntry.objects.filter(action="service_requests.request.submitted").count()
    response = post(client, fmt, **data)
    assert response.status_code == expected, response.content
    assert (ServiceRequest.objects.count(), Open311Submission.objects.count()) == before
    assert Notification.objects.count() == notifications
    assert AuditEntry.objects.filter(action="service_requests.request.submitted").count() == audit
    return errors_json(response) if fmt == "json" else errors_xml(response)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_404(client, stray, api_key, fmt):
    items = refused(client, fmt, 404, **valid(api_key, service_code="unicorns"))
    assert items[0]["code"] == 404 and "service_code" in items[0]["description"]


def test_a_missing_service_code_is_400(client, stray, api_key):
    items = refused(client, **valid(api_key, service_code=""))
    assert "service_code" in items[0]["description"]


def test_attributes_of_the_wrong_type_are_each_reported(client, stray, api_key):
    items = refused(
        client,
        **valid(
            api_key,
            **{
                "attribute[kind]": "dragon",
                "attribute[count]": "several",
                "attribute[seen_at]": "last tuesday-ish",
                "attribute[signs][]": ["loose", "flying"],
                "attribute[colour]": "brown\nand white",
                "attribute[nonsense]": "x",
            },
        ),
    )
    descriptions = " | ".join(item["description"] for item in items)
    for expected in (
        "attribute[kind]",
        "attribute[count]",
        "attribute[seen_at]",
        "attribute[signs]",
        "attribute[colour]",
        "attribute[nonsense]",
    ):
        assert expected in descriptions
    assert {item["code"] for item in items} == {400}
    assert "(attribute_type)" in descriptions and "(attribute_choice)" in descriptions


def test_a_required_attribute_missing_is_400(client, stray, api_key):
    data = valid(api_key)
    del data["attribute[kind]"]
    items = refused(client, **data)
    assert "attribute[kind]" in items[0]["description"]
    assert "(attribute_required)" in items[0]["description"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_place_outside_the_town_is_400(client, stray, api_key, fmt):
    items = refused(client, fmt, **valid(api_key, lat=OUTSIDE[0], long=OUTSIDE[1]))
    assert "lat/long" in items[0]["description"] and "(location_outside)" in items[0]["description"]


def test_a_house_number_the_street_does_not_have_is_400_naming_the_address(client, stray, api_key):
    Street.objects.filter(name="Chapel Street").update(number_from=1, number_to=199)
    data = valid(api_key, lat="", long="", address_string="420 Chapel Street")
    items = refused(client, **data)
    description = items[0]["description"]
    assert "address_string" in description and "(address_number_outside)" in description
    assert "1\u2013199" in description


def test_no_location_at_all_is_400(client, stray, api_key):
    items = refused(client, **valid(api_key, lat="", long=""))
    assert "address_string" in items[0]["description"]


def test_an_address_id_alone_is_400(client, stray, api_key):
    items = refused(client, **valid(api_key, lat="", long="", address_id="545483"))
    assert "address_id" in items[0]["description"]


def test_a_bad_media_url_is_reported_with_the_other_refusals(client, stray, api_key):
    items = refused(
        client, **valid(api_key, media_url="javascript:alert(1)", email="not-an-address")
    )
    descriptions = " | ".join(item["description"] for item in items)
    assert "media_url" in descriptions and "email" in descriptions


def test_a_callback_service_without_contact_is_400(client, bite, api_key):
    data = valid(api_key, service_code="animal-bite")
    del data["attribute[kind]"]
    items = refused(client, **data)
    assert "(contact_required)" in items[0]["description"]


def test_errors_come_in_the_language_asked(client, stray, api_key):
    response = client.post(
        f"{BASE}/requests.json", valid(api_key, service_code=""), HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 400
    assert errors_json(response)[0]["description"] == "No se indicó service_code."
    english = client.post(f"{BASE}/requests.json", valid(api_key, service_code=""))
    assert errors_json(english)[0]["description"] == "service_code was not provided."


# --- GET requests -------------------------------------------------------------------------------


def submit(**extra):
    data = {
        "service_code": "stray-animal",
        "attributes": {"kind": "dog", "colour": "Brown, lives at 42 Elm"},
        "lat": INSIDE_WEST[0],
        "long": INSIDE_WEST[1],
        "contact": {"first_name": "Jo", "email": "jo@example.org", "phone": "555-0199"},
        "description": "A brown dog",
    }
    data.update(extra)
    return services.request_submit(**data)


def test_requests_list_has_every_specification_field(client, stray, jurisdiction):
    request = submit()
    body = client.get(f"{BASE}/requests.json").json()
    assert len(body) == 1
    item = body[0]
    assert list(item) == [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ]
    assert item["service_request_id"] == str(request.public_id)
    assert item["status"] == "open"
    assert item["agency_responsible"] == request.division.name
    requested = dt.datetime.fromisoformat(item["requested_datetime"])
    assert requested == request.requested_at.replace(microsecond=0)
    assert item["requested_datetime"][-6] in "+-"  # an explicit UTC offset (W3C)


def test_requests_list_in_xml(client, stray, jurisdiction):
    request = submit()
    root = xml_root(client.get(f"{BASE}/requests.xml").content)
    assert root.tag == "service_requests"
    item = root.find("request")
    assert item.findtext("service_request_id") == str(request.public_id)
    assert item.findtext("status") == "open"
    assert item.find("zipcode").text is None


def test_no_contact_nor_tracking_code_in_any_output(client, stray, bite, jurisdiction, api_key):
    request = submit()
    bitten = submit(
        service_code="animal-bite",
        attributes={},
        lat="41.771234",
        long="-72.691234",
        description="At 42 Elm Street, the Smiths' dog",
    )
    outputs = []
    for fmt in ("json", "xml"):
        outputs += [
            client.get(f"{BASE}/requests.{fmt}", {"extensions": "true"}).content,
            client.get(f"{BASE}/requests/{request.public_id}.{fmt}?extensions=true").content,
            client.get(f"{BASE}/requests/{bitten.public_id}.{fmt}?extensions=true").content,
        ]
    for content in outputs:
        text = content.decode()
        for secret in (
            "jo@example.org",
            "555-0199",
            ">Jo<",
            '"Jo"',
            request.short_code,
            bitten.short_code,
            "42 Elm",
            "41.771234",
            "-72.691234",
        ):
            assert secret not in text


def test_a_sensitive_service_shows_only_the_coarse_place(client, bite, jurisdiction):
    bitten = submit(
        service_code="animal-bite",
        attributes={},
        address="42 Chapel Street",
        lat="41.771234",
        long="-72.691234",
        description="At the Smiths'",
    )
    item = client.get(f"{BASE}/requests/{bitten.public_id}.json?extensions=true").json()[0]
    assert item["lat"] == float(bitten.public_lat) and item["long"] == float(bitten.public_long)
    assert item["lat"] != 41.771234
    assert item["address"] == "Chapel Street"
    assert item["description"] is None
    assert item["extended_attributes"]["location_coarsened"] is True


def test_extensions_only_when_asked(client, stray, jurisdiction):
    request = submit(attributes={"kind": "dog", "signs": ["loose"], "colour": "brown"})
    plain = client.get(f"{BASE}/requests/{request.public_id}.json").json()[0]
    assert "extended_attributes" not in plain
    extended = client.get(f"{BASE}/requests/{request.public_id}.json?extensions=true").json()[0]
    extra = extended["extended_attributes"]
    assert extra["status_detail"] == "open" and extra["neighborhood"] == "westside"
    assert extra["answers"] == [  # no free text
        {"code": "kind", "value": "dog"},
        {"code": "signs", "value": ["loose"]},
    ]
    root = xml_root(client.get(f"{BASE}/requests/{request.public_id}.xml?extensions=true").content)
    assert root.findtext("request/extended_attributes/neighborhood") == "westside"
    answers = root.findall("request/extended_attributes/answers/answer")
    assert [a.findtext("code") for a in answers] == ["kind", "signs"]
    assert [k.text for k in answers[1].findall("value/key")] == ["loose"]


def test_status_filter_maps_our_statuses_to_open_and_closed(client, stray, jurisdiction):
    first = submit()
    second = submit()
    services.request_transition(service_request=second, to_status="in_progress", actor=None)
    closed = submit()
    services.request_transition(
        service_request=closed, to_status="closed", actor=None, reason="resolved"
    )
    opened = {
        r["service_request_id"] for r in client.get(f"{BASE}/requests.json?status=open").json()
    }
    assert opened == {str(first.public_id), str(second.public_id)}
    shut = client.get(f"{BASE}/requests.json?status=closed").json()
    assert [r["service_request_id"] for r in shut] == [str(closed.public_id)]
    assert shut[0]["status"] == "closed" and shut[0]["status_notes"]
    both = client.get(f"{BASE}/requests.json?status=open,closed").json()
    assert len(both) == 3
    declared_twice = client.get(f"{BASE}/requests.json?status=open&status=closed").json()
    assert len(declared_twice) == 3
    bad = client.get(f"{BASE}/requests.json?status=pending")
    assert bad.status_code == 400 and errors_json(bad)[0]["code"] == 400


def test_ids_override_every_other_filter(client, stray, jurisdiction):
    first, second, _third = submit(), submit(), submit()
    ids = f"{first.public_id},{second.public_id}"
    body = client.get(f"{BASE}/requests.json", {"service_request_id": ids, "status": "closed"})
    assert {r["service_request_id"] for r in body.json()} == {
        str(first.public_id),
        str(second.public_id),
    }


def test_date_window_defaults_to_ninety_days(client, stray, jurisdiction):
    with time_machine.travel(timezone.now() - dt.timedelta(days=100)):
        old = submit()
    recent = submit()
    body = client.get(f"{BASE}/requests.json").json()
    assert [r["service_request_id"] for r in body] == [str(recent.public_id)]
    start = (timezone.now() - dt.timedelta(days=110)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - dt.timedelta(days=95)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = client.get(f"{BASE}/requests.json", {"start_date": start, "end_date": end}).json()
    assert [r["service_request_id"] for r in body] == [str(old.public_id)]


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"end_date": "2026-13-45T00:00:00Z"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
    ],
)
def test_malformed_or_too_wide_dates_are_400(client, stray, jurisdiction, params):
    response = client.get(f"{BASE}/requests.xml", params)
    assert response.status_code == 400
    assert errors_xml(response)[0]["code"] == 400


def test_service_code_filter(client, stray, bite, jurisdiction):
    submit()
    bitten = submit(service_code="animal-bite", attributes={})
    body = client.get(f"{BASE}/requests.json?service_code=animal-bite").json()
    assert [r["service_request_id"] for r in body] == [str(bitten.public_id)]
    both = client.get(f"{BASE}/requests.json?service_code=animal-bite&service_code=stray-animal")
    assert len(both.json()) == 2


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_is_404(client, stray, jurisdiction, fmt):
    for identifier in ("00000000-0000-0000-0000-000000000000", "not-an-id"):
        response = client.get(f"{BASE}/requests/{identifier}.{fmt}")
        assert response.status_code == 404
        items = errors_json(response) if fmt == "json" else errors_xml(response)
        assert items[0]["code"] == 404


@pytest.mark.parametrize(
    "query", ["", "?extensions=true", "?status=open&service_code=stray-animal"]
)
def test_requests_list_costs_the_same_queries_with_more_rows(
    client, stray, jurisdiction, django_assert_max_num_queries, query
):
    submit()
    with django_assert_max_num_queries(8) as few:
        client.get(f"{BASE}/requests.json{query}")
    for _ in range(6):
        submit()
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(f"{BASE}/requests.xml{query}").content
    assert body.count(b"<request>") == 7


# --- CORS ---------------------------------------------------------------------------------------


def test_reads_allow_any_origin(client, stray, jurisdiction):
    for path in ("services.json", "services/stray-animal.xml", "requests.json"):
        response = client.get(f"{BASE}/{path}", HTTP_ORIGIN="https://civic.example.org")
        assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        f"{BASE}/requests.json",
        HTTP_ORIGIN="https://civic.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in preflight["Access-Control-Allow-Methods"]


def test_posts_carry_no_cors_header(client, stray, api_key):
    for data in (valid(api_key), valid(api_key, service_code="nope"), {"service_code": "x"}):
        response = client.post(
            f"{BASE}/requests.json", data, HTTP_ORIGIN="https://civic.example.org"
        )
        assert "Access-Control-Allow-Origin" not in response


# --- In the OpenAPI schema ----------------------------------------------------------------------


def test_the_open311_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for expected in (
        "/open311/discovery.json",
        "/open311/v2/services.xml",
        "/open311/v2/services/{service_code}.json",
        "/open311/v2/requests/{service_request_id}.xml",
        "/open311/v2/tokens/{token}.json",
    ):
        assert expected in paths, list(paths)
    assert set(paths["/open311/v2/requests.json"]) == {"get", "post"}
    post_body = paths["/open311/v2/requests.json"]["post"]["requestBody"]["content"]
    assert "application/x-www-form-urlencoded" in post_body


def test_a_refusal_found_after_the_request_was_written_rolls_it_back(client, stray, api_key):
    """request_submit accepts everything here; only the media URL is refused, after the
    request, its history, audit entry and outbox rows were written: all of it goes."""
    items = refused(client, **valid(api_key, media_url="ftp://x", email="ok@example.org"))
    assert [item["description"].split(":")[0] for item in items] == ["media_url"]


def test_reads_are_throttled_per_address_and_refused_in_the_error_format(
    client, stray, jurisdiction, monkeypatch
):
    rates = {**throttling.AnonRateThrottle.THROTTLE_RATES, "anon": "2/minute"}
    monkeypatch.setattr(throttling.AnonRateThrottle, "THROTTLE_RATES", rates)
    assert client.get(f"{BASE}/services.json").status_code == 200
    assert client.get(f"{BASE}/services.xml").status_code == 200
    refused = client.get(f"{BASE}/services.xml")
    assert refused.status_code == 429
    assert errors_xml(refused)[0]["code"] == 429
    assert refused["Access-Control-Allow-Origin"] == "*"


def test_other_methods_and_content_types_are_refused_in_the_error_format(client, stray, api_key):
    wrong_method = client.delete(f"{BASE}/services.xml")
    assert wrong_method.status_code == 405 and errors_xml(wrong_method)[0]["code"] == 405
    as_json = client.post(
        f"{BASE}/requests.json",
        json.dumps(valid(api_key)),
        content_type="application/json",
    )
    assert as_json.status_code == 415 and errors_json(as_json)[0]["code"] == 415
    assert ServiceRequest.objects.count() == 0


def test_the_suffix_chooses_the_format_whatever_accept_says(client, stray, jurisdiction):
    response = client.get(f"{BASE}/services.xml", HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    spanish = client.get(f"{BASE}/services.json", {"locale": "es"})
    assert spanish.json()[0]["service_name"] == "Animal suelto o herido"


def test_a_control_character_in_a_description_does_not_break_the_xml(client, stray, jurisdiction):
    submit(description="Dog by the gate\x0b\x01 again")
    response = client.get(f"{BASE}/requests.xml")
    root = xml_root(response.content)
    assert root.findtext("request/description") == "Dog by the gate again"
    assert "\x0b" in client.get(f"{BASE}/requests.json").json()[0]["description"]


def test_post_with_a_point_and_an_address_keeps_both_and_takes_one_key_as_a_list(
    client, stray, api_key
):
    response = post(
        client,
        **valid(api_key, address_string="120 Chapel Street", **{"attribute[signs]": "loose"}),
    )
    assert response.status_code == 200, response.content
    request = ServiceRequest.objects.get()
    assert request.address == "120 Chapel Street" and request.lat is not None
    assert request.attributes["signs"] == ["loose"]
    item = client.get(f"{BASE}/requests/{request.public_id}.json").json()[0]
    assert item["address"] == "100\u2013199 Chapel Street"
