import pytest

from tests.factories import DivisionFactory, NeighborhoodFactory

pytestmark = pytest.mark.django_db


def test_openapi_schema_describes_the_public_endpoints(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/neighborhoods/" in schema["paths"]
    assert "/api/v1/contacts/" in schema["paths"]


def test_api_docs_are_served_from_our_own_origin(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
    assert b"cdn." not in response.content


def test_neighborhoods_endpoint_lists_coordinators(client):
    neighborhood = NeighborhoodFactory(name="North End", slug="north-end")
    body = client.get("/api/v1/neighborhoods/").json()
    assert body["count"] == 1
    assert body["results"][0]["coordinator"]["name"] == neighborhood.coordinator.name
    assert client.get("/api/v1/neighborhoods/north-end/").status_code == 200


def test_contacts_endpoint_is_read_only(client):
    DivisionFactory()
    assert client.get("/api/v1/contacts/").json()["count"] == 1
    assert client.post("/api/v1/contacts/", {"name": "x"}).status_code in (401, 403, 405)
