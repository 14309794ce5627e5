"""Program and event pages under load, beside the bare view.

What it measures, and prints: requests per second and latency (p50, p95, p99) of the public
program list, two program pages (PAL from the demo, and a program with 500 events), the event
list and an event page with its sign-up form, each beside /healthz/live, served the way
production serves them (DEBUG=0, gunicorn, PostgreSQL, Redis cache), as bench/run.py does.
The target: each page's p50 within 1.5x the bare view's. Program pages cache their rendered
content in Redis, keyed by a content version that every publish, edit and sign-up bumps.

Run it from the repository root: `.venv/bin/python bench/programs.py`. It needs PostgreSQL,
Redis and wrk, like bench/run.py, and uses its own database (created if missing):

    BENCH_PROGRAMS_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/portal_programs_bench
    BENCH_REDIS_URL              default redis://127.0.0.1:6379/15
    BENCH_DURATION / BENCH_WARMUP / BENCH_CONNECTIONS as for bench/run.py
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (
    BASELINE,
    HOST,
    RESULTS_DIR,
    BenchError,
    Config,
    ensure_database,
    env_int,
    find_wrk,
    free_port,
    gunicorn,
    http_get,
    manage,
    measure,
    portal_env,
    raise_on_sigterm,
    table,
    wait_until_live,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_programs_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"

PAGES = [
    ("programs", "/programs/"),
    ("program: PAL", "/programs/pal/"),
    ("program: 500 ev.", "/programs/bench-500/"),
    ("events", "/events/"),
    ("event + form", "/events/pal-basketball/"),
    ("events (es)", "/es/events/"),
]

# A program with 500 upcoming events, made once (the demo loader does not touch it).
MAKE_BIG_PROGRAM = """
from datetime import timedelta
from django.utils import timezone
from programs.models import Event, Program
program, _ = Program.objects.update_or_create(
    slug="bench-500",
    defaults={"title_en": "Bench program", "title_es": "Programa de prueba",
              "summary_en": "500 events.", "summary_es": "500 eventos.",
              "body_en": "## Many events", "body_es": "## Muchos eventos",
              "status": "published"},
)
if program.events.count() < 500:
    start = timezone.now() + timedelta(days=1)
    Event.objects.bulk_create(
        Event(program=program, slug=f"bench-{n}", title_en=f"Session {n}",
              title_es=f"Sesión {n}", starts_at=start + timedelta(hours=n),
              ends_at=start + timedelta(hours=n, minutes=90), place_name="Gym",
              address="45 Park Avenue", registration="simple", capacity=20)
        for n in range(program.events.count(), 500)
    )
"""


def main() -> int:
    signal.signal(signal.SIGTERM, raise_on_sigterm)
    wrk = find_wrk()
    if wrk is None:
        print("wrk is not installed. Install it with: sudo apt-get install wrk", file=sys.stderr)
        return 2
    try:
        config = Config(
            database_url=os.environ.get("BENCH_PROGRAMS_DATABASE_URL") or DEFAULT_DATABASE_URL,
            redis_url=os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL,
            duration_s=env_int("BENCH_DURATION", 10),
            warmup_s=env_int("BENCH_WARMUP", 2),
            connections=env_int("BENCH_CONNECTIONS", 20),
        )
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        ensure_database(config.database_url)
        env = portal_env(config, static_root=RESULTS_DIR / "static")
        print("Preparing the portal (DEBUG=0)")
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        try:
            manage(env, "demo_setup")
        except BenchError as exc:
            # Another app's demo loader failing must not stop this benchmark: load ours alone.
            print(f"  demo_setup failed, loading the programs demo alone:\n{str(exc)[-300:]}")
            manage(env, "shell", "-c", "from programs.demo import load_demo; load_demo()")
        manage(env, "shell", "-c", MAKE_BIG_PROGRAM)
        port = free_port()
        log_path = RESULTS_DIR / "gunicorn-programs.log"
        with gunicorn(env, port, log_path) as process:
            wait_until_live(process, port, log_path)
            for label, path in PAGES:
                status, _ = http_get(port, path)
                if status != 200:
                    raise BenchError(f"{label} ({path}) answers {status}, not 200")
            results = [measure(wrk, config, port, *BASELINE)]
            results += [measure(wrk, config, port, label, path) for label, path in PAGES]
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    print()
    print(table(results))
    bare = results[0].p50_ms
    slow = [r for r in results[1:] if bare and r.p50_ms > 1.5 * bare]
    print(f"\nTarget: p50 within 1.5x the bare view ({1.5 * bare:.2f} ms) on {HOST}.")
    for result in slow:
        print(f"  over target: {result.label} p50 {result.p50_ms} ms")
    if any(r.non_2xx or r.socket_errors for r in results):
        print("bench: some requests failed; the figures above are not trustworthy", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
