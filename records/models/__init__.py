"""Records and report requests: the request, its timeline, messages, files, fees and
fingerprinting slots. Rules live in records/services/, reads in records/selectors.py.

One module per concern:
- `requests`: the request (`RecordRequest`), its timeline and its messages;
- `documents`: encrypted files (`Document`), redactions, release packets and record-check
  letters, and the private storage they live in;
- `personnel`: notices to employees under C.G.S. §1-214 (`EmployeeNotice`);
- `fees`: the fee schedule and a request's fees;
- `appointments`: the fingerprinting calendar (`FingerprintSlot`);
- `settings`: the Records Division's settings (`RecordsSettings`);
- `payments`: online payments (Stripe Checkout), their webhook events and refunds.

Every model and the request's choices are importable from here (`from records.models import
RecordRequest`), and the models keep the app label `records`, so migrations see no change.
"""

# isort: off
# Imported in the order the models were declared when they shared one module, so Django
# registers them (content types, permissions, dumps) in the same order as before.
from records.choices import ClosureReason, RequestKind, Status
from records.models.requests import Message, RecordRequest, TimelineEntry
from records.models.documents import (
    Document,
    PrivateStorage,
    RecordCheckLetter,
    Redaction,
    ReleasePacket,
    private_storage,
)
from records.models.personnel import EmployeeNotice
from records.models.fees import Fee, FeeScheduleItem
from records.models.appointments import FingerprintSlot
from records.models.settings import RecordsSettings
from records.models.payments import Payment, PaymentEvent, PaymentRefund

# isort: on

__all__ = [
    "ClosureReason",
    "Document",
    "EmployeeNotice",
    "Fee",
    "FeeScheduleItem",
    "FingerprintSlot",
    "Message",
    "Payment",
    "PaymentEvent",
    "PaymentRefund",
    "PrivateStorage",
    "RecordCheckLetter",
    "RecordRequest",
    "RecordsSettings",
    "Redaction",
    "ReleasePacket",
    "RequestKind",
    "Status",
    "TimelineEntry",
    "private_storage",
]
