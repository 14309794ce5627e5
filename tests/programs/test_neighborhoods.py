"""A neighborhood's meetings, problem board and e-mail subscription."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import Notification
from programs.models import Problem, Subscription
from programs.services import neighborhoods
from tests.factories import NeighborhoodFactory
from tests.programs.factories import MeetingFactory, ProblemFactory, ProblemNoteFactory

pytestmark = pytest.mark.django_db


def test_neighborhood_page_shows_meetings_and_the_published_problem_board(client):
    meeting = MeetingFactory()
    neighborhood = meeting.neighborhood
    problem = ProblemFactory(neighborhood=neighborhood, stage=Problem.Stage.RESPONSE)
    ProblemNoteFactory(problem=problem, text_en="Closed the gap in the fence.")
    ProblemFactory(neighborhood=neighborhood, title_en="Not yet public", is_published=False)
    page = client.get(f"/neighborhoods/{neighborhood.slug}/").content.decode()
    assert meeting.title_en in page
    assert problem.title_en in page and "Closed the gap in the fence." in page
    assert "Response: acting on it" in page
    assert "Not yet public" not in page


def _link(body: str, name: str) -> str:
    return re.search(rf"(/[^\s]*{name}/)", body).group(1)


def test_subscription_needs_confirming_and_every_message_can_stop_it_with_one_click(client):
    neighborhood = NeighborhoodFactory()
    response = client.post(
        reverse("programs:subscribe", args=[neighborhood.slug]), {"email": "Ana@Example.org"}
    )
    assert response.status_code == 200
    confirm = Notification.objects.get(recipient="ana@example.org")
    client.post(_link(confirm.body, "confirm"))  # the button on the link's page
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is not None

    meeting = MeetingFactory(neighborhood=neighborhood)
    assert neighborhoods.subscribers_notify_event(event=meeting) == 1
    assert neighborhoods.subscribers_notify_event(event=meeting) == 1  # same message, not twice
    notice = Notification.objects.get(subject__endswith="New meeting")
    assert meeting.title_en in notice.body
    stop = _link(notice.body, "stop")
    assert notice.headers["List-Unsubscribe"].endswith(f"{stop}>")
    assert notice.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A mail client's one-click unsubscribe is a POST without our CSRF token (RFC 8058).
    one_click = Client(enforce_csrf_checks=True)
    assert one_click.post(stop, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not Subscription.objects.exists()
    assert client.get(stop).status_code == 200  # a second click is harmless


def test_unconfirmed_addresses_get_no_news():
    neighborhood = NeighborhoodFactory()
    neighborhoods.subscription_request(
        neighborhood=neighborhood, email="someone@example.org", language="en"
    )
    meeting = MeetingFactory(neighborhood=neighborhood)
    assert neighborhoods.subscribers_notify_event(event=meeting) == 0


def test_subscribe_form_errors_are_shown_with_the_field(client):
    neighborhood = NeighborhoodFactory()
    response = client.post(
        reverse("programs:subscribe", args=[neighborhood.slug]), {"email": "not-an-address"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'aria-describedby="id_email-hint id_email-error"' in page
    assert 'value="not-an-address"' in page


def test_new_progress_on_a_published_problem_reaches_confirmed_subscribers():
    neighborhood = NeighborhoodFactory()
    subscription = neighborhoods.subscription_request(
        neighborhood=neighborhood, email="ana@example.org", language="es"
    )
    neighborhoods.subscription_confirm(
        token=neighborhoods.subscription_token(subscription, "confirm")
    )
    problem = ProblemFactory(neighborhood=neighborhood)
    note = ProblemNoteFactory(problem=problem, text_es="Se cerró el hueco de la cerca.")
    neighborhoods.problem_record_save(actor=None, problem=problem, new_notes=[note])
    message = Notification.objects.get(subject__endswith="Avances sobre un problema")
    assert "Se cerró el hueco de la cerca." in message.body
    assert "/es/neighborhoods/subscription/" in message.body  # the one-click stop link


def test_a_forged_unsubscribe_link_is_refused(client):
    response = client.get(reverse("programs:unsubscribe", args=["forged"]))
    assert response.status_code == 400
