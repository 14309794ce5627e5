"""`check` refuses a Twilio backend without its keys, and half a Stripe configuration."""

from portal.sms.checks import check_sms_config
from records.checks import check_payment_config


def test_twilio_backend_without_keys_fails_the_check(settings):
    settings.SMS_BACKEND = "portal.sms.TwilioSMSBackend"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC1", ""
    settings.TWILIO_FROM = settings.TWILIO_MESSAGING_SERVICE_SID = ""
    [error] = check_sms_config()
    assert error.id == "portal.E120"
    assert "TWILIO_AUTH_TOKEN" in error.msg and "TWILIO_FROM" in error.msg
    settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM = "token", "+18605550100"
    assert check_sms_config() == []


def test_console_backend_needs_nothing(settings):
    settings.SMS_BACKEND = "portal.sms.ConsoleSMSBackend"
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    assert check_sms_config() == []


def test_half_a_stripe_configuration_fails_the_check(settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_live_x", ""
    assert [e.id for e in check_payment_config()] == ["records.E010"]
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    assert check_payment_config() == []
    settings.DEBUG, settings.STRIPE_SECRET_KEY = False, "sk_test_x"
    assert [e.id for e in check_payment_config()] == ["records.W011"]
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    assert check_payment_config() == []
