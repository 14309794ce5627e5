"""A permit holder's e-mail and mobile are cleared 90 days after the permit's last night, the
permit itself kept for two years; a held permit keeps both."""

import datetime
import zoneinfo

import pytest
import time_machine

from parking.models import Permit
from portal import roles
from portal.models import AuditEntry
from portal.services import retention
from tests.factories import UserFactory
from tests.parking.factories import PermitFactory

pytestmark = pytest.mark.django_db

ZONE = zoneinfo.ZoneInfo("America/New_York")
LAST_NIGHT = datetime.date(2026, 11, 23)


def _noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=ZONE)


def test_contact_details_are_cleared_after_90_days_and_the_permit_after_two_years():
    permit = PermitFactory(last_night=LAST_NIGHT, mobile="860-555-0100")
    with time_machine.travel(_noon(LAST_NIGHT + datetime.timedelta(days=89)), tick=False):
        retention.retention_purge()
    permit.refresh_from_db()
    assert (permit.email, permit.mobile) == ("holder@example.org", "860-555-0100")
    with time_machine.travel(_noon(LAST_NIGHT + datetime.timedelta(days=90)), tick=False):
        report = retention.retention_purge()
    assert report.rows == {"parking.permit_contact": 1}
    permit.refresh_from_db()
    assert (permit.email, permit.mobile) == ("", "")
    with time_machine.travel(_noon(LAST_NIGHT + datetime.timedelta(days=91)), tick=False):
        assert retention.retention_purge().rows == {}  # cleared rows are not counted again
    with time_machine.travel(_noon(LAST_NIGHT + datetime.timedelta(days=730)), tick=False):
        assert retention.retention_purge().rows == {"parking.permit": 1}
    assert not Permit.objects.filter(pk=permit.pk).exists()
    counts = AuditEntry.objects.filter(action="portal.retention.purged").values_list(
        "detail__kind", "detail__count"
    )
    assert sorted(counts) == [("parking.permit", 1), ("parking.permit_contact", 1)]


def test_a_held_permit_keeps_its_contact_details():
    permit = PermitFactory(last_night=LAST_NIGHT)
    admin = UserFactory(roles=[roles.SITE_ADMINISTRATORS])
    retention.legal_hold_place(
        actor=admin, kind_key="parking.permit", case=permit.code, reason="Towing dispute"
    )
    with time_machine.travel(_noon(LAST_NIGHT + datetime.timedelta(days=800)), tick=False):
        assert retention.retention_purge().rows == {}
    permit.refresh_from_db()
    assert permit.email == "holder@example.org"
