"""Settings singletons kept a moment in the process's memory (portal.singletons)."""

import time

import pytest
from celery.signals import task_prerun
from django.core.cache import cache

from parking.models import ParkingRules
from portal.models import DepartmentSettings

pytestmark = pytest.mark.django_db


def _changed_elsewhere(**values) -> None:
    """What another process's save looks like from here: the row and the shared cache change,
    and no signal reaches this process."""
    DepartmentSettings.objects.filter(pk=1).update(**values)
    cache.delete(DepartmentSettings.get_cache_key())


def test_read_from_memory_within_the_window_then_afresh(settings):
    settings.SOLO_LOCAL_SECONDS = 1.0  # long enough for a slow machine's update in between
    assert DepartmentSettings.get_solo().town == ""
    _changed_elsewhere(town="Hartford")
    assert DepartmentSettings.get_solo().town == "", "held for the window"
    time.sleep(1.05)
    assert DepartmentSettings.get_solo().town == "Hartford"


def test_no_queries_and_no_cache_reads_within_the_window(settings, django_assert_num_queries):
    settings.SOLO_LOCAL_SECONDS = 60
    DepartmentSettings.get_solo()
    cache.delete(DepartmentSettings.get_cache_key())
    with django_assert_num_queries(0):
        assert DepartmentSettings.get_solo().pk == 1
    assert cache.get(DepartmentSettings.get_cache_key()) is None


def test_a_save_in_this_process_is_seen_at_once(settings):
    settings.SOLO_LOCAL_SECONDS = 60
    rules = ParkingRules.get_solo()
    rules.max_consecutive_nights = 2
    rules.save()
    assert ParkingRules.get_solo().max_consecutive_nights == 2
    department = DepartmentSettings.get_solo()
    department.time_zone = "America/Chicago"
    department.save()
    assert DepartmentSettings.get_solo().time_zone == "America/Chicago"


def test_each_caller_gets_its_own_copy(settings):
    settings.SOLO_LOCAL_SECONDS = 60
    first = DepartmentSettings.get_solo()
    first.town = "Changed by one request"
    assert DepartmentSettings.get_solo().town == ""
    assert DepartmentSettings.get_solo() is not DepartmentSettings.get_solo()


def test_a_celery_task_reads_afresh(settings):
    settings.SOLO_LOCAL_SECONDS = 60
    DepartmentSettings.get_solo()
    _changed_elsewhere(town="West Hartford")
    task_prerun.send(sender=None, task_id="t", task=None, args=(), kwargs={})
    assert DepartmentSettings.get_solo().town == "West Hartford"


def test_zero_seconds_turns_it_off(settings):
    settings.SOLO_LOCAL_SECONDS = 0
    DepartmentSettings.get_solo()
    _changed_elsewhere(town="East Hartford")
    assert DepartmentSettings.get_solo().town == "East Hartford"
