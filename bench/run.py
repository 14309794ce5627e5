"""Load figures for the portal's public pages, each set beside a bare Django view.

What it measures: requests per second and latency (p50, p95, p99) of a few URLs, served the way
production serves them (DEBUG=0, gunicorn with sync workers, PostgreSQL, Redis as cache), under a
steady load from wrk on the same machine.

Why beside a bare view: absolute figures depend on the machine, so on their own they say little.
/healthz/live goes through the whole middleware stack but does no work of its own (no database,
no template), so it is the floor that every page pays. Each page is reported as a ratio to it,
and a ratio can be compared from one run, one machine and one change to the next. Later features
add their URLs to PAGES below and are compared with the same baseline.

Run it with `make bench` (or `.venv/bin/python bench/run.py` from the repository root). It needs
PostgreSQL and Redis on 127.0.0.1 and the wrk load generator (`apt-get install wrk`). Settings:

    BENCH_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/portal_bench (created if missing)
    BENCH_REDIS_URL     default redis://127.0.0.1:6379/15
    BENCH_DURATION      seconds of measured load per URL, default 10
    BENCH_WARMUP        seconds of unmeasured load per URL before that, default 2
    BENCH_CONNECTIONS   open connections kept by wrk, default 20

The table is printed and also written to bench/results/latest.json. bench/README.md explains how
to read the figures.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from urllib.parse import unquote, urlsplit

# --- What is measured: adding a URL is adding a line to PAGES -----------------------------------

BASELINE: tuple[str, str] = ("bare view", "/healthz/live")
PAGES: list[tuple[str, str]] = [
    ("home (en)", "/"),
    ("home (es)", "/es/"),
]
URLS: list[tuple[str, str]] = [BASELINE, *PAGES]

# --- How ----------------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "bench"
RESULTS_DIR = BENCH_DIR / "results"
LUA_REPORT = BENCH_DIR / "report.lua"
BIN = Path(sys.executable).parent

HOST = "127.0.0.1"
WORKERS = 2  # the machine the figures are taken on has 2 cores
WRK_THREADS = 2
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
STARTUP_TIMEOUT_S = 30.0
SETUP_TIMEOUT_S = 600.0
STOP_TIMEOUT_S = 10.0
BUSY_PERCENT = 20.0  # CPU time taken by other programs just before the run: warn above this


class BenchError(Exception):
    """Something the person running the benchmark must fix; printed without a traceback."""


@dataclass(frozen=True)
class Config:
    database_url: str
    redis_url: str
    duration_s: int
    warmup_s: int
    connections: int

    @property
    def threads(self) -> int:
        return min(WRK_THREADS, self.connections)  # wrk needs a connection per thread


@dataclass(frozen=True)
class Result:
    label: str
    path: str
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    non_2xx: int  # wrk's status errors: responses of 400 and above
    socket_errors: int  # connect, read, write errors and timeouts
    requests: int
    bytes_per_response: int


# --- Configuration ------------------------------------------------------------------------------


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BenchError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise BenchError(f"{name} must be 1 or more, not {value}")
    return value


def load_config() -> Config:
    return Config(
        database_url=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL,
        redis_url=os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL,
        duration_s=env_int("BENCH_DURATION", 10),
        warmup_s=env_int("BENCH_WARMUP", 2),
        connections=env_int("BENCH_CONNECTIONS", 20),
    )


def bench_secrets() -> dict[str, str]:
    """Every secret production mode requires, as `manage.py portal_secrets` makes them (a secret
    key, each feature's encryption keys, the passphrase pepper), for the bench database: made
    once and kept in bench/results/ (gitignored), since data written by one run must stay
    readable by the next. A file from an older run gets the secrets it lacks added."""
    path = RESULTS_DIR / "secrets.json"
    made = json.loads(path.read_text()) if path.exists() else {}
    # Made in development mode, which needs none of them set.
    env = {**os.environ, "DEBUG": "1"}
    output = subprocess.run(
        [sys.executable, "manage.py", "portal_secrets"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fresh = dict(line.split("=", 1) for line in output.splitlines())
    missing = {name: value for name, value in fresh.items() if name not in made}
    if missing:
        made.update(missing)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(made))
        path.chmod(0o600)
    return made


def bench_django(database_url: str, **extra: str) -> None:
    """This process as the portal in production mode (DEBUG=0) on `database_url`, migrated, for
    the benchmarks that render pages in-process with Django's test client: every secret from
    bench_secrets() (the registry's list), the cache in memory (no Redis), mail to nowhere, and
    plain static URLs (no collectstatic). `extra`: settings of the benchmark's own."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            **bench_secrets(),
            "ALLOWED_HOSTS": "testserver,127.0.0.1",
            "STAFF_REQUIRE_2FA": "0",
            "EMAIL_URL": "dummymail://",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            **extra,
        }
    )
    os.environ.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=REPO,
        env=os.environ,
        check=True,
    )
    import django

    django.setup()
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def portal_env(config: Config, static_root: Path) -> dict[str, str]:
    """The portal in production mode, as far as a plain-HTTP run on 127.0.0.1 allows."""
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        **bench_secrets(),
        ALLOWED_HOSTS=f"{HOST},localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        STATIC_ROOT=str(static_root),
        DATABASE_URL=config.database_url,
        REDIS_URL=config.redis_url,
        CELERY_BROKER_URL=config.redis_url,
        MAINTENANCE_MODE="0",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


# --- Preparing the portal -----------------------------------------------------------------------


def find_wrk() -> str | None:
    return shutil.which("wrk") or ("/usr/bin/wrk" if Path("/usr/bin/wrk").exists() else None)


def ensure_database(database_url: str) -> None:
    """Create the benchmark database on the server if it is not there yet."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(database_url)
    name = unquote(parts.path.lstrip("/"))
    if parts.scheme not in ("postgres", "postgresql", "pgsql") or not name:
        raise BenchError(
            f"BENCH_DATABASE_URL must be a postgres://…/<database> URL: {database_url}"
        )
    try:
        conn = psycopg2.connect(
            host=parts.hostname or HOST,
            port=parts.port or 5432,
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password) if parts.password else None,
            dbname="postgres",
            connect_timeout=5,
        )
    except psycopg2.OperationalError as exc:
        raise BenchError(f"PostgreSQL is not reachable at {parts.hostname}: {exc}") from exc
    try:
        conn.autocommit = True  # CREATE DATABASE cannot run inside a transaction
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"Created database {name}")
    finally:
        conn.close()


def manage(env: dict[str, str], *args: str) -> None:
    """Run a management command; its output is shown only if it fails."""
    command = [sys.executable, "manage.py", *args]
    print(f"  manage.py {' '.join(args)}")
    done = subprocess.run(
        command,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=SETUP_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(
            f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        )


def prepare(env: dict[str, str]) -> None:
    print("Preparing the portal (DEBUG=0)")
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "demo_setup")  # no --users: refused with DEBUG=0


# --- Serving it ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def http_get(port: int, path: str, timeout_s: float = 5.0) -> tuple[int, dict[str, str]]:
    """One GET on 127.0.0.1 that does not follow redirects: (status, headers)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout_s)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()


@contextmanager
def gunicorn(env: dict[str, str], port: int, log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn serving the portal on 127.0.0.1:port; stopped on the way out, whatever happens."""
    executable = BIN / "gunicorn"
    if not executable.exists():
        raise BenchError(f"{executable} is missing: run `make install` first")
    command = [
        str(executable),
        "portal.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={WORKERS}",
        "--worker-class=sync",
        "--log-level=warning",
    ]
    with log_path.open("wb") as log:
        # Its own session: a Ctrl-C reaches only this script, which then stops gunicorn in order.
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()  # SIGTERM: gunicorn finishes the requests in flight and exits
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT_S)


def wait_until_live(process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited ({process.returncode}):\n{tail(log_path)}")
        try:
            if http_get(port, BASELINE[1], timeout_s=1.0)[0] == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer {BASELINE[1]} within {STARTUP_TIMEOUT_S:.0f} s")


def tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def check_answers(port: int) -> None:
    """Every URL must answer 200 itself: wrk counts only 4xx/5xx as errors, so a redirect (to
    the Spanish page, to HTTPS, to a login) would otherwise be measured as if it were the page."""
    for label, path in URLS:
        try:
            status, headers = http_get(port, path)
        except OSError as exc:
            raise BenchError(f"{label} ({path}) did not answer: {exc}") from exc
        if status != 200:
            where = f" -> {headers['location']}" if "location" in headers else ""
            raise BenchError(f"{label} ({path}) answers {status}{where}, not 200")


# --- Loading it ---------------------------------------------------------------------------------


def run_wrk(wrk: str, config: Config, url: str, seconds: int) -> dict[str, float]:
    command = [
        wrk,
        f"--threads={config.threads}",
        f"--connections={config.connections}",
        f"--duration={seconds}s",
        "--timeout=5s",
        f"--script={LUA_REPORT}",
        url,
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            raw: dict[str, float] = json.loads(line.removeprefix("BENCH_RESULT "))
            break
    else:
        raise BenchError(f"wrk gave no result ({done.returncode}):\n{done.stdout}{done.stderr}")
    if raw["duration_s"] < 0.9 * seconds:  # wrk stops early, and still reports, on a SIGINT
        raise BenchError(f"wrk stopped after {raw['duration_s']:.1f} s of {seconds} s")
    return raw


def measure(wrk: str, config: Config, port: int, label: str, path: str) -> Result:
    url = f"http://{HOST}:{port}{path}"
    print(f"  {label:<16} {path}", flush=True)
    run_wrk(wrk, config, url, config.warmup_s)  # warm-up: figures thrown away
    raw = run_wrk(wrk, config, url, config.duration_s)
    requests = int(raw["requests"])
    return Result(
        label=label,
        path=path,
        requests_per_s=round(raw["requests_per_s"], 1),
        p50_ms=round(raw["p50_us"] / 1000, 2),
        p95_ms=round(raw["p95_us"] / 1000, 2),
        p99_ms=round(raw["p99_us"] / 1000, 2),
        non_2xx=int(raw["errors_status"]),
        socket_errors=int(
            raw["errors_connect"] + raw["errors_read"] + raw["errors_write"] + raw["errors_timeout"]
        ),
        requests=requests,
        bytes_per_response=round(raw["bytes"] / requests) if requests else 0,
    )


# --- Reporting ----------------------------------------------------------------------------------


def ratios(result: Result, baseline: Result) -> dict[str, float | None]:
    """p50 as a multiple of the bare view's (1.0 = as fast), requests/s as a fraction of it."""
    return {
        "p50_vs_bare": round(result.p50_ms / baseline.p50_ms, 2) if baseline.p50_ms else None,
        "rps_vs_bare": (
            round(result.requests_per_s / baseline.requests_per_s, 3)
            if baseline.requests_per_s
            else None
        ),
    }


def fmt_ratio(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def table(results: list[Result]) -> str:
    baseline = results[0]
    header = (
        f"{'URL':<20} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'non-2xx':>8} {'sock err':>8} {'p50 x bare':>10} {'req/s x bare':>12}"
    )
    rows = [header, "-" * len(header)]
    for result in results:
        ratio = ratios(result, baseline)
        rows.append(
            f"{result.path:<20} {result.requests_per_s:>9.1f} {result.p50_ms:>8.2f} "
            f"{result.p95_ms:>8.2f} {result.p99_ms:>8.2f} {result.non_2xx:>8} "
            f"{result.socket_errors:>8} {fmt_ratio(ratio['p50_vs_bare'], 2):>10} "
            f"{fmt_ratio(ratio['rps_vs_bare'], 3):>12}"
        )
    return "\n".join(rows)


def git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except OSError:
        return None
    return done.stdout.strip() or None


def cpu_times() -> tuple[int, int] | None:
    """(busy, total) jiffies of all CPUs since boot, from Linux's /proc/stat."""
    try:
        fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    total = sum(fields[:8])  # user nice system idle iowait irq softirq steal (guest is in user)
    return total - idle, total


def cpu_busy_percent(sample_s: float = 1.0) -> float | None:
    """How busy the CPUs are right now, before we add any load: whatever else runs on the
    machine competes with gunicorn and wrk for the same cores."""
    start = cpu_times()
    time.sleep(sample_s)
    end = cpu_times()
    if start is None or end is None or end[1] == start[1]:
        return None
    return round(100 * (end[0] - start[0]) / (end[1] - start[1]), 1)


def warn_if_busy(busy: float | None) -> None:
    if busy is not None and busy > BUSY_PERCENT:
        print(
            f"Note: other programs are using {busy:.0f}% of the CPUs; the figures will be "
            "noisy. Run again when the machine is quiet."
        )


def write_json(results: list[Result], config: Config, cpu_busy: float | None, path: Path) -> None:
    baseline = results[0]
    report = {
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "baseline": baseline.path,
        "settings": {
            "duration_s": config.duration_s,
            "warmup_s": config.warmup_s,
            "connections": config.connections,
            "wrk_threads": config.threads,
            "gunicorn_workers": WORKERS,
            "cpus": os.cpu_count(),
        },
        "cpu_busy_before_percent": cpu_busy,
        "results": [{**asdict(r), **ratios(r, baseline)} for r in results],
    }
    path.write_text(json.dumps(report, indent=2) + "\n")


# --- Main ---------------------------------------------------------------------------------------


def raise_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds through the `finally` that stops gunicorn


def run(wrk: str, config: Config) -> list[Result]:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    ensure_database(config.database_url)
    env = portal_env(config, static_root=RESULTS_DIR / "static")
    prepare(env)
    port = free_port()
    log_path = RESULTS_DIR / "gunicorn.log"
    print(f"Starting gunicorn on {HOST}:{port} ({WORKERS} workers)")
    with gunicorn(env, port, log_path) as process:
        wait_until_live(process, port, log_path)
        check_answers(port)
        print(
            f"Loading each URL: {config.warmup_s} s warm-up, then {config.duration_s} s with "
            f"{config.connections} connections on {config.threads} wrk threads"
        )
        return [measure(wrk, config, port, label, path) for label, path in URLS]


def main() -> int:
    signal.signal(signal.SIGTERM, raise_on_sigterm)
    wrk = find_wrk()
    if wrk is None:
        print("wrk is not installed. Install it with: sudo apt-get install wrk", file=sys.stderr)
        return 2
    busy = cpu_busy_percent()
    warn_if_busy(busy)
    try:
        config = load_config()
        results = run(wrk, config)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nbench: interrupted", file=sys.stderr)
        return 130
    print()
    print(table(results))
    if busy is not None:
        print(f"\nCPU use by other programs just before the run: {busy:.0f}%")
    out = RESULTS_DIR / "latest.json"
    write_json(results, config, busy, out)
    print(f"Written to {out.relative_to(REPO)}")
    if any(r.non_2xx or r.socket_errors for r in results):
        print("bench: some requests failed; the figures above are not trustworthy", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
