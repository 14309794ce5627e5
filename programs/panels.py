"""Blocks this app puts on the home page and on each neighborhood's page (portal.registry).
Each template has a heading with id="panel-<key>", which the page's <section> is labelled by."""

from programs import selectors
from programs.forms import SubscriptionForm


def home_upcoming_events(request, **kwargs):
    events = list(selectors.event_list()[:4])
    if not events:
        return None
    return {"events": events}


def careers_information_sessions(request, **kwargs):
    """Upcoming events marked as information sessions, for the careers page."""
    events = list(selectors.event_list(information_session=True)[:5])
    if not events:
        return None
    return {"events": events}


def neighborhood_meetings(request, *, neighborhood, **kwargs):
    return {
        "neighborhood": neighborhood,
        "meetings": list(selectors.event_list(neighborhood=neighborhood)[:5]),
    }


def neighborhood_problems(request, *, neighborhood, **kwargs):
    return {
        "neighborhood": neighborhood,
        "problems": list(selectors.problem_list(neighborhood=neighborhood)),
    }


def neighborhood_subscribe(request, *, neighborhood, **kwargs):
    return {"neighborhood": neighborhood, "form": SubscriptionForm()}
