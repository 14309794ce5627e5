"""A refund that needs a clerk (flagged by beat, or failed after Stripe made it) is marked as
dealt with by a clerk, with a note: it leaves the queue's filter "refunds → Need a clerk", the
audit log says who and why, and the request's page shows it. Once; refused for a refund that
needs nothing."""

import pytest

from portal import roles
from portal.models import AuditEntry
from records.models import PaymentRefund
from records.services.refunds import payment_refund, refund_dealt_with
from tests.records.refunds_support import REASON, deliver, paid, stalled
from tests.support.errors import raises_domain

pytestmark = pytest.mark.django_db
NOTE = "Mailed a check for $2.00 on Dec 8 (check 10421)."
NEED_A_CLERK = "/admin/records/recordrequest/?refund=attention"


def _reversed(client, stripe, clerk) -> PaymentRefund:
    payment = paid(client, stripe)
    refund = payment_refund(actor=clerk, payment=payment, reason=REASON)
    stripe.fail_refund(refund.provider_refund_id)
    deliver(client, stripe.refund_event("refund.failed", refund.provider_refund_id))
    refund.refresh_from_db()
    assert refund.state == PaymentRefund.State.FAILED
    return refund


def _dealt_with_url(refund: PaymentRefund) -> str:
    return (
        f"/admin/records/recordrequest/{refund.payment.request.pk}/refund/{refund.pk}/dealt-with/"
    )


def test_clerk_marks_a_reversed_refund_dealt_with_and_it_leaves_the_filter(client, stripe, clerk):
    refund = _reversed(client, stripe, clerk)
    number = refund.payment.request.tracking_number
    client.force_login(clerk)
    page = client.get(f"/admin/records/recordrequest/{refund.payment.request.pk}/change/")
    assert _dealt_with_url(refund) in page.content.decode()
    assert number in client.get(NEED_A_CLERK).content.decode()
    response = client.post(_dealt_with_url(refund), {"note": NOTE})
    assert response.status_code == 302
    refund.refresh_from_db()
    assert (refund.dealt_with_by, refund.dealt_with_note) == (clerk, NOTE)
    assert refund.dealt_with_at is not None
    assert number not in client.get(NEED_A_CLERK).content.decode()
    [audit] = AuditEntry.objects.filter(action="records.payment.refund_dealt_with")
    assert audit.actor == clerk and audit.detail["note"] == NOTE
    assert audit.detail["refund"] == str(refund.key)
    page = client.get(f"/admin/records/recordrequest/{refund.payment.request.pk}/change/")
    assert NOTE in page.content.decode() and _dealt_with_url(refund) not in page.content.decode()


def test_stalled_refund_marked_dealt_with_leaves_the_filter(client, stripe, clerk, settings):
    refund = stalled(client, stripe, clerk, settings)
    refund_dealt_with(actor=clerk, refund=refund, note=NOTE)
    client.force_login(clerk)
    assert refund.payment.request.tracking_number not in client.get(NEED_A_CLERK).content.decode()
    refund.refresh_from_db()
    assert refund.state == PaymentRefund.State.PENDING  # a resend still records Stripe's answer


def test_marking_dealt_with_twice_records_it_once(client, stripe, clerk):
    refund = _reversed(client, stripe, clerk)
    refund_dealt_with(actor=clerk, refund=refund, note=NOTE)
    again = refund_dealt_with(actor=clerk, refund=refund, note="Another note.")
    assert again.dealt_with_note == NOTE
    assert AuditEntry.objects.filter(action="records.payment.refund_dealt_with").count() == 1


def test_a_note_is_required(client, stripe, clerk):
    refund = _reversed(client, stripe, clerk)
    with raises_domain("refund_note"):
        refund_dealt_with(actor=clerk, refund=refund, note="  ")
    client.force_login(clerk)
    response = client.post(_dealt_with_url(refund), {"note": ""})
    assert response.status_code == 200
    refund.refresh_from_db()
    assert refund.dealt_with_at is None


def test_a_refund_that_needs_nothing_is_refused(client, stripe, clerk):
    payment = paid(client, stripe)
    refund = payment_refund(actor=clerk, payment=payment, reason=REASON)
    assert refund.state == PaymentRefund.State.ISSUED
    with raises_domain("refund_needs_nothing"):
        refund_dealt_with(actor=clerk, refund=refund, note=NOTE)
    refund.refresh_from_db()
    assert refund.dealt_with_at is None


def test_staff_who_may_not_refund_may_not_mark_it(client, stripe, clerk, user_in_role):
    refund = _reversed(client, stripe, clerk)
    other = user_in_role(roles.TIP_INVESTIGATORS, username="ivy")
    with raises_domain("forbidden"):
        refund_dealt_with(actor=other, refund=refund, note=NOTE)
    client.force_login(other)
    assert client.post(_dealt_with_url(refund), {"note": NOTE}).status_code == 403
    refund.refresh_from_db()
    assert refund.dealt_with_at is None
