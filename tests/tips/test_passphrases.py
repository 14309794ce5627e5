"""Passphrases: at least seven diceware words and 90 bits in either language, peppered Argon2id."""

import math

import pytest

from portal import passphrases


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


def test_hash_parameters_are_sized_for_a_random_secret():
    from argon2 import extract_parameters

    stored = passphrases.passphrase_hash(passphrases.passphrase_generate(language="en"))
    parameters = extract_parameters(stored)
    assert parameters.type.name == "ID"
    assert parameters.memory_cost == passphrases.MEMORY_COST_KIB
    assert parameters.time_cost == passphrases.TIME_COST
    assert not passphrases.passphrase_needs_rehash(stored)


def test_a_hash_made_with_older_heavier_parameters_still_verifies():
    from argon2 import PasswordHasher

    phrase = passphrases.passphrase_generate(language="es")
    old = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    stored = old.hash(passphrases._peppered(phrase))
    assert passphrases.passphrase_verify(stored, phrase)
    assert not passphrases.passphrase_verify(stored, phrase + " extra")
    assert passphrases.passphrase_needs_rehash(stored)


def test_no_pepper_refuses_to_hash_rather_than_hash_without_one(settings):
    """The system check stops manage.py without the pepper; a server (which runs no checks)
    must refuse too, never store a hash made with an empty pepper."""
    from django.core.exceptions import ImproperlyConfigured

    settings.TIPS_PASSPHRASE_PEPPER = ""
    with pytest.raises(ImproperlyConfigured):
        passphrases.passphrase_hash(passphrases.passphrase_generate(language="en"))
