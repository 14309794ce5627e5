"""The demo: fictional people (a juvenile and a confidential one that never show), visiting
information in both languages, slots; the home page's service card."""

import pytest
from django.utils import translation

from custody import selectors
from custody.demo import load_demo
from custody.models import CustodyRecord, CustodySettings, VisitSlot
from portal import registry

pytestmark = pytest.mark.django_db


def test_the_demo_loads_twice_as_once_and_hides_the_juvenile_and_the_confidential():
    load_demo()
    load_demo()
    assert CustodyRecord.objects.count() == 6
    shown = {r.booking_number for r in selectors.custody_search(last_name="Rivera")}
    assert shown == {"EB-26-0101", "EB-26-0102"}
    assert VisitSlot.objects.count() == 12  # two weekends, three a day


def test_the_visiting_information_reads_in_the_active_language():
    load_demo()
    settings = CustodySettings.get_solo()
    with translation.override("es"):
        assert settings.visiting_hours.startswith("Sábados")
    with translation.override("en"):
        assert settings.visiting_hours.startswith("Saturday")


def test_the_home_page_has_a_custody_card(client):
    assert "custody" in {service.key for service in registry.services.all()}
    assert b'href="/custody/"' in client.get("/").content
