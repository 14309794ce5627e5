"""A whole stack of our own, on free ports, for fault tests and the snow-night benchmark: a
throwaway PostgreSQL cluster, a Redis server, an SMTP sink, Celery workers and gunicorn, each a
process this module starts, can kill or restart, and stops. Nothing here touches the machine's
own PostgreSQL (5432) or Redis (6379)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Debian's PostgreSQL server programs (initdb, pg_ctl), the newest installed version.
PG_BIN = Path(
    os.environ.get("PG_BIN")
    or max(Path("/usr/lib/postgresql").glob("*/bin"), default=Path("/nonexistent"))
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
        return True
    return False


def wait_until(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"{what}: not within {timeout}s")


def _as_postgres() -> list[str]:
    """PostgreSQL refuses to run as root: run its programs as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"]
    return []


class Postgres:
    """A PostgreSQL cluster in a temporary directory, on a free port, trust authentication."""

    def __init__(self, workdir: Path, *, settings: dict[str, str] | None = None):
        # Its own directory under /tmp: the postgres user must reach it, and pytest's and the
        # caller's directories are private to root.
        self.home = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        self.dir = self.home / "pgdata"
        self.port = free_port()
        self.settings = settings or {}
        self.log = self.home / "postgres.log"

    def _run(self, *args: str, timeout: float = 120) -> None:
        subprocess.run(
            [*_as_postgres(), *args], check=True, timeout=timeout, capture_output=True, text=True
        )

    def init(self) -> Postgres:
        self.dir.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            shutil.chown(self.home, "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.dir), "-U", "postgres", "-A", "trust")
        conf = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.dir}'",
            "fsync": "on",
            "max_connections": "200",
            "shared_buffers": "128MB",
            **self.settings,
        }
        with (self.dir / "postgresql.conf").open("a") as f:
            for key, value in conf.items():
                f.write(f"{key} = {value}\n")
        return self

    def start(self) -> Postgres:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-l", str(self.log), "-w", "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        if (self.dir / "postmaster.pid").exists():
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        """Stop it and delete its files."""
        self.stop(mode="immediate")
        shutil.rmtree(self.home, ignore_errors=True)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str) -> str:
        self._run(
            str(PG_BIN / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            name,
        )
        return self.url(name)


class Redis:
    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    def start(self) -> Redis:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: listening(self.port), 20, "redis-server")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


class SmtpSink:
    """tests/support/smtp_sink.py in a process of its own; every accepted message is a line in
    `accepted` (time, Message-ID, recipient). `control` (JSON) changes its answers while it
    runs: {"tempfail_until": <epoch seconds>, "reject": ["address", ...], "delay": seconds}."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.accepted = workdir / "smtp-accepted.log"
        self.control = workdir / "smtp-control.json"
        self.process: subprocess.Popen | None = None

    def start(self) -> SmtpSink:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.smtp_sink",
                "--port",
                str(self.port),
                "--log",
                str(self.accepted),
                "--control",
                str(self.control),
            ],
            cwd=ROOT,
        )
        wait_until(lambda: listening(self.port), 20, "SMTP sink")
        return self

    def set(self, **control) -> None:
        import json

        tmp = self.control.with_suffix(".tmp")
        tmp.write_text(json.dumps(control))
        tmp.replace(self.control)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def lines(self) -> list[tuple[float, str, str]]:
        if not self.accepted.exists():
            return []
        found = []
        for line in self.accepted.read_text().splitlines():
            parts = line.split(" ")
            if len(parts) == 3:
                found.append((float(parts[0]), parts[1], parts[2]))
        return found

    def counts(self) -> Counter:
        return Counter(message_id for _at, message_id, _to in self.lines())

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


class Process:
    """A child process in a process group of its own, so SIGKILL reaches its children too."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path, ready: str = ""):
        self.command, self.env, self.log_path, self.ready = command, env, log, ready
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> Process:
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if self.ready:
            wait_until(self._is_ready, timeout, f"{self.command[:4]} ready")
        return self

    def _is_ready(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.command[:4]} exited:\n{self.tail()}")
        return self.ready in self.log_path.read_text(errors="replace")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL to the whole group: no goodbye, as when the machine takes it."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def portal_env(*, database_url: str, redis_url: str, smtp_url: str, **extra: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_URL": smtp_url,
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def celery_worker(
    env: dict,
    log: Path,
    *,
    name: str,
    queues: str = "celery,bulk",
    concurrency: int = 2,
    pool: str = "prefork",
    beat: bool = False,
) -> Process:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "portal",
        "worker",
        "-Q",
        queues,
        f"--pool={pool}",
        f"--concurrency={concurrency}",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"{name}@%h",
    ]
    if beat:
        command += ["--beat", "--schedule", str(log.parent / f"beat-{name}")]
    return Process(command, env, log, ready=" ready.")


def gunicorn(env: dict, log: Path, *, port: int, workers: int = 2) -> Process:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "portal.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--timeout",
        "30",
    ]
    return Process(command, env, log, ready="Booting worker")


def manage(env: dict, *args: str, timeout: float = 600) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def http_status(url: str, timeout: float = 5) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - ours
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


class Background(threading.Thread):
    """Calls `step` until stopped; keeps what it returns."""

    def __init__(self, step, interval: float = 0.0):
        super().__init__(daemon=True)
        self.step, self.interval, self.results = step, interval, []
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.results.append(self.step())
            if self.interval:
                self._stop_event.wait(self.interval)

    def stop(self) -> list:
        self._stop_event.set()
        self.join(30)
        return self.results
