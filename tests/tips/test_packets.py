"""Case packets: asking for one records in the same transaction that it is owed, so a build
task the broker lost is queued again by the beat sweep."""

import pytest
from django.contrib.auth.models import Group

from portal import roles
from portal.models import AuditEntry
from tests.factories import UserFactory
from tests.tips.factories import TipFactory
from tips import packets
from tips.models import Tip

pytestmark = pytest.mark.django_db


@pytest.fixture
def investigator():
    user = UserFactory(username="ivy")
    user.groups.add(Group.objects.get(name=roles.TIP_INVESTIGATORS))
    return user


def test_a_packet_whose_task_was_lost_is_built_by_the_sweep(
    investigator, django_capture_on_commit_callbacks
):
    tip = TipFactory(what="Packet text")
    with django_capture_on_commit_callbacks(execute=False):  # the broker never got the task
        packets.packet_request(tip=tip, actor=investigator)
    owed = Tip.objects.get(pk=tip.pk)
    assert owed.packet_pending and not owed.packet
    assert AuditEntry.objects.filter(action="tips.packet.requested").exists()
    assert packets.packet_sweep() == 1  # tasks run inline here
    built = Tip.objects.get(pk=tip.pk)
    assert built.packet and not built.packet_pending
    assert AuditEntry.objects.get(action="tips.packet.built").actor_label == "worker"
    assert packets.packet_sweep() == 0
    assert not packets.packet_build(tip_id=tip.pk)  # a late duplicate task builds nothing


def test_a_refused_broker_leaves_the_packet_owed_and_the_request_succeeds(
    investigator, django_capture_on_commit_callbacks, monkeypatch
):
    def refused(task, *args, **kwargs):
        return False  # what portal.handoff.dispatch answers when the broker refuses

    tip = TipFactory()
    monkeypatch.setattr("portal.handoff.dispatch", refused)
    with django_capture_on_commit_callbacks(execute=True):
        packets.packet_request(tip=tip, actor=investigator)
    assert Tip.objects.get(pk=tip.pk).packet_pending
    monkeypatch.undo()
    assert packets.packet_sweep() == 1
    assert Tip.objects.get(pk=tip.pk).packet
