import pytest
from cryptography.fernet import Fernet

from tests.service_requests.factories import (
    EAST,
    WEST,
    AttributeFactory,
    NeighborhoodFactory,
    ServiceFactory,
    StreetFactory,
    with_choices,
)


@pytest.fixture(autouse=True)
def _photo_root(settings, tmp_path):
    """Each test keeps its photos in its own directory, and contacts under a key of its own."""
    settings.SERVICE_REQUESTS_FILE_ROOT = tmp_path / "sr-photos"
    settings.SERVICE_REQUESTS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]


@pytest.fixture
def town(db):
    """Two neighborhoods with boundaries, and a street in each."""
    west = NeighborhoodFactory(name="Westside", slug="westside", boundary=WEST)
    east = NeighborhoodFactory(name="Eastside", slug="eastside", boundary=EAST)
    StreetFactory(name="Chapel Street", neighborhood=west)
    StreetFactory(name="Main Street", neighborhood=east)
    return {"west": west, "east": east}


@pytest.fixture
def stray(town):
    """The injured or stray animal service with a question of every datatype."""
    service = ServiceFactory(
        code="stray-animal",
        name_en="Stray or injured animal",
        name_es="Animal suelto o herido",
        emergency_note_en="Call 911 if the animal is attacking someone.",
        emergency_note_es="Llame al 911 si el animal está atacando a alguien.",
        target_value=1,
        target_unit="hours",
    )
    with_choices(
        AttributeFactory(
            service=service, code="kind", datatype="singlevaluelist", required=True, order=1
        ),
        "dog",
        "cat",
        "wildlife",
    )
    with_choices(
        AttributeFactory(service=service, code="signs", datatype="multivaluelist", order=2),
        "injured",
        "loose",
        "aggressive",
    )
    AttributeFactory(service=service, code="count", datatype="number", order=3)
    AttributeFactory(service=service, code="seen_at", datatype="datetime", order=4)
    AttributeFactory(service=service, code="colour", datatype="string", order=5)
    AttributeFactory(service=service, code="more", datatype="text", order=6)
    return service


@pytest.fixture
def bite(town):
    """A sensitive service that needs a call back, with a target in business days."""
    return ServiceFactory(
        code="animal-bite",
        name_en="Animal bite",
        name_es="Mordedura de animal",
        callback_required=True,
        sensitive_location=True,
        target_value=2,
        target_unit="business_days",
    )


@pytest.fixture
def clerk_staff(user_in_role):
    """An animal control officer."""
    from portal import roles

    return user_in_role(roles.ANIMAL_CONTROL_OFFICERS, username="ace")
