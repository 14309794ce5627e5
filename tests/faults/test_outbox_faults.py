"""Faults during a storm of mail, on a stack of the tests' own (tests/support/stack.py): a
throwaway PostgreSQL cluster, a Redis server, an SMTP sink counting by Message-ID, real Celery
workers and gunicorn, each on a free port, each stopped at the end. Nothing here touches the
machine's PostgreSQL or Redis. Each test is bounded in time (FAULT_TIMEOUT) and runs in CI;
`pytest -m faults` runs them alone.

What they prove (portal/services/notifications/):
- a worker SIGKILLed mid-storm and started again: every message accepted by the server, and a
  message accepted twice only in the measured window (server's acceptance to our commit), one
  per worker process at most, and that message says so in admin;
- Redis restarted mid-storm: nothing lost (the sweep), public pages answer meanwhile;
- PostgreSQL restarted: the 503 page, then the portal answers again by itself;
- 451 for a while: back-off, then everything delivered once; 550 for one address: that message
  failed with the server's reason, the rest delivered.
"""

import json
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from tests.support import stack

pytestmark = [pytest.mark.faults, pytest.mark.timeout_seconds(240)]

FAULT_TIMEOUT = 120  # seconds any wait in these tests may take before the test fails
ROOT = stack.ROOT


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A PostgreSQL cluster of the module's own, migrated once."""
    workdir = tmp_path_factory.mktemp("faults-pg")
    postgres = stack.Postgres(workdir).init().start()
    try:
        url = postgres.create_database("portal")
        stack.manage(_env(url, "redis://127.0.0.1:1/0", "smtp://127.0.0.1:1"), "migrate")
        postgres.database_url = url
        yield postgres
    finally:
        postgres.remove()


@pytest.fixture
def redis(tmp_path):
    server = stack.Redis(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def sink(tmp_path):
    server = stack.SmtpSink(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def processes():
    """Every worker and web server a test starts; all stopped at the end, whatever happened."""
    started: list[stack.Process] = []
    yield started
    for process in started:
        process.stop()


def _env(database_url: str, redis_url: str, smtp_url: str) -> dict:
    return stack.portal_env(
        database_url=database_url,
        redis_url=redis_url,
        smtp_url=smtp_url,
        DEBUG="1",
        EMAIL_TIMEOUT="3",
        NOTIFICATION_SENDING_LEASE_SECONDS="4",
        NOTIFICATION_RETRY_BASE_SECONDS="1",
        NOTIFICATION_SWEEP_SECONDS="1",
        NOTIFICATION_SWEEP_GRACE_SECONDS="2",
        NOTIFICATION_BATCH_SIZE="20",
    )


@pytest.fixture
def env(cluster, redis, sink):
    return _env(cluster.database_url, redis.url(), sink.url)


def _worker(env, tmp_path, processes, name="w1") -> stack.Process:
    worker = stack.celery_worker(env, tmp_path / f"{name}.log", name=name, beat=True)
    processes.append(worker)
    return worker.start()


def _script(env, *args) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "tests.support.outbox_script", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def _status(env, prefix) -> dict:
    return _script(env, "status", "--prefix", prefix)


def _settled(env, prefix, count):
    """Every message of the prefix is sent or failed: the state, else None."""
    state = _status(env, prefix)
    done = state["status"].get("sent", 0) + state["status"].get("failed", 0)
    return state if done == count else None


def _accepted(sink, state) -> Counter:
    """How often the server accepted each of the prefix's messages (by Message-ID)."""
    ids = {f"<{pk}@localhost>": pk for pk in state["ids"]}
    counts = Counter()
    for message_id, times in sink.counts().items():
        if message_id in ids:
            counts[ids[message_id]] += times
    return counts


def test_a_worker_killed_mid_storm_loses_nothing_and_repeats_only_in_the_window(
    env, sink, tmp_path, processes
):
    count = 400
    sink.set(delay=0.004)  # a storm long enough to be caught in the middle
    worker = _worker(env, tmp_path, processes)
    _script(env, "enqueue", "--count", str(count), "--prefix", "kill")
    stack.wait_until(lambda: len(sink.lines()) >= count // 4, FAULT_TIMEOUT, "a quarter sent")
    worker.kill()  # SIGKILL to the worker and its pool: no goodbye
    before = len(sink.lines())
    assert before < count, "the storm ended before the worker was killed: no fault was tested"

    _worker(env, tmp_path, processes, name="w2")
    state = stack.wait_until(lambda: _settled(env, "kill", count), FAULT_TIMEOUT, "all sent")

    accepted = _accepted(sink, state)
    assert state["status"] == {"sent": count}
    assert set(accepted) == set(state["ids"]), "a message the server never accepted"
    twice = {pk for pk, times in accepted.items() if times > 1}
    # A second acceptance happens only to a message the dead worker had handed to the server
    # and not yet marked sent: one in flight per pool process (2), and it is marked as resent.
    assert len(twice) <= 2
    assert twice <= set(state["resent"])
    assert max(accepted.values()) <= 2


def test_the_window_a_death_before_acceptance_sends_once_after_it_twice_and_says_so(
    env, sink, tmp_path, processes
):
    """The boundary of the remaining window, made certain: the server holds one message before
    accepting it and another after accepting it (before its reply), and the worker is killed
    while both are held. Each is then sent again after the lease."""
    sink.set(hold_before={"before-0@example.org": 90}, hold_after={"after-0@example.org": 90})
    # The worker waits for the held replies (a reply that never comes within EMAIL_TIMEOUT is
    # in the window too: the message is sent again, see docs/operations.md). Both pool processes
    # are held, so no sweep runs before the kill to hand the claims over (lease 4 s).
    env = {**env, "EMAIL_TIMEOUT": "300"}
    worker = _worker(env, tmp_path, processes)
    _script(env, "enqueue", "--count", "1", "--prefix", "before")
    _script(env, "enqueue", "--count", "1", "--prefix", "after")  # a task of its own
    stack.wait_until(
        lambda: (
            _status(env, "before")["status"] == {"sending": 1}
            and _status(env, "after")["status"] == {"sending": 1}
            and len(sink.lines()) == 1
        ),  # after-0 accepted, its reply held
        FAULT_TIMEOUT,
        "both held by the server",
    )
    worker.kill()
    sink.set()  # the server answers at once from now on
    _worker(env, tmp_path, processes, name="w2")

    before = stack.wait_until(lambda: _settled(env, "before", 1), FAULT_TIMEOUT, "sent")
    after = stack.wait_until(lambda: _settled(env, "after", 1), FAULT_TIMEOUT, "sent")
    # Killed before the server accepted it: accepted once, by the second worker.
    assert list(_accepted(sink, before).values()) == [1]
    # Killed after the server accepted it, before the mark: accepted twice, and it says so.
    assert list(_accepted(sink, after).values()) == [2]
    assert after["resent"] == list(after["ids"])
    assert before["status"] == after["status"] == {"sent": 1}


def test_redis_restarted_mid_storm_loses_nothing_and_the_site_stays_up(
    env, redis, sink, tmp_path, processes
):
    count = 300
    sink.set(delay=0.004)
    port = stack.free_port()
    web = stack.gunicorn(env, tmp_path / "web.log", port=port, workers=1)
    processes.append(web.start())
    _worker(env, tmp_path, processes)
    _script(env, "enqueue", "--count", str(count), "--prefix", "redis")
    stack.wait_until(lambda: len(sink.lines()) >= count // 5, FAULT_TIMEOUT, "a fifth sent")

    redis.stop()  # every queued task and cached page is gone with it
    pages = [stack.http_status(f"http://127.0.0.1:{port}{path}") for path in ("/", "/parking/")]
    redis_again = stack.Redis(tmp_path)
    redis_again.port = redis.port
    redis_again.start()
    try:
        assert pages == [200, 200], "a public page failed while Redis was down"
        state = stack.wait_until(lambda: _settled(env, "redis", count), FAULT_TIMEOUT, "all sent")
        accepted = _accepted(sink, state)
        assert state["status"] == {"sent": count}
        assert set(accepted) == set(state["ids"])
        assert {pk for pk, n in accepted.items() if n > 1} <= set(state["resent"])
        assert stack.http_status(f"http://127.0.0.1:{port}/") == 200
    finally:
        redis_again.stop()


def test_postgresql_restarted_the_503_page_then_the_portal_recovers_by_itself(
    cluster, env, sink, tmp_path, processes
):
    port = stack.free_port()
    web = stack.gunicorn(env, tmp_path / "web.log", port=port, workers=2)
    processes.append(web.start())
    _worker(env, tmp_path, processes)
    assert stack.http_status(f"http://127.0.0.1:{port}/parking/") == 200

    cluster.stop(mode="fast")
    try:
        down = [stack.http_status(f"http://127.0.0.1:{port}/parking/") for _ in range(4)]
    finally:
        cluster.start()
    assert down == [503] * 4

    # Neither gunicorn nor the worker is restarted: their stale connections are dropped and
    # opened again (CONN_HEALTH_CHECKS; Celery closes unusable connections around each task).
    stack.wait_until(
        lambda: stack.http_status(f"http://127.0.0.1:{port}/parking/") == 200,
        FAULT_TIMEOUT,
        "the portal answering again",
    )
    _script(env, "enqueue", "--count", "20", "--prefix", "pgback")
    state = stack.wait_until(lambda: _settled(env, "pgback", 20), FAULT_TIMEOUT, "all sent")
    assert state["status"] == {"sent": 20}
    assert set(_accepted(sink, state)) == set(state["ids"])


def test_451_for_a_while_backs_off_then_delivers_everything_once(env, sink, tmp_path, processes):
    count = 60
    _worker(env, tmp_path, processes)
    until = time.time() + 45  # "a minute", shortened (each look costs seconds on a busy CI)
    sink.set(tempfail_until=until)
    _script(env, "enqueue", "--count", str(count), "--prefix", "tempfail")
    during = stack.wait_until(
        lambda: (state := _status(env, "tempfail"))["put_off"] == count and state, 40, "put off"
    )
    assert time.time() < until, "the server's refusal ended before it was seen"
    assert "sent" not in during["status"]
    assert not sink.lines()
    state = stack.wait_until(lambda: _settled(env, "tempfail", count), FAULT_TIMEOUT, "all sent")
    accepted = _accepted(sink, state)
    assert state["status"] == {"sent": count}
    assert set(accepted) == set(state["ids"])
    assert max(accepted.values()) == 1


def test_550_for_one_address_fails_that_message_with_the_reason_and_delivers_the_rest(
    env, sink, tmp_path, processes
):
    count = 30
    sink.set(reject=["refuse-7@example.org"])
    _worker(env, tmp_path, processes)
    _script(env, "enqueue", "--count", str(count), "--prefix", "refuse")
    state = stack.wait_until(lambda: _settled(env, "refuse", count), FAULT_TIMEOUT, "all settled")
    assert state["status"] == {"sent": count - 1, "failed": 1}
    assert list(state["failed"]) == ["refuse-7@example.org"]
    assert "550" in state["failed"]["refuse-7@example.org"]
    assert "No such mailbox" in state["failed"]["refuse-7@example.org"]
    accepted = _accepted(sink, state)
    refused = next(pk for pk, to in state["ids"].items() if to == "refuse-7@example.org")
    assert refused not in accepted
    assert len(accepted) == count - 1


@pytest.fixture(autouse=True)
def _bounded(request):
    """Each test stops by itself: SIGALRM fails it after its time (no plugin needed)."""
    marker = request.node.get_closest_marker("timeout_seconds")
    seconds = marker.args[0] if marker else 240

    def expired(*_):
        raise TimeoutError(f"fault test exceeded {seconds}s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)
