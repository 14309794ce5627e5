"""The production boot, end to end, in the suite: docker/smoke-local.sh (docs/operations.md, "The
smoke check") on a PostgreSQL cluster and a Redis of the test's own.

The script does what an installation does with DEBUG=0 and throw-away secrets (collectstatic,
migrate, the demo department, gunicorn with docker/gunicorn.conf.py, a Celery worker, beat, an
SMTP sink), then docker/smoke.py sends a tip with a photo and a video and a records request and
waits for the worker's mail and the scrubber's verdict. The container image runs the same check
(`make smoke`) where a container engine exists; this machine has none, so the suite runs this one.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import stack

pytestmark = [pytest.mark.faults]

LIMIT = 420  # seconds: about 100 on an idle 2-core machine


def test_the_portal_boots_in_production_mode_and_serves_its_first_residents(tmp_path):
    postgres = stack.Postgres(tmp_path).init().start()
    redis = stack.Redis(tmp_path).start()
    try:
        env = stack.portal_env(
            database_url=postgres.create_database("portal"),
            redis_url=redis.url(),
            smtp_url="",  # the script points mail at its own sink
            VENV=str(Path(sys.executable).parent.parent),
            SMOKE_PORT=str(stack.free_port()),
            SMOKE_MAIL_PORT=str(stack.free_port()),
            SMOKE_SMTP_PORT=str(stack.free_port()),
        )
        for name in ("CELERY_TASK_ALWAYS_EAGER", "DEBUG", "EMAIL_URL"):
            env.pop(name, None)  # the script sets what production mode needs
        # A session of its own: on a timeout the whole group goes (gunicorn, worker, beat, sink).
        script = subprocess.Popen(
            ["bash", "docker/smoke-local.sh"],
            cwd=stack.ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            output, _ = script.communicate(timeout=LIMIT)
        except subprocess.TimeoutExpired:
            os.killpg(script.pid, signal.SIGKILL)
            output, _ = script.communicate()
            pytest.fail(f"the smoke check took over {LIMIT}s:\n{output[-4000:]}")
        assert script.returncode == 0, output[-4000:]
        assert "[smoke] PASSED" in output
    finally:
        redis.stop()
        postgres.remove()
