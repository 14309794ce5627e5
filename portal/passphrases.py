"""Passphrases for residents who come back without an account (a tipster, an anonymous
complainant): diceware words, hashed with a pepper; and the lockout after wrong tries.

Moved here from the tip line when anonymous complaints needed the same machinery.

Rules:
- A passphrase is at least 7 words drawn with `secrets` from a published diceware list in the
  resident's language (EFF's English list, 7,776 words; the Spanish list, 8,192 words), and as
  many more as it takes to reach 90 bits.
- It is stored only as an Argon2id hash of HMAC(pepper, passphrase); the pepper lives in the
  settings (TIPS_PASSPHRASE_PEPPER), not in the database, so a stolen dump cannot be guessed at.
- It is never written to a cookie, the session or a log.
- Wrong passphrases for one number or code are counted under a keyed hash of it (`Lockout`), so
  the counters do not list which exist, and a locked one answers exactly like an unknown one.
"""

import hashlib
import hmac
import math
import secrets
import unicodedata
from functools import lru_cache
from pathlib import Path

import diceware
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal.clients import counter_add, counter_delete, counter_get
from portal.services.encryption import required_secret_register

# The number a resident writes down beside the passphrase (a tip number, a complaint's tracking
# code): base32 without look-alikes, so a code read over the phone is not misheard.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 30**10 ≈ 5.9e14 codes: not sequential, not guessable


def code_generate() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def code_normalize(value: str) -> str:
    """What a resident typed, as stored: case, spaces and look-alikes (O/0, I/L/1) do not
    matter."""
    raw = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    raw = raw.replace("O", "0").replace("I", "1").replace("L", "1")
    return f"{raw[:5]}-{raw[5:]}" if len(raw) == CODE_LENGTH else raw


MIN_WORDS = 7
MIN_BITS = 90

_WORDLISTS = {"en": "wordlist_en_eff.txt", "es": "wordlist_es.txt"}
# Argon2id sized for a high-entropy secret, not for a password a person picks.
#
# The slow, memory-hard settings recommended for passwords (RFC 9106: 64 MiB or more, several
# passes) exist to make each guess at a *weak* secret expensive. This secret is not weak: the
# server draws it with `secrets` from a diceware list, at least 90 bits (MIN_BITS). Searching
# 2**90 candidates is out of reach at any hash speed: even at 10**12 guesses a second (a large
# GPU farm on plain SHA-256) it takes about 39 million years, and every guess must also go
# through HMAC with the pepper (TIPS_PASSPHRASE_PEPPER), which lives in the settings, not in the
# database, so a stolen dump alone cannot be guessed at all. A costly hash therefore buys nothing
# here, while it is paid on every submission and every check-in: at the library's defaults
# (64 MiB, 3 passes) about 0.5 s of CPU a tip, at 8 MiB and one pass still ~7 ms, which with 50
# tipsters at once queued every request behind the others (bench/tips.py). So: one pass over
# 256 KiB, about 0.2 ms. Argon2id is kept (the issue names it, and its encoded form records the
# parameters): hashes made with older parameters still verify, and `passphrase_needs_rehash`
# tells tip_authenticate to store a fresh hash after a successful check.
TIME_COST = 1
MEMORY_COST_KIB = 256
PARALLELISM = 1
_hasher = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM)


@lru_cache(maxsize=4)
def wordlist(language: str) -> tuple[str, ...]:
    name = _WORDLISTS.get(language, _WORDLISTS["en"])
    path = Path(diceware.__file__).parent / "wordlists" / name
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split()[-1].strip() if line.strip() else ""
        if word:
            words.append(word)
    return tuple(dict.fromkeys(words))  # unique, in order


def word_count(language: str) -> int:
    bits_per_word = math.log2(len(wordlist(language)))
    return max(MIN_WORDS, math.ceil(MIN_BITS / bits_per_word))


def entropy_bits(language: str) -> float:
    return word_count(language) * math.log2(len(wordlist(language)))


def passphrase_generate(*, language: str) -> str:
    words = wordlist(language)
    return " ".join(secrets.choice(words) for _ in range(word_count(language)))


def normalize(passphrase: str) -> str:
    """Case, accents typed or not, and spacing or hyphens between words do not matter."""
    text = unicodedata.normalize("NFKD", passphrase or "").lower()
    text = "".join(ch for ch in text if not unicodedata.combining(ch) or ch == "\u0303")
    text = unicodedata.normalize("NFC", text)
    for separator in "-_.,;":
        text = text.replace(separator, " ")
    return " ".join(text.split())


def _peppered(passphrase: str) -> str:
    if not settings.TIPS_PASSPHRASE_PEPPER:
        # The system check (portal.E104) stops manage.py; gunicorn runs no checks, so a server
        # started without the pepper refuses here rather than hashing with an empty one.
        raise ImproperlyConfigured("TIPS_PASSPHRASE_PEPPER is not set.")
    pepper = settings.TIPS_PASSPHRASE_PEPPER.encode()
    return hmac.new(pepper, normalize(passphrase).encode(), hashlib.sha256).hexdigest()


def passphrase_hash(passphrase: str) -> str:
    return _hasher.hash(_peppered(passphrase))


_DUMMY_HASH = None


def passphrase_verify(stored_hash: str | None, passphrase: str) -> bool:
    """Constant work whether or not there is a hash to check: a missing tip number costs the same
    time as a wrong passphrase."""
    global _DUMMY_HASH
    if not stored_hash:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
        stored_hash = _DUMMY_HASH
        real = False
    else:
        real = True
    try:
        return _hasher.verify(stored_hash, _peppered(passphrase)) and real
    except (VerificationError, InvalidHashError):
        return False


def passphrase_needs_rehash(stored_hash: str) -> bool:
    """True when `stored_hash` was made with other parameters than today's (an older tip)."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


required_secret_register(
    name="the passphrase pepper (tip line, anonymous complaints)",
    setting="TIPS_PASSPHRASE_PEPPER",
    hint="Set it once to a long random value and keep it: changing it invalidates every "
    "passphrase residents hold. `python manage.py portal_secrets` makes one (with every other "
    "secret production needs).",
)


class Lockout:
    """Wrong passphrases for one number (a tip number, a tracking code), counted in the cache
    under a keyed hash of `purpose` and the number; `max_failures` within `seconds` pause it."""

    def __init__(self, purpose: str, max_failures, seconds) -> None:
        self.purpose = purpose
        # Callables, so a setting changed in a test or at run time is read each time.
        self._max_failures = max_failures
        self._seconds = seconds

    def _key(self, number: str) -> str:
        digest = hmac.new(
            settings.SECRET_KEY.encode(), f"{self.purpose}.{number}".encode(), hashlib.sha256
        ).hexdigest()[:32]
        return f"{self.purpose.replace('.', ':')}:{digest}"

    def active(self, number: str) -> bool:
        return counter_get(self._key(number)) >= self._max_failures()

    def fail(self, number: str) -> None:
        counter_add(self._key(number), self._seconds())

    def clear(self, number: str) -> None:
        counter_delete(self._key(number))
