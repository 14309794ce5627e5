"""Time-stamped logs say nothing about when an anonymous tip was sent: gunicorn leaves the tip
line's requests out of its access log, and the worker's log handlers drop lines naming its
tasks."""

import contextlib
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core import signing

from portal.log_privacy import DropAnonymousTasks

ROOT = Path(__file__).resolve().parents[2]
TRACK = signing.dumps("0f3c2f2e-1234-4321-aaaa-bbbbccccdddd", salt="records.track", compress=True)
PERMIT = signing.dumps("K7M2Q9", salt="parking.permit")


def _record(message, *args):
    return logging.LogRecord("celery.app.trace", logging.INFO, __file__, 1, message, args, None)


@pytest.mark.parametrize(
    "record",
    [
        _record("Task %s[%s] received", "tips.tip_notify_task", "5c1d"),
        _record(
            "Task %(name)s[%(id)s] succeeded in %(runtime)ss: %(return_value)s",
            {"name": "tips.attachment_scrub_task", "id": "a1", "runtime": 0.2, "return_value": 1},
        ),
    ],
)
def test_a_worker_line_naming_a_tip_task_is_dropped(record):
    assert DropAnonymousTasks().filter(record) is False


def test_other_tasks_are_still_logged():
    record = _record("Task %s[%s] received", "parking.ban_apply", "77")
    assert DropAnonymousTasks().filter(record) is True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> None:
    # The status does not matter here, only what the access log says.
    with contextlib.suppress(OSError):
        urllib.request.urlopen(url, timeout=10).read()  # noqa: S310 - our own local server


def test_gunicorn_leaves_the_tip_line_out_of_its_access_log(tmp_path):
    port = _free_port()
    access_log = tmp_path / "access.log"
    environment = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "GUNICORN_ACCESS_LOG": "1",
    }
    environment.pop("REDIS_URL", None)
    environment.pop("ANONYMOUS_PATH_PREFIXES", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "docker/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--worker-tmp-dir",
            str(tmp_path),
            "--access-logfile",
            str(access_log),
            "portal.wsgi:application",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        _get(base + "/healthz/live")
        _get(base + f"/records/track/{TRACK}/")
        _get(base + f"/es/parking/permit/{PERMIT}/")
        _get(base + "/staff/invitation/Zq3xY8pL0aVbN2mK7tRc5wEo9uHs1dGf/")
        _get(base + "/tips/")
        _get(base + "/es/tips/check/")
        _get(base + "/healthz/live?again=1")
        for _ in range(50):
            if access_log.exists() and access_log.read_text().count("/healthz/live") >= 2:
                break
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=20)
    lines = access_log.read_text().splitlines()
    assert sum("/healthz/live" in line for line in lines) == 2
    assert not any("/tips/" in line for line in lines)
    # Signed links in paths are masked: whoever reads the log cannot open the page.
    log = "\n".join(lines)
    assert "/records/track/[link]/" in log and "/es/parking/permit/[link]/" in log
    assert "/staff/invitation/[link]/" in log
    assert TRACK not in log and PERMIT not in log and "Zq3xY8pL0aVbN2mK" not in log
