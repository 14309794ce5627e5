"""Text messages: the backends (`SMS_BACKEND`), delivery from the outbox, provider callbacks and
opt-out keywords. The rules are in `portal/sms/services.py`; the webhooks in `views.py`."""

from portal.sms.backends import (
    ConsoleSMSBackend,
    LocmemSMSBackend,
    SMSPermanentError,
    SMSReceipt,
    SMSTemporaryError,
    TwilioSMSBackend,
)

__all__ = [
    "ConsoleSMSBackend",
    "LocmemSMSBackend",
    "SMSPermanentError",
    "SMSReceipt",
    "SMSTemporaryError",
    "TwilioSMSBackend",
]
