"""Passphrases: at least seven diceware words and 90 bits in either language, peppered Argon2id."""

import math

import pytest

from tips import passphrases


@pytest.mark.parametrize("language", ["en", "es"])
def test_passphrase_has_at_least_seven_words_and_90_bits(language):
    words = passphrases.wordlist(language)
    assert len(words) >= 7776
    phrase = passphrases.passphrase_generate(language=language)
    count = len(phrase.split())
    assert count >= 7
    assert count * math.log2(len(words)) >= 90
    assert passphrases.entropy_bits(language) >= 90
    assert all(word in set(words) for word in phrase.split())


def test_spanish_and_english_lists_are_different_languages():
    english, spanish = set(passphrases.wordlist("en")), set(passphrases.wordlist("es"))
    assert len(english & spanish) < 500


def test_two_passphrases_are_not_the_same():
    assert len({passphrases.passphrase_generate(language="en") for _ in range(50)}) == 50


def test_hash_is_argon2id_and_depends_on_the_pepper(settings):
    phrase = passphrases.passphrase_generate(language="en")
    stored = passphrases.passphrase_hash(phrase)
    assert stored.startswith("$argon2id$")
    assert phrase not in stored
    assert passphrases.passphrase_verify(stored, phrase)
    assert passphrases.passphrase_verify(stored, "  " + phrase.upper().replace(" ", "-"))
    settings.TIPS_PASSPHRASE_PEPPER = "another pepper"
    assert not passphrases.passphrase_verify(stored, phrase)


def test_missing_hash_never_verifies():
    assert not passphrases.passphrase_verify(None, "anything at all")
