"""Merging duplicate tips: the duplicate's messages, files and notes move to the surviving tip
in one audit-logged transaction, and each tipster still reads only their own thread, under their
own number, told that the tip was merged but not with what."""

import re

import pytest

from portal.models import AuditEntry
from tests.support.errors import raises_domain
from tests.support.files import jpeg_bytes
from tests.tips.factories import PASSPHRASE, TipFactory
from tips import services
from tips.models import Tip, TipAttachment, TipMessage, TipNote
from tips.services.merge import tip_merge
from tips.services.triage import tip_note_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(investigator):
    """A surviving tip and a duplicate, each with a conversation, a file and a note."""
    survivor = TipFactory(what="SURVIVOR-TEXT about the blue garage")
    duplicate = TipFactory(what="DUPLICATE-TEXT about the same garage")
    for tip, label in ((survivor, "SURVIVOR"), (duplicate, "DUPLICATE")):
        services.tip_message_send(tip=tip, actor=investigator, body=f"{label}-QUESTION?")
        services.tipster_reply(tip=tip, body=f"{label}-ANSWER", files=[jpeg_bytes()])
        tip_note_add(tip=tip, actor=investigator, body=f"{label}-NOTE")
    return survivor, duplicate


def _open(client, tip):
    return client.post(
        "/tips/check/", {"number": tip.number, "passphrase": PASSPHRASE}
    ).content.decode()


def test_merge_moves_messages_files_and_notes_to_the_surviving_tip(pair, investigator):
    survivor, duplicate = pair
    tip_merge(duplicate=duplicate, into=survivor, actor=investigator)
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == survivor
    assert duplicate.status == Tip.Status.CLOSED and duplicate.outcome == Tip.Outcome.DUPLICATE
    assert survivor in duplicate.related.all()
    for model in (TipMessage, TipAttachment, TipNote):
        assert not model.objects.filter(tip=duplicate).exists()
        moved = model.objects.filter(tip=survivor, merged_from=duplicate)
        assert moved.exists(), model
        assert model.objects.filter(tip=survivor, merged_from=None).exists(), model
    assert {m.body for m in survivor.messages.all()} == {
        "SURVIVOR-QUESTION?",
        "SURVIVOR-ANSWER",
        "DUPLICATE-QUESTION?",
        "DUPLICATE-ANSWER",
    }


def test_merge_is_audit_logged_on_both_tips_with_what_moved(pair, investigator):
    survivor, duplicate = pair
    tip_merge(duplicate=duplicate, into=survivor, actor=investigator)
    out = AuditEntry.objects.get(action="tips.tip.merged")
    into = AuditEntry.objects.get(action="tips.tip.merged_in")
    assert out.target_id == str(duplicate.pk) and into.target_id == str(survivor.pk)
    for entry in (out, into):
        assert entry.actor == investigator
        assert entry.detail["messages"] == 2
        assert entry.detail["attachments"] == 1
        assert entry.detail["notes"] == 1
    assert out.detail["into"] == survivor.number
    assert into.detail["from"] == duplicate.number


def test_a_failed_merge_moves_nothing(pair, investigator, monkeypatch):
    survivor, duplicate = pair

    def broken(**kwargs):
        raise RuntimeError("audit log down")

    monkeypatch.setattr("tips.services.merge.audit_record", broken)
    with pytest.raises(RuntimeError):
        tip_merge(duplicate=duplicate, into=survivor, actor=investigator)
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of is None and duplicate.status != Tip.Status.CLOSED
    for model in (TipMessage, TipAttachment, TipNote):
        assert model.objects.filter(tip=duplicate).count() >= 1
        assert not model.objects.filter(merged_from__isnull=False).exists()


def test_the_duplicates_tipster_sees_their_own_thread_and_that_it_was_merged(
    client, pair, investigator
):
    survivor, duplicate = pair
    tip_merge(duplicate=duplicate, into=survivor, actor=investigator)
    html = _open(client, duplicate)
    assert 'data-testid="merged"' in html
    assert "DUPLICATE-QUESTION?" in html and "DUPLICATE-ANSWER" in html
    assert "Files received" in html
    assert "SURVIVOR" not in html
    assert survivor.number not in html
    # And the surviving tip's tipster never sees the other tipster's words.
    other = _open(client, survivor)
    assert "SURVIVOR-QUESTION?" in other and "SURVIVOR-ANSWER" in other
    assert "DUPLICATE" not in other
    assert 'data-testid="merged"' not in other
    assert duplicate.number not in other


def test_the_duplicates_tipster_can_answer_and_it_reaches_the_surviving_tip(
    client, pair, investigator
):
    survivor, duplicate = pair
    tip_merge(duplicate=duplicate, into=survivor, actor=investigator)
    html = _open(client, duplicate)
    access = re.search(r'name="access" value="([^"]+)"', html).group(1)
    reply = client.post("/tips/check/reply/", {"access": access, "body": "DUPLICATE-MORE"})
    assert "was sent to the investigators" in reply.content.decode()
    message = next(m for m in TipMessage.objects.all() if m.body == "DUPLICATE-MORE")
    assert message.tip == survivor and message.merged_from == duplicate
    # An investigator writing to the duplicate's tipster files it with the case, for them only.
    services.tip_message_send(tip=duplicate, actor=investigator, body="DUPLICATE-FOLLOW-UP?")
    assert "DUPLICATE-FOLLOW-UP?" in _open(client, duplicate)
    assert "DUPLICATE-FOLLOW-UP?" not in _open(client, survivor)
    assert (
        next(m for m in TipMessage.objects.all() if m.body == "DUPLICATE-FOLLOW-UP?").tip
        == survivor
    )


def test_once_the_surviving_tip_is_closed_neither_tipster_can_write(client, pair, investigator):
    survivor, duplicate = pair
    tip_merge(duplicate=duplicate, into=survivor, actor=investigator)
    services.tip_triage(tip=survivor, actor=investigator, status="closed", outcome="acted_on")
    assert 'name="access"' not in _open(client, duplicate)
    with raises_domain("tip_closed"):
        services.tipster_reply(tip=duplicate, body="late")


def test_merging_into_a_merged_tip_goes_to_the_tip_that_survives(pair, investigator):
    survivor, duplicate = pair
    third = TipFactory()
    services.tipster_reply(tip=third, body="THIRD-ANSWER")
    tip_merge(duplicate=duplicate, into=survivor, actor=investigator)
    tip_merge(duplicate=third, into=duplicate, actor=investigator)
    third.refresh_from_db()
    assert third.duplicate_of == survivor
    assert next(m for m in TipMessage.objects.all() if m.body == "THIRD-ANSWER").tip == survivor


def test_merging_the_survivor_onward_carries_earlier_duplicates_along(client, pair, investigator):
    survivor, duplicate = pair
    final = TipFactory()
    tip_merge(duplicate=duplicate, into=survivor, actor=investigator)
    tip_merge(duplicate=survivor, into=final, actor=investigator)
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == final
    assert TipMessage.objects.filter(tip=final, merged_from=duplicate).count() == 2
    assert TipMessage.objects.filter(tip=final, merged_from=survivor).count() == 2
    html = _open(client, duplicate)
    assert "DUPLICATE-ANSWER" in html and "SURVIVOR" not in html


def test_a_tip_is_not_merged_into_itself_nor_twice(pair, investigator):
    survivor, duplicate = pair
    with raises_domain("self_merge"):
        tip_merge(duplicate=survivor, into=survivor, actor=investigator)
    tip_merge(duplicate=duplicate, into=survivor, actor=investigator)
    with raises_domain("self_merge"):
        tip_merge(duplicate=survivor, into=duplicate, actor=investigator)
    with raises_domain("already_merged"):
        tip_merge(duplicate=duplicate, into=TipFactory(), actor=investigator)
