"""Fees: the statutory cap on copies, waivers with a reason."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from records.models import FeeScheduleItem
from records.selectors import fees_settled, fees_total
from records.services import fee_add, fee_schedule_validate, fee_waive
from tests.factories import UserFactory
from tests.records.factories import FeeScheduleItemFactory, RecordRequestFactory
from tests.support.errors import raises_domain

pytestmark = pytest.mark.django_db


def test_copies_may_cost_fifty_cents_a_page_and_not_a_cent_more():
    fee_schedule_validate(item=FeeScheduleItemFactory.build(amount=Decimal("0.50")))
    with pytest.raises(ValidationError) as refused:
        fee_schedule_validate(item=FeeScheduleItemFactory.build(amount=Decimal("0.51")))
    assert "amount" in refused.value.message_dict


def test_the_cap_does_not_apply_to_flat_fees_that_are_not_copies():
    fee_schedule_validate(
        item=FeeScheduleItemFactory.build(
            unit=FeeScheduleItem.Unit.FLAT, is_copy=False, amount=Decimal("25.00")
        )
    )


def test_a_schedule_changed_behind_admins_back_is_still_capped_when_charging():
    item = FeeScheduleItemFactory()
    FeeScheduleItem.objects.filter(pk=item.pk).update(amount=Decimal("1.00"))
    item.refresh_from_db()
    with raises_domain("above_fee_cap"):
        fee_add(record_request=RecordRequestFactory(), item=item, quantity=3, actor=None)


def test_per_page_fees_multiply_and_flat_fees_do_not():
    record_request = RecordRequestFactory()
    fee_add(record_request=record_request, item=FeeScheduleItemFactory(), quantity=7, actor=None)
    flat = FeeScheduleItemFactory(
        unit=FeeScheduleItem.Unit.FLAT, is_copy=False, amount=Decimal("16.00")
    )
    fee_add(record_request=record_request, item=flat, quantity=3, actor=None)
    assert fees_total(record_request=record_request) == Decimal("19.50")


def test_a_waiver_needs_a_reason_and_settles_the_fee():
    record_request = RecordRequestFactory()
    fee = fee_add(
        record_request=record_request, item=FeeScheduleItemFactory(), quantity=4, actor=None
    )
    assert not fees_settled(record_request=record_request)
    with raises_domain("waiver_reason"):
        fee_waive(fee=fee, actor=UserFactory(), reason=" ")
    fee_waive(fee=fee, actor=UserFactory(), reason="Victim of the incident")
    assert fees_settled(record_request=record_request)
