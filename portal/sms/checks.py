"""System check: a Twilio backend without what it needs fails `check` (and `check --deploy`)
instead of failing every message at 3 a.m."""

from django.conf import settings
from django.core.checks import Error

TWILIO_BACKEND = "portal.sms.TwilioSMSBackend"


def check_sms_config(app_configs=None, **kwargs) -> list[Error]:
    if settings.SMS_BACKEND != TWILIO_BACKEND:
        return []
    missing = [
        name for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN") if not getattr(settings, name)
    ]
    if not (settings.TWILIO_MESSAGING_SERVICE_SID or settings.TWILIO_FROM):
        missing.append("TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM")
    if not missing:
        return []
    return [
        Error(
            f"SMS_BACKEND is Twilio but {', '.join(missing)} is not set.",
            hint="See docs/operations.md, Text messages (Twilio).",
            id="portal.E120",
        )
    ]
