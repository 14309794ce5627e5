"""Migrations that move data keep it: the bilingual texts moved to django-modeltranslation."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from parking.models import BlanketNight, SnowEmergency

BEFORE = [("parking", "0005_permit_recent_index")]
AFTER = [("parking", "0006_bilingual_fields_by_modeltranslation")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_hand_written_spanish_columns_move_to_modeltranslation_with_their_text():
    old = _migrate(BEFORE)
    try:
        start = datetime.datetime(2026, 12, 1, 22, 0, tzinfo=datetime.UTC)
        old.get_model("parking", "SnowEmergency").objects.create(
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=10),
            message_en="Plowing after the storm.",
            message_es="Limpieza de nieve después de la tormenta.",
        )
        old.get_model("parking", "BlanketNight").objects.create(
            night=datetime.date(2026, 12, 24), name_en="Christmas Eve", name_es="Nochebuena"
        )
    finally:
        _migrate(AFTER)
    ban = SnowEmergency.objects.get()
    blanket = BlanketNight.objects.get()
    assert (ban.message_en, ban.message_es) == (
        "Plowing after the storm.",
        "Limpieza de nieve después de la tormenta.",
    )
    assert (blanket.name_en, blanket.name_es) == ("Christmas Eve", "Nochebuena")
    with translation.override("es"):
        assert (ban.message, blanket.name) == (
            "Limpieza de nieve después de la tormenta.",
            "Nochebuena",
        )
    with translation.override("en"):
        assert (ban.message, blanket.name) == ("Plowing after the storm.", "Christmas Eve")
