"""Test-wide set-up.

Tests run against whatever DATABASE_URL and REDIS_URL say (PostgreSQL and Redis in CI). Tests
that need a real Celery worker are marked `worker`, those that drive Chromium `browser`; on a
machine without those services they are skipped, unless PORTAL_REQUIRE_SERVICES=1 (as in CI),
where a missing service fails the run instead of hiding it.
"""

import datetime
import os
import shutil
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from portal import roles
from portal.celery import app
from portal.clients import forget_local_counters
from portal.services.page_cache import page_cache_forget_local
from portal.singletons import forget_local_singletons
from portal.sms import LocmemSMSBackend
from tests.factories import UserFactory
from tests.support.proxy import TcpProxy
from tests.support.worker import WorkerProcess

# Playwright's sync API runs an event loop in the test thread; Django's ORM, used by the
# same tests to arrange data, would otherwise refuse to run beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.browser"]  # the browser and page fixtures

REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _missing(item) -> str | None:
    if item.get_closest_marker("worker"):
        if not os.environ.get("REDIS_URL"):
            return "needs REDIS_URL (a real Redis for the broker)"
        if not os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")):
            return "needs DATABASE_URL on PostgreSQL (a worker process shares the test database)"
    if item.get_closest_marker("faults"):
        from tests.support.stack import PG_BIN

        if not (PG_BIN / "initdb").exists() or not shutil.which("redis-server"):
            return "needs PostgreSQL's server programs (initdb) and redis-server"
    if item.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        reason = _missing(item)
        if reason is None:
            continue
        if REQUIRE_SERVICES:
            raise pytest.UsageError(f"PORTAL_REQUIRE_SERVICES=1 but {item.nodeid} {reason}")
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _isolated(settings, request):
    """Each test starts with an empty cache and runs tasks inline (worker tests undo that)."""
    cache.clear()
    page_cache_forget_local()
    forget_local_singletons()
    forget_local_counters()
    settings.SMS_BACKEND = "portal.sms.LocmemSMSBackend"
    LocmemSMSBackend.outbox.clear()
    app.conf.task_always_eager = not request.node.get_closest_marker("worker")
    yield
    cache.clear()
    page_cache_forget_local()
    forget_local_singletons()
    forget_local_counters()


@pytest.fixture
def at_local_noon():
    """Purges count whole days in the department's time zone. A test that runs near local
    midnight, with a daylight saving change between "now" and the day it travels to, would see
    a day boundary move under it: the clock starts at a local noon instead (and keeps ticking)."""
    import time_machine

    from portal.localtime import department_zone

    noon = datetime.datetime(2026, 1, 15, 12, 0, tzinfo=department_zone())
    with time_machine.travel(noon, tick=True):
        yield


@pytest.fixture
def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")


# --- Staff in each role ------------------------------------------------------------------------
# One way to make "a user in role X"; each app's tests ask for the role by its fixture name.
# Parking and programs each call theirs `officer` (tests/<app>/conftest.py names the alias).


@pytest.fixture
def user_in_role(db):
    """`user_in_role(roles.RECORDS_CLERKS, username="sam")`: a staff member in that role (no
    role: staff with no group), password "correct horse battery"."""

    def make(role: str | None = None, /, **fields):
        return UserFactory(roles=[role] if role else [], **fields)

    return make


@pytest.fixture
def parking_officer(user_in_role):
    return user_in_role(roles.PARKING_OFFICERS, username="night.officer")


@pytest.fixture
def community_officer(user_in_role):
    return user_in_role(roles.COMMUNITY_OFFICERS)


@pytest.fixture
def publisher(user_in_role):
    """A community officer who may also publish program pages."""
    user = user_in_role(roles.COMMUNITY_OFFICERS)
    user.user_permissions.add(Permission.objects.get(codename="publish_program"))
    return user


@pytest.fixture
def investigator(user_in_role):
    return user_in_role(roles.TIP_INVESTIGATORS, username="ivy", email="ivy@example.org")


@pytest.fixture
def clerk(user_in_role):
    return user_in_role(roles.RECORDS_CLERKS, username="carmen")


# --- The demo site -------------------------------------------------------------------------------


@pytest.fixture
def demo_settings(settings, tmp_path):
    """Settings the demo is loaded and served under; an app's conftest adds to them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


@pytest.fixture
def demo(live_server, demo_settings):
    """The live server with the demo data loaded (`make demo`)."""
    call_command("demo_setup", verbosity=0)
    return live_server


# --- Redis cut under the cache ------------------------------------------------------------------


@pytest.fixture
def cache_proxy(settings):
    """This process's cache reaches Redis through a proxy the test cuts (`cache_proxy.stop()`)
    and restores (`.start()`): a Redis outage with the real client and its real errors, without
    stopping the Redis every other test uses."""
    location = os.environ.get("REDIS_URL")
    if not location:
        if REQUIRE_SERVICES:
            pytest.fail("PORTAL_REQUIRE_SERVICES=1 but REDIS_URL is not set")
        pytest.skip("needs REDIS_URL (a real Redis under the cache)")
    redis = urlsplit(location)
    proxy = TcpProxy(redis.hostname or "127.0.0.1", redis.port or 6379).start()
    db = (redis.path or "/0").lstrip("/") or "0"
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": f"redis://127.0.0.1:{proxy.port}/{db}",
        }
    }
    yield proxy
    proxy.stop()


# --- A real Celery worker ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def broker_proxy():
    """Redis reached through a proxy that tests can cut, to play a broker outage."""
    redis = urlsplit(os.environ["REDIS_URL"])
    proxy = TcpProxy(redis.hostname or "127.0.0.1", redis.port or 6379).start()
    db = (redis.path or "/0").lstrip("/") or "0"
    proxy.url = f"redis://127.0.0.1:{proxy.port}/{db}"
    yield proxy
    proxy.stop()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, broker_proxy, tmp_path_factory):
    """A `celery worker` process (with embedded beat) on the test database and a real Redis
    broker, e-mail written to files the tests read."""
    worker = WorkerProcess(
        database=connection.settings_dict,
        broker_url=broker_proxy.url,
        mail_dir=tmp_path_factory.mktemp("mail"),
        workdir=tmp_path_factory.mktemp("worker"),
    )
    _use_broker(app, broker_proxy.url)
    worker.start()
    yield worker
    worker.stop()


def _use_broker(app, url: str) -> None:
    """Point this process's Celery producer at `url` (connection pools are made lazily)."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None
