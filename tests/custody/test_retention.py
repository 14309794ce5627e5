"""Released bookings are purged by the kernel's hourly purge (beat's
`portal.tasks.retention_purge`; custody has no purge of its own): the period is the one the
retention page sets for "custody.custodyrecord" (30 days by default), a legal hold keeps a
booking, and the purge deletes under the same advisory lock as a hold placement, audited as the
kernel's purge audits. Visit requests follow their own kind's period."""

import datetime

import pytest
from django.utils import timezone

from custody.models import CustodyRecord, VisitRequest
from portal import registry, roles
from portal.models import AuditEntry
from portal.services import retention
from portal.tasks import retention_purge as retention_purge_task
from tests.custody.factories import booking, slot
from tests.factories import UserFactory
from tests.support.retention import run_while_the_lock_is_held

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_local_noon")]

KIND = "custody.custodyrecord"
KINDS = (KIND, "custody.visitrequest")


def _purge() -> int:
    """The kernel's purge of every kind, as beat runs it; how many rows of custody's kinds went."""
    report = retention.retention_purge()
    return sum(report.rows.get(key, 0) for key in KINDS)


def _released(number, days_ago):
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    return booking(
        number,
        booked_at=(moment - datetime.timedelta(days=1)).isoformat(),
        released_at=moment.isoformat(),
    )


def _numbers() -> set[str]:
    return set(CustodyRecord.objects.values_list("booking_number", flat=True))


def _set_period(key: str, days: int, enabled: bool = True) -> None:
    admin = UserFactory(roles=[roles.SITE_ADMINISTRATORS])
    policy = retention.policy_for(retention.kind_get(key))
    retention.retention_policy_update(actor=admin, policy=policy, days=days, enabled=enabled)


def test_bookings_are_a_holdable_kind_of_the_kernel_with_a_30_day_default():
    kind = retention.kind_get(KIND)
    assert kind.model == "custody.CustodyRecord" and kind.default_days == 30
    assert KIND in {kind.key for kind in retention.holdable_kinds()}


def test_the_kernels_beat_task_purges_bookings_released_before_the_default_period():
    _released("EB-OLD", 31)
    _released("EB-NEW", 29)
    booking("EB-IN")  # still held at the lock-up: never due
    retention_purge_task.delay().get()
    assert _numbers() == {"EB-NEW", "EB-IN"}


def test_the_period_set_on_the_retention_page_is_the_one_custody_purges_by():
    _set_period(KIND, 90)
    _released("EB-31", 31)
    _released("EB-91", 91)
    assert _purge() == 1
    assert _numbers() == {"EB-31"}


def test_a_kind_whose_purge_is_turned_off_keeps_its_bookings():
    _set_period(KIND, 30, enabled=False)
    _released("EB-OLD", 400)
    assert _purge() == 0
    assert _numbers() == {"EB-OLD"}


def test_a_held_booking_is_never_deleted_until_the_hold_is_lifted():
    admin = UserFactory(roles=[roles.SITE_ADMINISTRATORS])
    _released("EB-HELD", 400)
    _released("EB-FREE", 400)
    hold = retention.legal_hold_place(
        actor=admin, kind_key=KIND, case="EB-HELD", reason="Civil rights claim 26-204"
    )
    assert _purge() == 1
    assert _numbers() == {"EB-HELD"}
    assert _purge() == 0
    retention.legal_hold_lift(actor=admin, hold=hold, reason="Claim withdrawn")
    assert _purge() == 1
    assert _numbers() == set()


def test_the_purge_is_audited_as_the_kernels_purge_with_counts_and_no_content():
    _set_period(KIND, 90)
    _released("EB-OLD", 100)
    assert _purge() == 1
    entry = AuditEntry.objects.get(action="portal.retention.purged")
    assert entry.actor is None and entry.actor_label == "retention"
    assert (entry.detail["kind"], entry.detail["count"], entry.detail["days"]) == (KIND, 1, 90)
    assert "EB-OLD" not in str(entry.detail) and "Rivera" not in str(entry.detail)


def test_purging_twice_is_purging_once():
    _released("EB-OLD", 400)
    assert _purge() == 1
    assert _purge() == 0
    assert AuditEntry.objects.filter(action="portal.retention.purged").count() == 1


def test_custodys_kinds_are_purged_by_the_kernels_hourly_beat_run(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["retention-purge"]
    assert entry["task"] == "portal.tasks.retention_purge"
    assert entry["schedule"] <= 3600
    assert set(KINDS) <= {kind.key for kind in registry.retention_kinds.all()}


def test_visit_requests_follow_their_own_kinds_period():
    _set_period("custody.visitrequest", 10)
    old = slot(days=-11)
    recent = slot(days=-9)
    for chosen in (old, recent):
        VisitRequest.objects.create(slot=chosen, name="Sam", email="s@example.org", visiting="x")
    _purge()
    assert list(VisitRequest.objects.values_list("slot", flat=True)) == [recent.pk]


@pytest.mark.django_db(transaction=True)
def test_the_purge_of_bookings_waits_for_the_lock_a_hold_placement_takes(on_postgresql):
    _released("EB-OLD", 400)
    waited, outcome = run_while_the_lock_is_held(_purge)
    assert waited  # it did not delete while the lock was held
    assert outcome == {"value": 1}
    assert _numbers() == set()
