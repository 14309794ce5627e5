"""Service requests' figures on the transparency page: counted per service and per
neighborhood, on time against each request's expected time, merged duplicates left out, and
published through the kernel's suppression like every figure set."""

import datetime as dt

import pytest
from django.utils import timezone

from portal import figures
from portal.localtime import department_zone
from portal.registry import FigurePeriod, figure_sets
from service_requests import services
from service_requests.figures import figure_tables
from service_requests.models import ServiceRequest

pytestmark = pytest.mark.django_db


def closed(count, *, late, where=("41.770000", "-72.690000")):
    made = []
    for _ in range(count):
        request = services.request_submit(
            service_code="stray-animal", attributes={"kind": "dog"}, lat=where[0], long=where[1]
        )
        made.append(request)
    now = timezone.now()
    expected = now - dt.timedelta(hours=1) if late else now + dt.timedelta(hours=1)
    ServiceRequest.objects.filter(pk__in=[r.pk for r in made]).update(
        status="closed", close_reason="resolved", closed_at=now, expected_at=expected
    )
    return made


def today_period():
    today = timezone.localdate()
    return FigurePeriod(start=today - dt.timedelta(days=30), end=today)


def test_on_time_and_late_per_service_and_neighborhood(stray):
    closed(6, late=False)
    closed(5, late=True, where=("41.770000", "-72.670000"))
    duplicate = closed(1, late=True)[0]
    ServiceRequest.objects.filter(pk=duplicate.pk).update(
        merged_into=ServiceRequest.objects.exclude(pk=duplicate.pk).first()
    )
    by_service, by_place = figure_tables(today_period())
    assert by_service.rows[0][1:] == [6, 5, 55]  # on time, late, rate (%)
    assert by_service.rows[-1][0] == "Total"
    places = {row[0]: row[1:] for row in by_place.rows}
    assert places["Westside"] == [6, 0, 100]
    assert places["Eastside"] == [0, 5, 0]


def test_small_counts_are_withheld_when_published(stray):
    closed(2, late=False)
    closed(6, late=True)
    published = figures.publish(figure_tables(today_period())[0])
    texts = [cell.text for cell in published.rows[0].cells]
    assert texts[0] == "<5"
    assert "2" not in texts


def test_the_set_is_registered_and_empty_without_closed_requests(stray):
    assert "service_requests" in {figure_set.key for figure_set in figure_sets.all()}
    services.request_submit(
        service_code="stray-animal", attributes={"kind": "dog"}, lat="41.770000", long="-72.690000"
    )
    assert figure_tables(today_period()) == []


def test_the_period_bounds_the_count_in_four_queries(stray, django_assert_num_queries):
    closed(2, late=False)
    closed(1, late=True)
    before = closed(3, late=False)
    ServiceRequest.objects.filter(pk__in=[r.pk for r in before]).update(
        closed_at=timezone.now() - dt.timedelta(days=40)
    )
    department_zone()  # the department's settings, read (and made) once
    with django_assert_num_queries(4):
        by_service, by_place = figure_tables(today_period())
    assert by_service.rows[0][1:] == [2, 1, 67]
    assert by_place.rows == [["Westside", 2, 1, 67], ["Total", 2, 1, 67]]
