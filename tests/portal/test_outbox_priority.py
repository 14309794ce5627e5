"""On the real Redis broker, the one message a resident waits for goes before a mass mailing
queued earlier (portal/services/notifications/outbox.py: MASS_PRIORITY): on a snow night the
confirmation of a permit asked for now does not wait behind 20,000 cancellations."""

import uuid

import pytest
from django.db import transaction

from portal.celery import app
from portal.services.notifications import notification_enqueue, notification_enqueue_many

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue(settings):
    """A queue of the test's own on the real broker, so that no worker takes from it."""
    name = f"test-priority-{uuid.uuid4().hex[:8]}"
    settings.NOTIFICATION_URGENT_QUEUE = name
    settings.NOTIFICATION_BATCH_SIZE = 50
    with app.connection_for_read() as connection:
        channel = connection.default_channel
        yield name, channel
        for priority in channel.priority_steps:
            channel.client.delete(channel._q_for_pri(name, priority))


def _ids_in_order(channel, name) -> list[list[str]]:
    """The batches' message ids in the order a worker would receive them."""
    got = []
    while (message := channel.basic_get(name)) is not None:
        args, _kwargs, _embed = message.decode()  # Celery's message protocol 2
        got.append(args[0])
    return got


def test_a_single_message_is_received_before_a_mass_mailing_queued_earlier(queue):
    name, channel = queue
    with transaction.atomic():
        mass = notification_enqueue_many(
            [
                {"channel": "email", "recipient": f"holder{i}@example.org", "body": "Cancelled."}
                for i in range(120)
            ]
        )
    with transaction.atomic():
        single = notification_enqueue(
            channel="email", recipient="resident@example.org", body="We received your request."
        )
    batches = _ids_in_order(channel, name)
    assert batches[0] == [str(single.pk)]
    assert [len(batch) for batch in batches[1:]] == [50, 50, 20]
    assert {i for batch in batches[1:] for i in batch} == {str(n.pk) for n in mass}
