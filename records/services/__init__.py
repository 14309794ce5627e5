"""Records and report requests: every write and every rule, one module per concern.

- `lifecycle`: the statuses a request goes through (TRANSITIONS), its deadline under C.G.S.
  §1-206 and pausing the clock, assigning and extending;
- `intake`: taking a request, and the requester's lookup by number, e-mail and code;
- `links`: the signed tracking and download links;
- `messages`: between the requester and the clerks;
- `fees`: the fee schedule (capped by §1-212), charges, waivers, payment;
- `payments`: paying online (opening a Stripe Checkout Session); `payment_events`: what
  Stripe's events say of a payment, and the invoice settled by it; `stripe_provider`: Stripe
  itself (the client, its answers, reading its objects);
- `refunds`: a clerk refunding an online payment through Stripe (once, whatever is retried);
  `refund_retries`: beat asking Stripe again for a refund it did not answer; `refund_failures`:
  a refund that fails after Stripe made it;
- `webhooks`: Stripe's signed webhook, each event applied once by the module of its concern;
- `appointments`: fingerprinting times;
- `documents`: encrypted files, released documents and their download;
- `release`: redactions, the release packet with four eyes (PACKET_STEPS) and its build;
- `personnel`: records from employees' personnel files (C.G.S. §1-214): notice, objection;
- `letters`: record-check letters (prepared by one clerk, issued by another);
- `updates`: one submission of a request's page in the back office (`request_update`).
The rules and their legal source are in each module's docstring.

This package re-exports the functions the views, the admin, the jobs and the tasks call
(`from records import services; services.request_submit(...)`); helpers the modules share
stay in their module. Reads are in records/selectors.py.
"""

from records.services.appointments import appointment_cancel, appointment_reschedule, slots_repeat
from records.services.documents import (
    Upload,
    document_approve,
    document_for_download,
    document_for_staff,
    document_read,
    document_release,
)
from records.services.fees import (
    fee_add,
    fee_schedule_item_save,
    fee_schedule_validate,
    fee_waive,
    payment_record,
)
from records.services.intake import lookup_code_check, lookup_code_send, request_submit
from records.services.letters import letter_issue, letter_prepare, letter_revoke
from records.services.lifecycle import (
    OPEN,
    TRANSITIONS,
    WORKING,
    Action,
    allowed_actions,
    request_assign,
    request_extend,
    request_transition,
)
from records.services.links import (
    download_token,
    tracking_token,
    tracking_token_read,
)
from records.services.messages import message_from_clerk, message_from_requester
from records.services.payments import amount_due_online, payment_checkout_start
from records.services.personnel import (
    employee_notice_send,
    employee_objection_record,
    employee_objection_resolve,
    personnel_release_check,
)
from records.services.refunds import (
    NEEDS_CLERK,
    can_refund,
    payment_refund,
    refund_dealt_with,
    refundable_amount,
)
from records.services.release import (
    OTHER_STEPS,
    PACKET_STEPS,
    packet_approve,
    packet_build,
    packet_generate,
    packet_prepare,
    packet_steps,
    packets_requeue,
    redaction_add,
    redaction_for_term,
    redaction_remove,
    responsive_upload,
)
from records.services.stripe_provider import payments_enabled
from records.services.updates import request_update
from records.services.webhooks import payment_webhook_receive

__all__ = [
    "NEEDS_CLERK",
    "OPEN",
    "OTHER_STEPS",
    "PACKET_STEPS",
    "TRANSITIONS",
    "WORKING",
    "Action",
    "Upload",
    "allowed_actions",
    "amount_due_online",
    "appointment_cancel",
    "appointment_reschedule",
    "can_refund",
    "document_approve",
    "document_for_download",
    "document_for_staff",
    "document_read",
    "document_release",
    "download_token",
    "employee_notice_send",
    "employee_objection_record",
    "employee_objection_resolve",
    "fee_add",
    "fee_schedule_item_save",
    "fee_schedule_validate",
    "fee_waive",
    "letter_issue",
    "letter_prepare",
    "letter_revoke",
    "lookup_code_check",
    "lookup_code_send",
    "message_from_clerk",
    "message_from_requester",
    "packet_approve",
    "packet_build",
    "packet_generate",
    "packet_prepare",
    "packet_steps",
    "packets_requeue",
    "payment_checkout_start",
    "payment_record",
    "payment_refund",
    "payment_webhook_receive",
    "payments_enabled",
    "personnel_release_check",
    "redaction_add",
    "redaction_for_term",
    "redaction_remove",
    "refund_dealt_with",
    "refundable_amount",
    "request_assign",
    "request_extend",
    "request_submit",
    "request_transition",
    "request_update",
    "responsive_upload",
    "slots_repeat",
    "tracking_token",
    "tracking_token_read",
]
