"""Check-back at /tips/check/: status, questions, replies; wrong passphrases lock a number
without telling whether it exists."""

import re

import pytest

from tests.support.uploads import jpeg_upload
from tests.tips.factories import PASSPHRASE, TipFactory
from tips.models import Tip, TipMessage

pytestmark = pytest.mark.django_db

REFUSED = "do not match, or this number is paused"


def _open(client, number, passphrase=PASSPHRASE):
    return client.post("/tips/check/", {"number": number, "passphrase": passphrase})


def test_number_and_passphrase_show_status_and_questions(client):
    tip = TipFactory(status=Tip.Status.REVIEWING)
    TipMessage.objects.create(tip=tip, direction="investigator", body="What colour was the car?")
    html = _open(client, tip.number.lower().replace("-", " ")).content.decode()
    assert "Being reviewed" in html
    assert "What colour was the car?" in html


def test_tipster_replies_through_the_hidden_access_token(client):
    tip = TipFactory()
    html = _open(client, tip.number).content.decode()
    access = re.search(r'name="access" value="([^"]+)"', html).group(1)
    assert PASSPHRASE not in html
    response = client.post("/tips/check/reply/", {"access": access, "body": "It was red."})
    assert "was sent to the investigators" in response.content.decode()
    assert TipMessage.objects.get(tip=tip).body == "It was red."
    assert TipMessage.objects.get(tip=tip).direction == "tipster"


def test_a_forged_access_token_opens_nothing(client):
    tip = TipFactory()
    response = client.post("/tips/check/reply/", {"access": f"access:{tip.pk}", "body": "x"})
    assert response.status_code == 400
    assert not TipMessage.objects.exists()


def test_wrong_passphrase_and_unknown_number_get_the_same_answer(client):
    tip = TipFactory()
    wrong = _open(client, tip.number, "wrong words entirely").content.decode()
    unknown = _open(client, "ZZZZZ-ZZZZZ").content.decode()
    assert REFUSED in wrong and REFUSED in unknown
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)  # noqa: E731
    assert strip(wrong) == strip(unknown).replace("ZZZZZ-ZZZZZ", tip.number)


def test_repeated_wrong_passphrases_lock_the_number_even_for_the_right_one(client, settings):
    settings.TIPS_CHECK_MAX_FAILURES = 3
    tip = TipFactory()
    for _ in range(3):
        assert REFUSED in _open(client, tip.number, "wrong").content.decode()
    assert REFUSED in _open(client, tip.number).content.decode()
    other = TipFactory()
    assert "Received" in _open(client, other.number).content.decode()


def test_lockout_counters_do_not_hold_tip_numbers_in_clear(client, settings):
    from django.core.cache import cache

    tip = TipFactory()
    _open(client, tip.number, "wrong")
    keys = [k.decode() if isinstance(k, bytes) else k for k in cache._cache.get_client().keys("*")]
    assert keys
    assert not any(tip.number in key for key in keys)


def test_closed_tip_shows_no_reply_form(client):
    tip = TipFactory(status=Tip.Status.CLOSED, outcome="acted_on")
    html = _open(client, tip.number).content.decode()
    assert "This tip is closed" in html
    assert 'name="access"' not in html


def test_reward_status_is_shown_to_the_tipster(client):
    tip = TipFactory(status=Tip.Status.REWARD_ELIGIBLE)
    assert "Eligible for a reward" in _open(client, tip.number).content.decode()


def test_a_closed_tip_takes_no_more_replies(client):
    tip = TipFactory()
    html = _open(client, tip.number).content.decode()
    access = re.search(r'name="access" value="([^"]+)"', html).group(1)
    Tip.objects.filter(pk=tip.pk).update(status=Tip.Status.CLOSED, outcome="acted_on")
    response = client.post("/tips/check/reply/", {"access": access, "body": "One more thing"})
    assert "This tip is closed" in response.content.decode()
    assert not TipMessage.objects.exists()


def test_checking_in_with_an_older_hash_stores_a_fresh_one(client):
    from argon2 import PasswordHasher

    from portal import passphrases

    tip = TipFactory()
    old = PasswordHasher(time_cost=2, memory_cost=8 * 1024, parallelism=1)
    Tip.objects.filter(pk=tip.pk).update(
        passphrase_hash=old.hash(passphrases._peppered(PASSPHRASE))
    )
    assert "Received" in _open(client, tip.number).content.decode()
    tip.refresh_from_db()
    assert not passphrases.passphrase_needs_rehash(tip.passphrase_hash)
    assert passphrases.passphrase_verify(tip.passphrase_hash, PASSPHRASE)
    assert REFUSED in _open(client, tip.number, "wrong words").content.decode()


def _access(client, tip) -> str:
    html = _open(client, tip.number).content.decode()
    return re.search(r'name="access" value="([^"]+)"', html).group(1)


def test_an_answer_with_identifying_words_comes_back_with_a_warning_and_is_kept(client):
    tip = TipFactory()
    response = client.post(
        "/tips/check/reply/", {"access": _access(client, tip), "body": "My cousin sold it to him."}
    )
    html = response.content.decode()
    assert not TipMessage.objects.filter(tip=tip).exists()
    assert "<title>Check before sending:" in html
    assert "your answer may show who you are" in html
    assert "<strong>My cousin</strong>" in html
    assert 'href="#id_body"' in html
    assert "My cousin sold it to him.</textarea>" in html
    assert 'form="reply-form" name="send_as_is" value="1"' in html
    # The page still carries a working access token: sending as it is goes through.
    access = re.search(r'name="access" value="([^"]+)"', html).group(1)
    response = client.post(
        "/tips/check/reply/",
        {"access": access, "body": "My cousin sold it to him.", "send_as_is": "1"},
    )
    assert "was sent to the investigators" in response.content.decode()
    assert TipMessage.objects.get(tip=tip).body == "My cousin sold it to him."


def test_an_answer_whose_files_were_dropped_says_so(client):
    tip = TipFactory()
    photo = jpeg_upload("p.jpg")
    html = client.post(
        "/tips/check/reply/",
        {"access": _access(client, tip), "body": "I live upstairs.", "attachments": [photo]},
    ).content.decode()
    assert "The file you chose was not sent and is not kept. Choose it again before" in html
    assert not TipMessage.objects.filter(tip=tip).exists()


def test_the_answer_warning_is_in_spanish(client):
    tip = TipFactory()
    html = client.post(
        "/es/tips/check/reply/", {"access": _access(client, tip), "body": "Mi vecino lo tiene."}
    ).content.decode()
    assert "<strong>Mi vecino</strong>" in html
    assert "su respuesta podría mostrar quién es usted" in html
    assert "Enviarla tal como está" in html


def test_the_check_back_page_carries_the_rules_for_the_answer_only(client):
    import json

    tip = TipFactory()
    html = _open(client, tip.number).content.decode()
    rules = json.loads(re.search(r'id="tip-cue-rules"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert rules["fields"] == ["body"]
    outside_template = re.sub(r"<template.*?</template>", "", html, flags=re.S)
    assert 'name="send_as_is"' not in outside_template
