"""Labels for the records pages."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

TIMELINE_LABELS = {
    "submit": _("Request received"),
    "acknowledge": _("Acknowledged: we are working on it"),
    "start": _("Work started"),
    "submit_for_review": _("Sent for review"),
    "approve": _("Ready for release"),
    "await_requester": _("Waiting for you"),
    "resume": _("Work resumed"),
    "close": _("Closed"),
    "requester_message": _("You sent a message"),
    "clerk_message": _("The Records Division wrote to you"),
    "reschedule": _("Appointment moved"),
    "extend": _("Due date moved"),
    "assign": _("Assigned to a clerk"),
    "fee": _("Fee added"),
    "fee_waived": _("Fee waived"),
    "paid": _("Payment received"),
    "partial_payment": _("Part of the fees paid online"),
    "refund": _("Payment refunded"),
    "refund_failed": _("Refund did not reach your card"),
    "payment_reopened": _("Fees due again after a refund"),
    "deemed_denied": _("Deadline passed without an answer"),
    "release": _("Documents released"),
}


@register.filter
def timeline_label(action: str) -> str:
    return TIMELINE_LABELS.get(action, action)


@register.filter
def absolute(value: int) -> int:
    return abs(value)
