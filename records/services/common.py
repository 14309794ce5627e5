"""What every records service shares: the requester's e-mail (through the outbox, in their
language, with their tracking link) and the request's timeline."""

from datetime import datetime

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.localtime import to_local
from portal.selectors import department_get
from portal.services.notifications import notification_enqueue
from records.models import RecordRequest, TimelineEntry
from records.services.links import tracking_url


def notify_requester(
    *, record_request: RecordRequest, subject, body, dedupe_key: str | None = None, **kw
) -> None:
    """Queue an e-mail to the requester: `subject` and `body` are lazy strings with
    %(number)s, %(due)s and any `kw`, rendered in the requester's language."""
    with translation.override(record_request.language):
        params = {
            "number": record_request.tracking_number,
            "due": record_request.due_date.strftime("%Y-%m-%d"),
            **{k: str(v) for k, v in kw.items()},
        }
        text = str(body) % params
        text += "\n\n" + _("Your tracking page: %(url)s") % {
            "url": tracking_url(record_request=record_request)
        }
        text += "\n\n" + str(department_get().name)
        notification_enqueue(
            channel="email",
            recipient=record_request.requester_email,
            subject=str(subject) % params,
            body=text,
            language=record_request.language,
            dedupe_key=dedupe_key,
        )


def timeline_add(
    *, record_request, action, actor=None, note="", public=True, key: str = ""
) -> TimelineEntry:
    """Add an entry. With a `key`, once: the entry already written under that key is returned
    (callers hold the lock that orders the writers; the unique constraint is the backstop)."""
    if key:
        written = TimelineEntry.objects.filter(request=record_request, key=key).first()
        if written is not None:
            return written
    entry = TimelineEntry(
        request=record_request,
        action=action,
        status=record_request.status,
        note=note,
        public=public,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        key=key,
    )
    entry.full_clean()
    entry.save()
    return entry


def local_datetime_text(moment: datetime, language: str) -> str:
    """`moment` as the requester reads it: the department's clock, their language."""
    with translation.override(language):
        return date_format(to_local(moment), "DATETIME_FORMAT")
