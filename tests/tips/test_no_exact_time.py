"""Issue 13, finding 2: the tip line keeps no time finer than the hour, anywhere a stolen
database, disk, outbox or log could show it."""

import base64
import datetime as dt
import struct

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.utils import timezone

from tests.tips.conftest import TEST_KEY
from tests.tips.factories import TipFactory
from tips import crypto

pytestmark = pytest.mark.django_db

AN_ODD_MOMENT = dt.datetime(2026, 11, 3, 14, 37, 29, 123456, tzinfo=dt.UTC)


def token_time(token: str | bytes) -> int:
    """The clear timestamp of a Fernet token (bytes 1..9 of the decoded token), no key needed."""
    raw = base64.urlsafe_b64decode(token if isinstance(token, bytes) else token.encode())
    return struct.unpack(">Q", raw[1:9])[0]


def test_tip_tokens_carry_only_the_hour():
    with time_machine.travel(AN_ODD_MOMENT, tick=False):
        token = crypto.encrypt_text("what happened")
        tip = TipFactory()
    assert token_time(token) % 3600 == 0
    assert token_time(token) == int(AN_ODD_MOMENT.replace(minute=0, second=0).timestamp())
    assert Fernet(TEST_KEY.encode()).extract_timestamp(token.encode()) % 3600 == 0
    tip.refresh_from_db()
    assert tip.what  # still readable
