"""The demo: loading it twice leaves one copy of everything."""

import pytest
from django.core.management import call_command

from records.models import FeeScheduleItem, FingerprintSlot, RecordRequest, Status

pytestmark = pytest.mark.django_db


def test_demo_loads_a_queue_in_many_states_and_loading_again_changes_nothing():
    call_command("demo_setup", verbosity=0)
    counts = (
        RecordRequest.objects.count(),
        FingerprintSlot.objects.count(),
        FeeScheduleItem.objects.count(),
    )
    assert counts[0] >= 5 and counts[1] > 0 and counts[2] >= 3
    assert len(set(RecordRequest.objects.values_list("status", flat=True))) >= 4
    assert RecordRequest.objects.filter(status=Status.AWAITING_REQUESTER).exists()
    call_command("demo_setup", verbosity=0)
    assert (
        RecordRequest.objects.count(),
        FingerprintSlot.objects.count(),
        FeeScheduleItem.objects.count(),
    ) == counts
