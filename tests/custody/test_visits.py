"""Visit requests: a confirmation with a link, cancelled only by a button, and never more
visitors than the slot's capacity, even at the same moment on PostgreSQL."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from custody import services
from custody.models import VisitRequest
from portal.errors import DomainError
from portal.models import Notification
from tests.custody.factories import slot

pytestmark = pytest.mark.django_db


def _form(chosen, **fields):
    return {
        "slot": chosen.pk,
        "name": "Sam Visitor",
        "email": "sam@example.org",
        "phone": "",
        "visiting": "EB-1",
        **fields,
    }


def _request(chosen, **fields):
    data = {"name": "Sam", "visiting": "EB-1", "email": "sam@example.org", **fields}
    return services.visit_request(slot_id=chosen.pk, **data)


def test_a_visit_request_is_confirmed_by_e_mail_with_a_cancellation_link(client):
    chosen = slot()
    response = client.post(reverse("custody:visit-new"), _form(chosen))
    assert response.status_code == 302
    visit = VisitRequest.objects.get()
    mail = Notification.objects.get(recipient="sam@example.org")
    token = services.VISIT_LINK.make(str(visit.public_id))
    assert token in mail.body
    assert response["Location"].endswith(f"/custody/visit/{token}/")


def test_a_spanish_request_gets_a_spanish_confirmation(client):
    chosen = slot()
    client.post("/es/custody/visit/", _form(chosen))
    visit = VisitRequest.objects.get()
    assert visit.language == "es"
    mail = Notification.objects.get(recipient="sam@example.org")
    assert "/es/custody/visit/" in mail.body


def test_opening_the_link_cancels_nothing_the_button_does(client):
    visit = _request(slot())
    url = reverse("custody:visit", kwargs={"token": services.VISIT_LINK.make(str(visit.public_id))})
    assert client.get(url).status_code == 200
    visit.refresh_from_db()
    assert visit.status == VisitRequest.Status.BOOKED
    assert client.post(url).status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitRequest.Status.CANCELLED
    assert Notification.objects.filter(subject="Visit cancelled").count() == 1
    client.post(url)  # twice is once
    assert Notification.objects.filter(subject="Visit cancelled").count() == 1


def test_a_forged_link_shows_nothing(client):
    assert client.get("/custody/visit/not-a-token/").status_code == 404


def test_a_cancelled_place_is_free_again():
    chosen = slot(capacity=1)
    visit = _request(chosen)
    services.visit_cancel(visit_id=visit.pk)
    _request(chosen, email="other@example.org")


def test_a_full_slot_is_refused_at_the_form(client):
    chosen = slot(capacity=1)
    _request(chosen)
    response = client.post(reverse("custody:visit-new"), _form(chosen, email="b@example.org"))
    assert response.status_code == 400
    assert VisitRequest.objects.count() == 1


def test_a_full_slot_is_refused_with_its_code():
    chosen = slot(capacity=1)
    _request(chosen)
    with pytest.raises(DomainError) as error:
        _request(chosen, email="b@example.org")
    assert error.value.domain_code == "slot_full"


def test_a_past_slot_is_refused():
    with pytest.raises(DomainError) as error:
        _request(slot(days=-1))
    assert error.value.domain_code == "slot_past"


def test_a_request_needs_an_e_mail_or_a_phone(client):
    chosen = slot()
    response = client.post(reverse("custody:visit-new"), _form(chosen, email=""))
    assert response.status_code == 400
    assert not VisitRequest.objects.exists()


def test_a_phone_only_request_is_confirmed_by_text(client):
    chosen = slot()
    client.post(reverse("custody:visit-new"), _form(chosen, email="", phone="+15555550100"))
    assert Notification.objects.get().channel == Notification.Channel.SMS


@pytest.mark.django_db(transaction=True)
def test_parallel_requests_never_overbook_a_slot(on_postgresql):
    chosen = slot(capacity=3)
    count = 8
    barrier = threading.Barrier(count)
    outcomes: list[str] = [""] * count

    def submit(index):
        try:
            barrier.wait()
            _request(chosen, email=f"v{index}@example.org")
            outcomes[index] = "booked"
        except DomainError as error:
            outcomes[index] = error.domain_code
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcomes.count("booked") == 3
    assert set(outcomes) == {"booked", "slot_full"}
    assert VisitRequest.objects.filter(slot=chosen, status="booked").count() == 3


def test_slots_in_the_past_or_full_are_not_offered(client):
    full = slot(days=3, capacity=1)
    _request(full)
    open_slot = slot(days=4)
    old = slot(days=-2)
    response = client.get(reverse("custody:visit-new"))
    slots = list(response.context["form"].fields["slot"].queryset)
    assert open_slot in slots and full not in slots and old not in slots
