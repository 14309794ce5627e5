"""Starts and stops a real `celery worker` process for tests."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


class WorkerProcess:
    def __init__(self, *, database: dict, broker_url: str, mail_dir: Path, workdir: Path):
        self.database = database
        self.broker_url = broker_url
        self.mail_dir = mail_dir
        self.workdir = workdir
        self.process: subprocess.Popen | None = None
        self.log: list[str] = []
        self._ready = threading.Event()

    def environment(self) -> dict[str, str]:
        db = self.database
        user = db.get("USER") or "postgres"
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or 5432
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "1",
            "DATABASE_URL": f"postgres://{user}{password}@{host}:{port}/{db['NAME']}",
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            # The worker shares this process's cache namespace (the default prefix follows the
            # database name, which differs here: the test database).
            "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", ""),
            "EMAIL_URL": "filemail://",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "SMS_BACKEND": "portal.sms.ConsoleSMSBackend",
            # A quick beat, so the sweep's part in recovering from an outage is seen in tests.
            "NOTIFICATION_SWEEP_SECONDS": "1",
            "NOTIFICATION_SWEEP_GRACE_SECONDS": "1",
            "NOTIFICATION_RETRY_BASE_SECONDS": "1",
            "TIPS_PACKET_SWEEP_SECONDS": "1",
            # The worker reads its own settings, not the test's: its supervisors' digest may go
            # at any hour, so a test that asks for it passes just after midnight too.
            "SERVICE_REQUESTS_DIGEST_HOUR": "0",
            "PYTHONUNBUFFERED": "1",
        }

    def start(self, timeout: float = 60) -> None:
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.support.celery_worker_app",
            "worker",
            "--beat",
            # The default queue, bulk mail and the tip line's file cleaning (CELERY_TASK_ROUTES).
            "-Q",
            "celery,bulk,scrub",
            "--schedule",
            str(self.workdir / "beat-schedule"),
            "--pool=threads",
            "--concurrency=4",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"test-{os.getpid()}@%h",
        ]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        if not self._ready.wait(timeout):
            self.stop()
            raise RuntimeError("Celery worker did not start:\n" + "".join(self.log[-40:]))

    def _read(self) -> None:
        assert self.process and self.process.stdout
        for line in self.process.stdout:
            self.log.append(line)
            if " ready." in line:
                self._ready.set()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def mails(self) -> list[str]:
        """Every message the worker has sent, as raw text."""
        messages = []
        for path in sorted(self.mail_dir.glob("*.log")):
            text = path.read_text()
            messages.extend(m for m in text.split("-" * 79) if m.strip())
        return messages

    def wait_for(self, predicate, timeout: float = 30, interval: float = 0.2):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            time.sleep(interval)
        raise AssertionError(f"not true within {timeout}s; worker log:\n" + "".join(self.log[-40:]))
