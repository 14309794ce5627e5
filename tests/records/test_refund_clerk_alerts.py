"""The records clerks are e-mailed (through the outbox, in the staff language, once) when a
refund needs one of them: beat gave up asking Stripe (flagged), or Stripe reports that a refund
it made failed (the card's bank sent it back). Against the local stand-in of Stripe."""

import pytest
from django.utils import translation

from portal import roles
from portal.models import Notification
from records.models import RecordsSettings
from records.services.refunds import payment_refund
from tests.records.refunds_support import REASON, deliver, paid, stalled

pytestmark = pytest.mark.django_db
SUPERVISOR = "records.supervisor@example.org"


def _staff_alerts(prefix: str) -> list[Notification]:
    return list(Notification.objects.filter(dedupe_key__startswith=prefix).order_by("recipient"))


@pytest.fixture
def supervisor():
    settings_row = RecordsSettings.get_solo()
    settings_row.supervisor_email = SUPERVISOR
    settings_row.save()
    return SUPERVISOR


def test_flagged_refund_is_mailed_to_its_clerk_and_the_supervisor_once(
    client, stripe, clerk, settings, supervisor
):
    refund = stalled(client, stripe, clerk, settings)
    messages = _staff_alerts("records:refund-stalled:")
    assert sorted(m.recipient for m in messages) == sorted([clerk.email, SUPERVISOR])
    for message in messages:
        assert message.language == "en"
        assert refund.payment.request.tracking_number in message.subject
        assert str(refund.key) in message.body and "$2.00" in message.body
        assert f"/admin/records/recordrequest/{refund.payment.request.pk}/change/" in message.body
        assert REASON not in message.subject


def test_flagged_refund_without_clerk_or_supervisor_address_goes_to_the_records_clerks(
    client, stripe, clerk, settings, user_in_role
):
    other = user_in_role(roles.RECORDS_CLERKS, username="rosa")
    user_in_role(roles.TIP_INVESTIGATORS, username="ivy")
    clerk.email = ""
    clerk.save(update_fields=["email"])
    stalled(client, stripe, clerk, settings)
    assert [m.recipient for m in _staff_alerts("records:refund-stalled:")] == [other.email]


def test_refund_reversed_by_stripe_is_mailed_to_the_clerks_once(client, stripe, clerk, supervisor):
    payment = paid(client, stripe)
    refund = payment_refund(actor=clerk, payment=payment, reason=REASON)
    stripe.fail_refund(refund.provider_refund_id, reason="lost_or_stolen_card")
    for kind in ("refund.updated", "refund.failed", "refund.failed"):
        deliver(client, stripe.refund_event(kind, refund.provider_refund_id))
    messages = _staff_alerts("records:refund-reversed:")
    assert sorted(m.recipient for m in messages) == sorted([clerk.email, SUPERVISOR])
    for message in messages:
        assert message.language == "en"
        assert payment.request.tracking_number in message.subject
        assert "lost_or_stolen_card" in message.body and "$2.00" in message.body


def test_failed_dashboard_refund_is_mailed_to_the_supervisor(client, stripe, clerk, supervisor):
    payment = paid(client, stripe)
    made = stripe.dashboard_refund("pi_test_1", 50)
    deliver(client, stripe.refunded_event("pi_test_1"))
    stripe.fail_refund(made["id"])
    deliver(client, stripe.refund_event("refund.failed", made["id"]))
    [message] = _staff_alerts("records:refund-reversed:")
    assert message.recipient == SUPERVISOR and made["id"] in message.body
    assert payment.request.tracking_number in message.subject


def test_staff_alert_is_translated(client, stripe, clerk, supervisor):
    """Staff read English, but the strings go through the catalogs like any other."""
    with translation.override("es"):
        payment = paid(client, stripe)
        refund = payment_refund(actor=clerk, payment=payment, reason=REASON)
        stripe.fail_refund(refund.provider_refund_id)
        deliver(client, stripe.refund_event("refund.failed", refund.provider_refund_id))
    [message, *_] = _staff_alerts("records:refund-reversed:")
    assert message.language == "en" and "did not reach" in message.body
