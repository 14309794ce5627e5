"""The tokens of the tipster's pages (the sealed confirmation value and the 30-minute access
token) are signed with keys of their own (django.core.signing, one salt each), never made with
the data keyring: a ciphertext read from the database is not a token (issue 13, finding 7), and
a forged or stale confirmation form gets a clear 400, never a 500."""

import re

import pytest
import time_machine
from django.core import signing
from django.db import connection
from django.utils import timezone

from tests.tips.factories import PASSPHRASE, TipFactory
from tips import crypto, views
from tips.models import Tip, TipMessage

pytestmark = pytest.mark.django_db


def _raw_body(message: TipMessage) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM tips_tipmessage WHERE id = %s", [message.pk])
        return cursor.fetchone()[0]


def _access(client, tip: Tip) -> str:
    html = client.post(
        "/tips/check/", {"number": tip.number, "passphrase": PASSPHRASE}
    ).content.decode()
    return re.search(r'name="access" value="([^"]+)"', html).group(1)


def test_a_stored_ciphertext_is_not_an_access_token(client):
    victim = TipFactory(what="VICTIM-THREAD")
    TipMessage.objects.create(tip=victim, direction="investigator", body="VICTIM-QUESTION")
    # Anyone who can make the tip line store a text (a tipster writing back) and read the
    # database gets a ciphertext of a text of their choice.
    own = TipFactory()
    planted = TipMessage.objects.create(tip=own, direction="tipster", body=f"access:{victim.pk}")
    stolen = _raw_body(planted)
    response = client.post("/tips/check/reply/", {"access": stolen, "body": "INTRUDER"})
    assert response.status_code == 400
    assert "VICTIM-QUESTION" not in response.content.decode()
    assert not victim.messages.filter(direction="tipster").exists()


def test_a_stored_ciphertext_is_not_a_sealed_confirmation(client):
    tip = TipFactory()
    sealed = crypto.encrypt_text(f"{tip.pk}:known words")
    response = client.post("/tips/confirm/", {"sealed": sealed, "typed": "known words"})
    assert response.status_code == 400
    assert "Your copy is right" not in response.content.decode()


def test_a_real_access_token_works(client):
    tip = TipFactory()
    response = client.post(
        "/tips/check/reply/", {"access": _access(client, tip), "body": "It was red."}
    )
    assert response.status_code == 200
    assert TipMessage.objects.get(tip=tip).body == "It was red."


def test_an_expired_access_token_is_refused(client):
    tip = TipFactory()
    with time_machine.travel(timezone.now(), tick=False):
        access = _access(client, tip)
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=views.ACCESS_TTL + 5)):
        response = client.post("/tips/check/reply/", {"access": access, "body": "Too late"})
    assert response.status_code == 400
    assert not TipMessage.objects.filter(tip=tip).exists()


def test_an_access_token_is_not_a_sealed_confirmation_and_back(client):
    tip = TipFactory()
    access = _access(client, tip)
    response = client.post("/tips/confirm/", {"sealed": access, "typed": "x"})
    assert response.status_code == 400
    sealed = views.SEALED.make({"tip": tip.pk, "passphrase": PASSPHRASE})
    response = client.post("/tips/check/reply/", {"access": sealed, "body": "x"})
    assert response.status_code == 400
    assert not TipMessage.objects.exists()


def test_an_expired_sealed_confirmation_is_refused(client):
    tip = TipFactory()
    with time_machine.travel(timezone.now(), tick=False):
        sealed = views.SEALED.make({"tip": tip.pk, "passphrase": PASSPHRASE})
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=views.SEALED_TTL + 5)):
        response = client.post("/tips/confirm/", {"sealed": sealed, "typed": PASSPHRASE})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "data",
    [
        {"sealed": "garbage", "typed": "x"},
        {"sealed": "", "typed": "x"},
        {"typed": "x"},
        {"sealed": "a:b:c"},
        {},
    ],
    ids=["garbage", "empty", "missing-sealed", "missing-typed", "nothing"],
)
def test_a_forged_confirmation_form_gets_a_clear_400(client, data):
    TipFactory()
    before = list(Tip.objects.values())
    response = client.post("/tips/confirm/", data)
    assert response.status_code == 400
    assert "This page has expired" in response.content.decode()
    assert list(Tip.objects.values()) == before


@pytest.mark.parametrize(
    "value",
    [
        {"tip": 987654321, "passphrase": "no such tip"},
        {"tip": "not-a-number", "passphrase": "x"},
        {"tip": None},
        ["a", "list"],
        "just text",
        "12:words",
    ],
    ids=["no-such-tip", "bad-id", "no-passphrase", "list", "text", "old-shape"],
)
def test_a_validly_signed_but_wrong_confirmation_gets_a_clear_400(client, value):
    before = list(Tip.objects.values())
    sealed = views.SEALED.make(value)
    response = client.post("/tips/confirm/", {"sealed": sealed, "typed": "x"})
    assert response.status_code == 400
    assert list(Tip.objects.values()) == before


def test_the_tokens_use_their_own_salts():
    assert views.ACCESS.salt != views.SEALED.salt
    token = views.ACCESS.make({"tip": 1})
    with pytest.raises(signing.BadSignature):
        signing.loads(token)  # the default salt does not read it
