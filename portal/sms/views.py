"""Twilio's webhooks: delivery status reports and inbound messages (opt-out keywords).

Each request must carry a valid X-Twilio-Signature: an HMAC of the full address Twilio called
(PORTAL_BASE_URL + path) and the POSTed fields, keyed with TWILIO_AUTH_TOKEN, checked by the
library's RequestValidator. Anything else gets 403 and changes nothing. Without a token set,
every request is refused."""

import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from portal.handoff import after_commit
from portal.links import absolute_url
from portal.selectors import department_get
from portal.sms import services
from portal.tasks import sms_cost_fetch

logger = logging.getLogger(__name__)


def _signed(request) -> bool:
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    if request.POST.get("AccountSid", "") != settings.TWILIO_ACCOUNT_SID:
        return False
    url = absolute_url(request.get_full_path())
    return RequestValidator(token).validate(url, request.POST, signature)


@csrf_exempt
@require_POST
def twilio_status(request):
    if not _signed(request):
        logger.warning("Twilio status callback with a bad signature refused")
        return HttpResponseForbidden()
    notification = services.sms_status_report(
        provider_id=request.POST.get("MessageSid", ""),
        status=request.POST.get("MessageStatus", ""),
        error_code=request.POST.get("ErrorCode", ""),
        cost=request.POST.get("Price"),
        currency=request.POST.get("PriceUnit", ""),
    )
    if notification is not None and services.sms_cost_owed(notification):
        after_commit(sms_cost_fetch, str(notification.pk))
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def twilio_inbound(request):
    if not _signed(request):
        logger.warning("Twilio inbound message with a bad signature refused")
        return HttpResponseForbidden()
    body = request.POST.get("Body", "")
    change = services.sms_keyword_receive(
        message_id=request.POST.get("MessageSid", ""),
        number=request.POST.get("From", ""),
        body=body,
    )
    reply = MessagingResponse()
    keyword = services.keyword_of(body)
    language = "es" if keyword in services.SPANISH_KEYWORDS else "en"
    with translation.override(language):
        department = department_get()
        if keyword in services.HELP_KEYWORDS:
            reply.message(
                _(
                    "%(department)s: notices about your permits, requests and events. Reply "
                    "STOP to stop them. Non-emergency line: %(phone)s. Emergencies: 911."
                )
                % {"department": department.name, "phone": department.phone_non_emergency}
            )
        elif change == "out":
            reply.message(
                _(
                    "%(department)s: you will get no more text messages from us. "
                    "Reply START to get them again."
                )
                % {"department": department.name}
            )
        elif change == "in":
            reply.message(
                _("%(department)s: you will get our text messages again. Reply STOP to stop.")
                % {"department": department.name}
            )
    return HttpResponse(str(reply), content_type="application/xml")
