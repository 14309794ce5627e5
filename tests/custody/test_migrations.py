"""The period the custody settings held moves to the retention page, not back to a default."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portal.models import AuditEntry, RetentionPolicy

BEFORE = [("custody", "0001_initial")]
AFTER = [("custody", "0002_retention_period_to_policy")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_the_custody_settings_period_becomes_the_policy_of_bookings_and_visits():
    old = _migrate(BEFORE)
    try:
        # An installation from before bookings were a kind: no policy for them yet.
        RetentionPolicy.objects.filter(key="custody.custodyrecord").delete()
        RetentionPolicy.objects.update_or_create(key="custody.visitrequest", defaults={"days": 30})
        old.get_model("custody", "CustodySettings").objects.create(retention_days=10)
    finally:
        _migrate(AFTER)
    days = dict(RetentionPolicy.objects.values_list("key", "days"))
    assert (days["custody.custodyrecord"], days["custody.visitrequest"]) == (10, 10)
    changes = AuditEntry.objects.filter(action="portal.retentionpolicy.changed")
    assert {(e.detail["kind"], e.detail["after"]["days"]) for e in changes} == {
        ("custody.custodyrecord", 10),
        ("custody.visitrequest", 10),
    }
