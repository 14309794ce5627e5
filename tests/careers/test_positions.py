"""Positions close by date, hiring steps in order, the read-only API and its schema."""

from datetime import timedelta

import pytest
import time_machine

from careers.models import Position
from portal.localtime import local_today
from tests.careers.factories import HiringStepFactory, PositionFactory

pytestmark = pytest.mark.django_db


def test_a_position_leaves_the_open_list_the_day_after_its_closing_date(client):
    position = PositionFactory(closes_on=local_today() + timedelta(days=1))
    assert position.title in client.get("/careers/").content.decode()
    with time_machine.travel(timedelta(days=1)):
        assert position.title in client.get("/careers/").content.decode()  # the last day
    with time_machine.travel(timedelta(days=2)):
        page = client.get("/careers/").content.decode()
        assert position.title not in page
        assert "There are no open positions right now" in page
        detail = client.get(position.get_absolute_url()).content.decode()
        assert "This position is closed" in detail


def test_unpublished_positions_are_not_shown(client):
    position = PositionFactory(is_published=False)
    assert position.title not in client.get("/careers/").content.decode()
    assert client.get(position.get_absolute_url()).status_code == 404


def test_careers_page_is_in_spanish_with_the_spanish_titles(client):
    position = PositionFactory(kind=Position.Kind.CIVILIAN)
    HiringStepFactory(order=2, title_en="Polygraph", title_es="Polígrafo")
    HiringStepFactory(order=1, title_en="Written test", title_es="Examen escrito")
    page = client.get("/es/careers/").content.decode()
    assert position.title_es in page
    assert "Puesto civil" in page
    assert page.index("Examen escrito") < page.index("Polígrafo")


def test_position_page_shows_its_details(client):
    position = PositionFactory(salary_en="$60,000", requirements_en="21 or older")
    page = client.get(position.get_absolute_url()).content.decode()
    assert "$60,000" in page
    assert "21 or older" in page


def test_api_lists_only_open_positions_in_the_language_asked(client):
    open_position = PositionFactory()
    PositionFactory(closes_on=local_today() - timedelta(days=1))
    data = client.get("/api/v1/careers/positions/?lang=es").json()
    results = data["results"] if isinstance(data, dict) else data
    assert [item["slug"] for item in results] == [open_position.slug]
    assert results[0]["title"] == open_position.title_es
    detail = client.get(f"/api/v1/careers/positions/{open_position.slug}/")
    assert detail.status_code == 200


def test_api_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    assert "/api/v1/careers/positions/" in schema["paths"]
    assert "/api/v1/careers/positions/{slug}/" in schema["paths"]
