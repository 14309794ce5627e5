"""Fingerprinting slots: capacity holds when two residents take the last place at once."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from records.models import FingerprintSlot, RecordRequest, RequestKind
from records.services import appointment_cancel, appointment_reschedule, request_submit
from tests.records.factories import FingerprintSlotFactory


def _book(slot_id: int, email: str) -> RecordRequest:
    return request_submit(
        kind=RequestKind.FINGERPRINTING,
        requester_name="Resident",
        requester_email=email,
        details={"purpose": "employment"},
        slot_id=slot_id,
    )


@pytest.mark.django_db(transaction=True)
def test_two_residents_taking_the_last_place_at_once_get_one_booking(on_postgresql):
    slot = FingerprintSlotFactory(capacity=1)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def take(n: int) -> None:
        try:
            barrier.wait()
            _book(slot.pk, f"resident{n}@example.org")
            outcomes.append("booked")
        except ValidationError as error:
            outcomes.append(error.domain_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked", "slot_full"]
    slot.refresh_from_db()
    assert slot.booked == 1
    assert RecordRequest.objects.filter(slot=slot).count() == 1


@pytest.mark.django_db
def test_rescheduling_gives_the_old_place_back_and_cancelling_frees_it():
    first = FingerprintSlotFactory(capacity=1)
    second = FingerprintSlotFactory(capacity=1, starts_at=first.starts_at + timedelta(hours=1))
    booking = _book(first.pk, "dana@example.org")
    appointment_reschedule(record_request=booking, slot_id=second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.booked, second.booked) == (0, 1)
    appointment_cancel(record_request=booking)
    second.refresh_from_db()
    assert second.booked == 0
    booking.refresh_from_db()
    assert booking.closure_reason == "withdrawn"


@pytest.mark.django_db
def test_a_past_slot_cannot_be_booked():
    from django.utils import timezone

    past = FingerprintSlotFactory(starts_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationError) as refused:
        _book(past.pk, "late@example.org")
    assert refused.value.domain_code == "slot_gone"
    assert FingerprintSlot.objects.get(pk=past.pk).booked == 0
