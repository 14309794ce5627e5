"""Passphrases for tipsters: diceware words, hashed with a pepper.

Rules:
- A passphrase is at least 7 words drawn with `secrets` from a published diceware list in the
  resident's language (EFF's English list, 7,776 words; the Spanish list, 8,192 words), and as
  many more as it takes to reach 90 bits.
- It is stored only as an Argon2id hash of HMAC(pepper, passphrase); the pepper lives in the
  settings (TIPS_PASSPHRASE_PEPPER), not in the database, so a stolen dump cannot be guessed at.
- It is never written to a cookie, the session or a log.
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

MIN_WORDS = 7
MIN_BITS = 90

_WORDLISTS = {"en": "wordlist_en_eff.txt", "es": "wordlist_es.txt"}
# Argon2id with light parameters, on purpose: the slow settings meant for passwords people choose
# buy nothing against a random 90-bit passphrase (2**90 guesses is out of reach at any hash
# speed), and they cost ~0.5 s of CPU per tip, which under 50 simultaneous tipsters queued every
# request for seconds (bench/tips.py). The pepper adds a secret the database does not hold.
# Hashes keep their parameters, so a later change still verifies older ones.
_hasher = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


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
