"""Text messages through Twilio's library, against a local stand-in of its REST API, and its
signed webhooks (status reports, inbound STOP/START)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from twilio.request_validator import RequestValidator

from portal.links import absolute_url
from portal.models import Notification, SmsKeyword, SmsOptOut
from portal.services.notifications import notification_deliver, notification_enqueue
from portal.sms.services import number_normalize, sms_cost_fetch, sms_costs_owed
from tests.support.twilio import ACCOUNT_SID, AUTH_TOKEN, twilio_configured

pytestmark = pytest.mark.django_db

NUMBER = "+18605550134"


@pytest.fixture
def twilio(settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 5
    with twilio_configured(settings) as stand_in:
        yield stand_in


def _text(recipient=NUMBER, body="Your permit is approved.") -> Notification:
    return notification_enqueue(channel="sms", recipient=recipient, body=body)


def _sent(twilio, django_capture_on_commit_callbacks, recipient=NUMBER) -> Notification:
    with django_capture_on_commit_callbacks(execute=True):
        notification = _text(recipient)
    notification.refresh_from_db()
    return notification


def _post(client, name, fields, *, token=AUTH_TOKEN, signature=None):
    url = absolute_url(reverse(name))
    fields = {"AccountSid": ACCOUNT_SID, **fields}
    if signature is None:
        signature = RequestValidator(token).compute_signature(url, fields)
    return client.post(reverse(name), fields, HTTP_X_TWILIO_SIGNATURE=signature)


def _status(client, sid, status, **extra):
    return _post(client, "sms-status", {"MessageSid": sid, "MessageStatus": status, **extra})


# --- Sending ------------------------------------------------------------------------------------


def test_message_is_sent_through_the_api_and_its_id_kept(
    twilio, django_capture_on_commit_callbacks
):
    notification = _sent(twilio, django_capture_on_commit_callbacks, recipient="(860) 555-0134")
    assert notification.status == Notification.Status.SENT
    [request] = twilio.requests
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    [message] = twilio.messages.values()
    assert message["to"] == NUMBER  # what the resident typed, as E.164
    assert message["from"] == "+18605550100"
    assert message["body"] == "Your permit is approved."
    assert message["status_callback"] == absolute_url(reverse("sms-status"))
    assert notification.provider_id == message["sid"]
    assert notification.provider_status == "queued"


@pytest.mark.parametrize("status,code", [(503, 20500), (429, 20429), (401, 20003)])
def test_outage_throttling_and_bad_keys_are_retried(twilio, status, code):
    twilio.fail_next(status, code, "try later")
    notification = _text()
    result = notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert result.retry_in is not None
    assert notification.status == Notification.Status.PENDING
    assert notification.attempts == 1
    assert f"Twilio {status}" in notification.last_error
    assert twilio.messages == {}


def test_a_retry_after_an_outage_sends_it_once(twilio):
    twilio.fail_next(500, 20500, "Internal Server Error")
    notification = _text()
    notification_deliver(notification_id=notification.pk)
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=notification.created_at)
    assert notification_deliver(notification_id=notification.pk).sent
    assert notification_deliver(notification_id=notification.pk).sent is False
    assert len(twilio.messages) == 1


def test_unreachable_provider_is_retried(twilio, settings):
    settings.TWILIO_API_BASE = "http://127.0.0.1:9"  # discard port: nothing listens
    notification = _text()
    result = notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert result.retry_in is not None
    assert "unreachable" in notification.last_error


def test_invalid_number_fails_at_once_without_retries(twilio):
    twilio.fail_next(400, 21211, "The 'To' number is not a valid phone number.")
    notification = _text()
    result = notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert result.retry_in is None
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 1
    assert "21211" in notification.last_error


def test_text_that_is_no_number_fails_without_asking_the_provider(twilio):
    notification = _text(recipient="call me")
    notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert twilio.requests == []


def test_provider_saying_unsubscribed_records_the_opt_out(twilio):
    twilio.fail_next(400, 21610, "Attempt to send to unsubscribed recipient")
    notification = _text()
    notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.provider_status == "opted-out"
    assert SmsOptOut.objects.get(number=NUMBER).opted_out


def test_numbers_are_normalised_to_e164(settings):
    assert number_normalize("860-555-0134") == NUMBER
    assert number_normalize("1 (860) 555 0134") == NUMBER
    assert number_normalize("+44 20 7946 0958") == "+442079460958"
    assert number_normalize("0044 20 7946 0958") == "+442079460958"
    assert number_normalize("555") == ""
    assert number_normalize("") == ""


# --- Status callbacks ---------------------------------------------------------------------------


def test_delivery_report_is_recorded(twilio, client, django_capture_on_commit_callbacks):
    notification = _sent(twilio, django_capture_on_commit_callbacks)
    assert _status(client, notification.provider_id, "sent").status_code == 204
    assert _status(client, notification.provider_id, "delivered").status_code == 204
    notification.refresh_from_db()
    assert notification.provider_status == "delivered"
    assert notification.provider_status_at is not None


def test_late_sent_after_delivered_does_not_move_it_back(
    twilio, client, django_capture_on_commit_callbacks
):
    notification = _sent(twilio, django_capture_on_commit_callbacks)
    _status(client, notification.provider_id, "delivered")
    _status(client, notification.provider_id, "sent")
    _status(client, notification.provider_id, "queued")
    notification.refresh_from_db()
    assert notification.provider_status == "delivered"


def test_replayed_final_report_changes_nothing(twilio, client, django_capture_on_commit_callbacks):
    notification = _sent(twilio, django_capture_on_commit_callbacks)
    _status(client, notification.provider_id, "undelivered", ErrorCode="30003")
    notification.refresh_from_db()
    first_at = notification.provider_status_at
    _status(client, notification.provider_id, "undelivered", ErrorCode="30003")
    _status(client, notification.provider_id, "delivered")
    notification.refresh_from_db()
    assert (notification.provider_status, notification.provider_error) == ("undelivered", "30003")
    assert notification.provider_status_at == first_at


@pytest.mark.parametrize(
    "signature",
    ["", "not-a-signature", RequestValidator("another-token").compute_signature("x", {})],
)
def test_status_report_with_a_bad_signature_is_refused(
    twilio, client, django_capture_on_commit_callbacks, signature
):
    notification = _sent(twilio, django_capture_on_commit_callbacks)
    fields = {"MessageSid": notification.provider_id, "MessageStatus": "delivered"}
    assert _post(client, "sms-status", fields, signature=signature).status_code == 403
    notification.refresh_from_db()
    assert notification.provider_status == "queued"


def test_report_signed_with_another_token_is_refused(
    twilio, client, django_capture_on_commit_callbacks
):
    notification = _sent(twilio, django_capture_on_commit_callbacks)
    fields = {"MessageSid": notification.provider_id, "MessageStatus": "failed"}
    assert _post(client, "sms-status", fields, token="stolen-guess").status_code == 403
    notification.refresh_from_db()
    assert notification.provider_status == "queued"


def test_report_whose_fields_were_altered_is_refused(
    twilio, client, django_capture_on_commit_callbacks
):
    notification = _sent(twilio, django_capture_on_commit_callbacks)
    url = absolute_url(reverse("sms-status"))
    signed = {"AccountSid": ACCOUNT_SID, "MessageSid": notification.provider_id}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(
        url, {**signed, "MessageStatus": "sent"}
    )
    response = client.post(
        reverse("sms-status"),
        {**signed, "MessageStatus": "failed"},
        HTTP_X_TWILIO_SIGNATURE=signature,
    )
    assert response.status_code == 403


def test_webhooks_refuse_everything_without_a_token(twilio, client, settings):
    settings.TWILIO_AUTH_TOKEN = ""
    fields = {"MessageSid": "SM1", "From": NUMBER, "Body": "STOP"}
    response = _post(
        client,
        "sms-inbound",
        fields,
        signature=RequestValidator("").compute_signature(
            absolute_url(reverse("sms-inbound")), {"AccountSid": ACCOUNT_SID, **fields}
        ),
    )
    assert response.status_code == 403
    assert not SmsOptOut.objects.exists()


def test_report_for_an_unknown_message_is_accepted_and_ignored(twilio, client):
    assert _status(client, "SM" + "f" * 32, "delivered").status_code == 204


# --- Cost ---------------------------------------------------------------------------------------


def test_cost_on_the_report_is_kept(twilio, client, django_capture_on_commit_callbacks):
    notification = _sent(twilio, django_capture_on_commit_callbacks)
    _status(client, notification.provider_id, "delivered", Price="-0.00790", PriceUnit="USD")
    notification.refresh_from_db()
    assert (notification.cost, notification.cost_currency) == (Decimal("0.00790"), "USD")


def test_cost_is_read_from_the_message_once_final(
    twilio, client, django_capture_on_commit_callbacks
):
    notification = _sent(twilio, django_capture_on_commit_callbacks)
    twilio.price(notification.provider_id, "-0.01580")
    with django_capture_on_commit_callbacks(execute=True):
        _status(client, notification.provider_id, "delivered")
    notification.refresh_from_db()
    assert notification.cost == Decimal("0.01580")
    fetches = [r for r in twilio.requests if r["method"] == "GET"]
    assert len(fetches) == 1
    assert sms_cost_fetch(notification_id=notification.pk) is False  # kept: not asked again
    assert len([r for r in twilio.requests if r["method"] == "GET"]) == 1


def test_price_not_yet_set_is_left_for_the_sweep(
    twilio, client, django_capture_on_commit_callbacks, time_machine
):
    notification = _sent(twilio, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        _status(client, notification.provider_id, "delivered")
    notification.refresh_from_db()
    assert notification.cost is None
    time_machine.move_to(
        notification.provider_status_at + __import__("datetime").timedelta(minutes=11)
    )
    assert sms_costs_owed() == [notification.pk]
    twilio.price(notification.provider_id, "-0.00790")
    assert sms_cost_fetch(notification_id=notification.pk) is True
    assert sms_costs_owed() == []


# --- Opt-out keywords ---------------------------------------------------------------------------


def _inbound(client, body, sid="SM" + "a" * 32, number="+1 860 555 0134"):
    return _post(client, "sms-inbound", {"MessageSid": sid, "From": number, "Body": body})


@pytest.mark.parametrize("keyword", ["STOP", "stop", " Parar ", "UNSUBSCRIBE", "quit"])
def test_opt_out_keyword_is_stored(twilio, client, keyword):
    response = _inbound(client, keyword)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    record = SmsOptOut.objects.get(number=NUMBER)
    assert record.opted_out
    assert record.keyword == keyword.strip().upper()


def test_spanish_keyword_is_answered_in_spanish(twilio, client):
    response = _inbound(client, "PARAR")
    assert "START" in response.content.decode()
    assert "mensajes" in response.content.decode()


def test_ordinary_reply_changes_nothing(twilio, client):
    response = _inbound(client, "Please stop parking on my street")
    assert response.status_code == 200
    assert not SmsOptOut.objects.exists()
    assert "<Message>" not in response.content.decode()


def test_send_after_stop_is_refused_and_recorded(
    twilio, client, django_capture_on_commit_callbacks
):
    _inbound(client, "STOP")
    notification = _sent(twilio, django_capture_on_commit_callbacks, recipient="860-555-0134")
    assert notification.status == Notification.Status.FAILED
    assert notification.provider_status == "opted-out"
    assert "STOP" in notification.last_error
    assert twilio.requests == []  # the provider was never asked


def test_start_opts_back_in(twilio, client, django_capture_on_commit_callbacks):
    _inbound(client, "STOP", sid="SM" + "1" * 32)
    _inbound(client, "START", sid="SM" + "2" * 32)
    assert not SmsOptOut.objects.get(number=NUMBER).opted_out
    notification = _sent(twilio, django_capture_on_commit_callbacks)
    assert notification.status == Notification.Status.SENT


def test_replayed_stop_after_start_does_not_opt_out_again(twilio, client):
    _inbound(client, "STOP", sid="SM" + "1" * 32)
    _inbound(client, "UNSTOP", sid="SM" + "2" * 32)
    replay = _inbound(client, "STOP", sid="SM" + "1" * 32)
    assert replay.status_code == 200
    assert not SmsOptOut.objects.get(number=NUMBER).opted_out
    assert SmsKeyword.objects.count() == 2


def test_inbound_stop_with_a_bad_signature_is_refused(twilio, client):
    response = _post(
        client,
        "sms-inbound",
        {"MessageSid": "SM1", "From": NUMBER, "Body": "STOP"},
        signature="forged",
    )
    assert response.status_code == 403
    assert not SmsOptOut.objects.exists()


def test_webhooks_answer_only_post(twilio, client):
    assert client.get(reverse("sms-inbound")).status_code == 405


# --- The back office ----------------------------------------------------------------------------


def test_site_administrators_see_opt_outs_and_cannot_edit_them(client, twilio, user_in_role):
    from portal import roles

    _inbound(client, "STOP")
    client.force_login(user_in_role(roles.SITE_ADMINISTRATORS))
    page = client.get("/admin/portal/smsoptout/")
    assert page.status_code == 200
    assert NUMBER in page.content.decode()
    record = SmsOptOut.objects.get()
    assert client.get(f"/admin/portal/smsoptout/{record.pk}/delete/").status_code == 403
    assert client.get("/admin/portal/smsoptout/add/").status_code == 403


def test_outbox_list_shows_the_provider_status_and_cost(
    client, twilio, user_in_role, django_capture_on_commit_callbacks
):
    from portal import roles

    notification = _sent(twilio, django_capture_on_commit_callbacks)
    _status(client, notification.provider_id, "delivered", Price="-0.00790", PriceUnit="USD")
    client.force_login(user_in_role(roles.SITE_ADMINISTRATORS))
    page = client.get("/admin/portal/notification/").content.decode()
    assert "delivered" in page and "0.00790" in page


# --- resident_notify: the kernel's "the way they chose" -------------------------------------------


def test_resident_notify_follows_the_choice_and_falls_back_to_e_mail():
    from portal.contact import resident_notify

    common = {"subject": "Update", "body": "Long text", "text": "Short text", "language": "en"}
    texted = resident_notify(channel="sms", email="a@example.org", phone=NUMBER, **common)
    assert (texted.channel, texted.recipient, texted.body) == ("sms", NUMBER, "Short text")
    no_phone = resident_notify(channel="sms", email="a@example.org", phone=" ", **common)
    assert (no_phone.channel, no_phone.body) == ("email", "Long text")
    mailed = resident_notify(channel="email", email="a@example.org", phone=NUMBER, **common)
    assert mailed.channel == "email"
    assert resident_notify(channel="sms", email="", phone="", **common) is None


def test_resident_notify_dedupes_each_channel():
    from portal.contact import resident_notify

    common = {"subject": "Update", "body": "Long", "text": "Short", "language": "en"}
    for _ in range(2):
        resident_notify(channel="sms", phone=NUMBER, dedupe_key="case:1:closed", **common)
        resident_notify(
            channel="email", email="a@example.org", dedupe_key="case:1:closed", **common
        )
    assert Notification.objects.count() == 2


@pytest.mark.parametrize("keyword,expected", [("HELP", "Reply STOP"), ("ayuda", "Responda PARAR")])
def test_help_is_answered_and_changes_nothing(twilio, client, keyword, expected):
    response = _inbound(client, keyword)
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not SmsOptOut.objects.exists()
    assert not SmsKeyword.objects.exists()
