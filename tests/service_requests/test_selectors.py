"""The reads other doors rely on: GeoReport's filters, the catalogue, duplicates, on-time."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.errors import DomainError
from portal.models import Street
from service_requests import selectors, services
from tests.factories import StreetFactory

pytestmark = pytest.mark.django_db


def make(when, **kwargs):
    defaults = {
        "service_code": "stray-animal",
        "attributes": {"kind": "dog"},
        "address": "42 Chapel Street",
        "requested_at": when,
    }
    defaults.update(kwargs)
    return services.request_submit(**defaults)


def test_request_list_filters_as_georeport_does(stray, bite, clerk_staff):
    now = dt.datetime.now(dt.UTC)
    old = make(now - dt.timedelta(days=120))
    recent = make(now - dt.timedelta(days=2))
    bitten = make(
        now - dt.timedelta(days=1),
        service_code="animal-bite",
        attributes={},
        contact={"phone": "8605550199"},
    )
    services.request_transition(
        service_request=recent, to_status="closed", actor=clerk_staff, reason="resolved"
    )
    assert list(selectors.request_list()) == [bitten, recent]  # the last 90 days
    assert list(selectors.request_list(service_codes=["animal-bite"])) == [bitten]
    assert list(selectors.request_list(status=["closed"])) == [recent]
    assert list(
        selectors.request_list(start=now - dt.timedelta(days=200), end=now - dt.timedelta(days=100))
    ) == [old]
    assert list(selectors.request_list(ids=[str(old.public_id), "not-a-uuid"])) == [old]
    assert len(selectors.request_list(limit=1)) == 1


def test_request_get_refuses_an_unknown_id(stray):
    with pytest.raises(DomainError) as caught:
        selectors.request_get(public_id="nope")
    assert caught.value.domain_code == "request_unknown"


def test_service_get_reads_questions_and_choices_in_three_queries(stray):
    with CaptureQueriesContext(connection) as queries:
        service = selectors.service_get(code="stray-animal")
        kinds = [
            (a.code, a.datatype, [v.key for v in a.values.all()]) for a in service.attributes.all()
        ]
    assert len(queries) == 3
    assert kinds[0] == ("kind", "singlevaluelist", ["dog", "cat", "wildlife"])
    with pytest.raises(DomainError) as caught:
        selectors.service_get(code="nothing")
    assert caught.value.domain_code == "service_unknown"


def test_duplicates_are_the_same_service_near_and_recent_and_open(stray, bite, clerk_staff):
    now = dt.datetime.now(dt.UTC)
    near = make(now - dt.timedelta(hours=5), address="", lat="41.770000", long="-72.690000")
    make(now - dt.timedelta(days=5), address="", lat="41.770000", long="-72.690000")  # too old
    make(now - dt.timedelta(hours=1), address="", lat="41.775000", long="-72.690000")  # too far
    found = selectors.request_possible_duplicates(
        service_code="stray-animal", lat=near.lat, long=near.long
    )
    assert found == [near]
    services.request_transition(
        service_request=near, to_status="closed", actor=clerk_staff, reason="resolved"
    )
    assert (
        selectors.request_possible_duplicates(
            service_code="stray-animal", lat=near.lat, long=near.long
        )
        == []
    )


def test_on_time_counts_closed_by_the_expected_time(stray, clerk_staff, town):
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)) as traveller:
        quick = make(dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC))
        late = make(dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC), address="7 Main Street")
        traveller.shift(dt.timedelta(minutes=30))
        services.request_transition(
            service_request=quick, to_status="closed", actor=clerk_staff, reason="resolved"
        )
        traveller.shift(dt.timedelta(hours=2))
        services.request_transition(
            service_request=late, to_status="closed", actor=clerk_staff, reason="resolved"
        )
    (row,) = selectors.on_time_by_service()
    assert (row.closed, row.on_time, row.rate) == (2, 1, 50.0)
    by_place = {r.label: r.rate for r in selectors.on_time_by_neighborhood()}
    assert by_place == {"Westside": 100.0, "Eastside": 0.0}


def test_the_on_time_page_figures_cost_five_queries_and_chart_each_list(stray, clerk_staff):
    services.request_transition(
        service_request=make(dt.datetime.now(dt.UTC)),
        to_status="closed",
        actor=clerk_staff,
        reason="resolved",
    )
    with CaptureQueriesContext(connection) as queries:
        figures = selectors.on_time_figures()
    assert len(queries) == 5
    assert figures["overall"].rate == 100.0
    assert 'data-for="by-service-heading"' in figures["service_chart"]
    assert 'data-for="by-neighborhood-heading"' in figures["neighborhood_chart"]


def test_street_suggestions_keep_the_house_number(client, stray):
    data = client.get("/requests/streets/", {"q": "42 chap"}).json()
    assert data["streets"][0] == {
        "label": "42 Chapel Street",
        "neighborhood": "Westside",
        "numbers": "",
    }


def test_street_suggestions_give_the_house_numbers_and_leave_out_streets_without_it(
    client, stray, town
):
    Street.objects.filter(name="Chapel Street").update(number_from=1, number_to=99)
    StreetFactory(name="Chapel Lane", neighborhood=town["west"], number_from=100, number_to=300)
    data = client.get("/requests/streets/", {"q": "150 chapel"}).json()
    assert data["streets"] == [
        {"label": "150 Chapel Lane", "neighborhood": "Westside", "numbers": "100\u2013300"}
    ]


def test_the_map_is_ours_and_marks_the_point(client, stray):
    response = client.get("/requests/map.svg", {"lat": "41.77", "long": "-72.69"})
    assert response["Content-Type"] == "image/svg+xml"
    body = response.content.decode()
    assert "<circle" in body and "Westside" in body and "http" not in body.split("xmlns")[1][40:]
