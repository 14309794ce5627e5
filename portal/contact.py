"""Reaching a resident the way they chose: by e-mail or by text message.

A feature that lets a resident choose (an event's reminders, a service request's updates, a
permit's notices) keeps the choice on its own record as a `ContactChannel` and calls
`resident_notify` inside the transaction of the change, with the long text for an e-mail and
a short one for a text message. The outbox does the rest: for text messages that is
portal/sms/ (numbers made E.164, STOP honoured, retries, delivery reports, cost).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Notification
from portal.services.notifications import notification_enqueue


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")


def resident_notify(
    *,
    channel: str,
    email: str = "",
    phone: str = "",
    subject: str,
    body: str,
    text: str,
    language: str,
    dedupe_key: str | None = None,
) -> Notification | None:
    """Queue one message by the resident's chosen channel: `text` to `phone` when they chose
    text messages (and gave a number), otherwise `body` to `email`. None when they left no
    way to reach them."""
    if channel == ContactChannel.SMS and phone.strip():
        return notification_enqueue(
            channel=Notification.Channel.SMS,
            recipient=phone,
            body=text,
            language=language,
            dedupe_key=f"{dedupe_key}:sms" if dedupe_key else None,
        )
    if email.strip():
        return notification_enqueue(
            channel=Notification.Channel.EMAIL,
            recipient=email,
            subject=subject,
            body=body,
            language=language,
            dedupe_key=dedupe_key,
        )
    return None
