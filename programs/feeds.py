"""Calendars (RFC 5545), the news feed (Atom) and schema.org data for events.

UIDs are stable (derived from the event's id and the portal's host), SEQUENCE goes up each time
an event is moved or cancelled, and each calendar carries the department's VTIMEZONE so Google,
Outlook and Apple calendars show the right local time.
"""

import json
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from icalendar import Calendar, Timezone
from icalendar import Event as VEvent

from portal.links import absolute_url
from portal.localtime import department_zone, to_local
from portal.models import Neighborhood
from portal.selectors import department_get
from portal.services.page_cache import page_cached
from programs import selectors
from programs.models import Event
from programs.text import render_markdown


def _host() -> str:
    return urlsplit(settings.PORTAL_BASE_URL).hostname or "localhost"


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@{_host()}"


def build_calendar(events, *, name: str) -> bytes:
    department = department_get()
    zone = department_zone()
    calendar = Calendar()
    calendar.add("prodid", f"-//{department.name}//Community portal//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", zone.key)
    events = list(events)
    if events:
        first = min(e.starts_at for e in events)
        last = max(e.ends_at for e in events)
        calendar.add_component(
            Timezone.from_tzinfo(
                zone,
                tzid=zone.key,
                first_date=first.date().replace(month=1, day=1),
                last_date=last.date().replace(year=last.year + 1, month=1, day=1),
            )
        )
    stamp = datetime.now(UTC).replace(microsecond=0)
    for event in events:
        item = VEvent()
        item.add("uid", event_uid(event))
        item.add("dtstamp", stamp)
        item.add("sequence", event.sequence)
        item.add("summary", str(event.title))
        item.add("dtstart", event.starts_at.astimezone(zone))
        item.add("dtend", event.ends_at.astimezone(zone))
        item.add("location", f"{event.place_name}, {event.address}")
        description = strip_tags(str(event.description or ""))
        if event.accessibility:
            description += "\n\n" + _("Accessibility:") + " " + str(event.accessibility)
        item.add("description", description.strip())
        item.add("url", absolute_url(event.get_absolute_url()))
        item.add("last-modified", event.updated_at.astimezone(UTC).replace(microsecond=0))
        item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
        calendar.add_component(item)
    return calendar.to_ical()


def _calendar_response(events, *, name: str, filename: str) -> HttpResponse:
    response = HttpResponse(
        build_calendar(events, name=name), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@page_cached
def calendar_all(request: HttpRequest) -> HttpResponse:
    events = selectors.event_list(include_past=True).filter(
        ends_at__gte=timezone.now() - timezone.timedelta(days=90)
    )
    name = _("Events of %(department)s") % {"department": department_get().name}
    return _calendar_response(events, name=name, filename="events.ics")


@page_cached
def calendar_program(request: HttpRequest, slug: str) -> HttpResponse:
    program = selectors.program_get(slug=slug)
    events = selectors.event_list(program=program, include_past=True)
    return _calendar_response(events, name=str(program.title), filename=f"{slug}.ics")


@page_cached
def calendar_neighborhood(request: HttpRequest, slug: str) -> HttpResponse:
    neighborhood = get_object_or_404(Neighborhood, slug=slug)
    events = selectors.event_list(neighborhood=neighborhood, include_past=True)
    name = _("Meetings in %(neighborhood)s") % {"neighborhood": neighborhood.name}
    return _calendar_response(events, name=name, filename=f"{slug}.ics")


@page_cached
def calendar_event(request: HttpRequest, key: str) -> HttpResponse:
    event = selectors.event_get(slug=key)
    return _calendar_response([event], name=str(event.title), filename=f"{event.slug}.ics")


class NewsFeed(Feed):
    """Atom feed of program news, in the language of the URL (/es/... for Spanish)."""

    feed_type = Atom1Feed

    def title(self):
        return _("News from %(department)s") % {"department": department_get().name}

    def subtitle(self):
        return _("Updates from community programs.")

    def link(self):
        return reverse("programs:index")

    def items(self):
        return selectors.news_list()[:50]

    def item_title(self, item):
        return str(item.title)

    def item_description(self, item):
        return render_markdown(str(item.body))

    def item_link(self, item):
        return item.program.get_absolute_url() + f"#news-{item.pk}"

    def item_guid(self, item):
        return f"tag:{_host()},2025:news-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_categories(self, item):
        return [str(item.program.title)]


def event_json_ld(request: HttpRequest, event: Event) -> str:
    """schema.org Event data for search engines, safe to put in a <script> element."""
    status = {
        Event.Status.SCHEDULED: "https://schema.org/EventScheduled",
        Event.Status.RESCHEDULED: "https://schema.org/EventRescheduled",
        Event.Status.CANCELLED: "https://schema.org/EventCancelled",
    }[event.status]
    department = department_get()
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": str(event.title),
        "description": strip_tags(str(event.description or ""))[:500],
        "startDate": to_local(event.starts_at).isoformat(),
        "endDate": to_local(event.ends_at).isoformat(),
        "eventStatus": status,
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "inLanguage": translation.get_language() or "en",
        "url": request.build_absolute_uri(event.get_absolute_url()),
        "location": {
            "@type": "Place",
            "name": event.place_name,
            "address": {"@type": "PostalAddress", "streetAddress": event.address},
        },
        "organizer": {"@type": "Organization", "name": str(department.name)},
        "isAccessibleForFree": True,
    }
    if event.previous_starts_at and event.status == Event.Status.RESCHEDULED:
        data["previousStartDate"] = to_local(event.previous_starts_at).isoformat()
    if event.capacity is not None:
        data["maximumAttendeeCapacity"] = event.capacity
        left = selectors.places_left(event)
        data["remainingAttendeeCapacity"] = left
    # Escape what could end the <script> element early.
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)
