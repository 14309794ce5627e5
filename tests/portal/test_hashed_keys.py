"""Keys the portal issues to machines (handheld devices, booking systems, Open311 applications)
are kept one way, by the kernel's `HashedKey`: only a SHA-256 and the first characters are
stored, a revoked key opens nothing, and a key's last use is noted at most every few minutes."""

import datetime

import pytest
import time_machine
from django.apps import apps
from django.utils import timezone, translation

from custody.models import BookingSystem
from portal.models import AuditEntry
from portal.services.keys import hashed_key_authenticate, hashed_key_revoke
from portal.staff_models import HashedKey, StaffInvitation, StaffToken, key_hash
from records.models import RecordCheckLetter
from service_requests.models import Open311Client

pytestmark = pytest.mark.django_db


def test_every_model_keeping_a_revocable_hashed_key_extends_the_kernels_base():
    keyed = [
        model
        for model in apps.get_models()
        if {"key_hash", "revoked_at"} <= {field.name for field in model._meta.fields}
    ]
    assert set(keyed) == {StaffToken, BookingSystem, Open311Client}
    assert all(issubclass(model, HashedKey) for model in keyed)


def test_a_new_key_is_kept_only_as_its_hash_and_first_characters():
    system = BookingSystem(name="County jail")
    key = system.set_new_key()
    assert len(key) >= 43  # 256 random bits
    assert system.key_hash == key_hash(key) and key not in system.key_hash
    assert system.prefix == key[:8]
    assert system.set_new_key() != key


def test_a_key_opens_its_row_until_it_is_revoked():
    system = BookingSystem(name="County jail")
    key = system.set_new_key()
    system.save()
    assert hashed_key_authenticate(BookingSystem.objects.all(), key) == system
    assert hashed_key_authenticate(BookingSystem.objects.all(), "not-a-key") is None
    assert hashed_key_authenticate(BookingSystem.objects.all(), "") is None
    BookingSystem.objects.filter(pk=system.pk).update(revoked_at=timezone.now())
    assert hashed_key_authenticate(BookingSystem.objects.all(), key) is None


def test_the_last_use_is_noted_at_most_every_five_minutes():
    system = BookingSystem(name="County jail")
    key = system.set_new_key()
    system.save()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert hashed_key_authenticate(BookingSystem.objects.all(), key).last_used_at == start
    with time_machine.travel(start + datetime.timedelta(minutes=4), tick=False):
        hashed_key_authenticate(BookingSystem.objects.all(), key)
    system.refresh_from_db()
    assert system.last_used_at == start
    later = start + datetime.timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        hashed_key_authenticate(BookingSystem.objects.all(), key)
    system.refresh_from_db()
    assert system.last_used_at == later


def test_a_key_is_revoked_once_a_second_revoke_writes_nothing():
    system = BookingSystem(name="County jail")
    system.set_new_key()
    system.save()
    assert hashed_key_revoke(system, actor=None, action="custody.bookingsystem.revoked")
    system.refresh_from_db()
    revoked_at = system.revoked_at
    assert not hashed_key_revoke(system, actor=None, action="custody.bookingsystem.revoked")
    system.refresh_from_db()
    assert system.revoked_at == revoked_at
    assert AuditEntry.objects.filter(action="custody.bookingsystem.revoked").count() == 1


def test_revoked_takes_the_gender_of_each_models_noun_in_spanish():
    # Django merges every app's catalog: one bare "revoked" would give every model one gender,
    # and a kernel's entry would override an app's own (records' letters are "anuladas").
    models = [BookingSystem, StaffToken, Open311Client, RecordCheckLetter]
    with translation.override("es"):
        labels = {m.__name__: str(m._meta.get_field("revoked_at").verbose_name) for m in models}
    assert labels == {
        "BookingSystem": "revocado",  # un sistema de fichajes
        "StaffToken": "revocado",  # un token de dispositivo
        "Open311Client": "revocada",  # una aplicación
        "RecordCheckLetter": "anulada",  # una carta
    }


def test_created_takes_the_gender_of_each_models_noun_in_spanish():
    models = [BookingSystem, StaffToken, StaffInvitation]
    with translation.override("es"):
        labels = {m.__name__: str(m._meta.get_field("created_at").verbose_name) for m in models}
    assert labels == {
        "BookingSystem": "creado",  # un sistema de fichajes
        "StaffToken": "creado",  # un token de dispositivo
        "StaffInvitation": "creada",  # una invitación
    }
