"""The neighborhoods page: the map drawn from stored boundaries, and the address search
(portal/maps.py, kept beside the programs tests because this issue added them)."""

import pytest

from portal import maps
from portal.models import Neighborhood
from tests.factories import NeighborhoodFactory, StreetFactory

pytestmark = pytest.mark.django_db


def _box(west, south, east, north):
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.mark.parametrize(
    ("typed", "street"),
    [
        ("42 Chapel Street", "chapel street"),
        ("42b chapel st., Apt 3", "chapel street"),
        ("7-9 Mercer Ave", "mercer avenue"),
        ("calle chapel", "chapel street"),
        ("Woodlawn Cir", "woodlawn circle"),
    ],
)
def test_street_name_is_read_from_what_a_resident_types(typed, street):
    assert maps.street_name_from_address(typed) == street


def test_address_search_names_the_neighborhood(client):
    north = NeighborhoodFactory(name="North End", slug="north-end")
    StreetFactory(name="Chapel Street", neighborhood=north)
    page = client.get("/neighborhoods/", {"address": "42 chapel st."}).content.decode()
    assert "Chapel Street is in <strong>North End</strong>." in page
    assert 'href="/neighborhoods/north-end/"' in page
    spanish = client.get("/es/neighborhoods/", {"address": "42 chapel st."}).content.decode()
    assert "Chapel Street está en <strong>North End</strong>." in spanish


def test_address_search_offers_close_streets_or_says_it_found_none(client):
    StreetFactory(name="Mill Street")
    StreetFactory(name="Mill Pond Road")
    page = client.get("/neighborhoods/", {"address": "12 Mill"}).content.decode()
    assert "Did you mean one of these streets?" in page
    assert "Mill Street" in page and "Mill Pond Road" in page
    none = client.get("/neighborhoods/", {"address": "1 Nowhere Lane"}).content.decode()
    assert "We could not find the street" in none


def test_map_is_svg_drawn_from_the_boundaries_with_a_text_alternative(client):
    NeighborhoodFactory(name="West", boundary=_box(-72.66, 41.75, -72.64, 41.77))
    NeighborhoodFactory(name="East", boundary=_box(-72.64, 41.75, -72.60, 41.77))
    NeighborhoodFactory(name="No boundary yet")
    town = maps.town_map(list(Neighborhood.objects.all()))
    shapes = {shape.neighborhood.name: shape for shape in town.shapes}
    assert set(shapes) == {"West", "East"}
    west, east = shapes["West"], shapes["East"]
    assert west.label_x < east.label_x  # west is drawn on the left
    page = client.get("/neighborhoods/").content.decode()
    assert page.count("<path d=") == 2
    assert 'role="img" aria-labelledby="map-title map-desc"' in page
    assert "The town divided into 2 neighborhoods." in page
    assert "<iframe" not in page and "tile" not in page
