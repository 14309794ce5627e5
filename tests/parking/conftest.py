import datetime

import pytest
import time_machine

from parking.models import ParkingRules
from portal.models import DepartmentSettings
from tests.factories import StreetFactory

# Monday 23 November 2026, 10:00 in Eastbrook (15:00 UTC): tonight is the night of the 23rd
# for residents asking; officers on the street are still in the night of the 22nd.
NOW = datetime.datetime(2026, 11, 23, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def department(db):
    department = DepartmentSettings.get_solo()
    department.time_zone = "America/New_York"
    department.save()
    return department


@pytest.fixture
def rules(db, department):
    return ParkingRules.get_solo()


@pytest.fixture
def street(db):
    return StreetFactory(name="Chapel Street")


@pytest.fixture
def officer(parking_officer):
    return parking_officer


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
