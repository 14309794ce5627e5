from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from records.models import FeeScheduleItem, FingerprintSlot, RecordRequest, RequestKind


class RecordRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecordRequest

    tracking_number = factory.Sequence(lambda n: f"R26-T{n:05d}")
    kind = RequestKind.POLICE_REPORT
    requester_name = "Dana Whitlock"
    requester_email = factory.Sequence(lambda n: f"resident{n}@example.org")
    language = "en"
    details = factory.LazyFunction(lambda: {"case_number": "26-001234"})
    received_at = factory.LazyFunction(timezone.now)
    sent_at = factory.LazyAttribute(lambda r: r.received_at)
    due_date = factory.LazyAttribute(lambda r: (r.received_at + timedelta(days=6)).date())


class FeeScheduleItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeScheduleItem

    name = "Copies"
    unit = FeeScheduleItem.Unit.PER_PAGE
    is_copy = True
    amount = Decimal("0.50")


class FingerprintSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FingerprintSlot

    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(minutes=20))
    capacity = 1
