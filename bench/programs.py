"""Program and event pages under load, beside the bare view.

What it measures, and prints: requests per second and latency (p50, p95, p99) of the public
program list, two program pages (PAL from the demo, and a program with 500 events), the event
list and an event page with its sign-up form, each beside /healthz/live, served the way
production serves them (DEBUG=0, gunicorn, PostgreSQL, Redis cache), as bench/run.py does.
The target: each page's p50 within 1.5x the bare view's. The pages are cached whole in Redis by
the kernel's page cache (portal/services/page_cache.py), in a generation that every publish,
edit and sign-up ends; the figures are those of cache hits, which is what residents get between
two changes.

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
    ("neighborhood", "/neighborhoods/riverside/"),
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
                http_get(port, path)  # the first visit builds the page and stores it
                status, headers = http_get(port, path)
                if status != 200:
                    raise BenchError(f"{label} ({path}) answers {status}, not 200")
                cache_state = {k.lower(): v for k, v in headers.items()}.get("x-page-cache")
                print(f"  {label:<16} {path}: page cache {cache_state or 'not used'}")
            # The bare view is measured before and after each page, and each page is compared
            # with the mean of the two: on a busy machine the load changes within a run.
            bares = [measure(wrk, config, port, *BASELINE)]
            results = []
            for label, path in PAGES:
                results.append(measure(wrk, config, port, label, path))
                bares.append(measure(wrk, config, port, *BASELINE))
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    print()
    print(table([bares[0], *results]))
    print("\nEach page beside the bare view measured just before and after it:")
    print(f"{'page':<18} {'p50 ms':>8} {'bare p50':>9} {'x bare':>7} {'req/s x bare':>13}")
    slow = []
    for n, result in enumerate(results):
        bare_p50 = (bares[n].p50_ms + bares[n + 1].p50_ms) / 2
        bare_rps = (bares[n].requests_per_s + bares[n + 1].requests_per_s) / 2
        ratio = result.p50_ms / bare_p50 if bare_p50 else float("nan")
        rps_ratio = result.requests_per_s / bare_rps if bare_rps else float("nan")
        print(
            f"{result.label:<18} {result.p50_ms:>8.2f} {bare_p50:>9.2f} {ratio:>7.2f} "
            f"{rps_ratio:>13.3f}"
        )
        if ratio > 1.5:
            slow.append(result)
    print(f"\nTarget: p50 within 1.5x the bare view on {HOST}.")
    for result in slow:
        print(f"  over target: {result.label} p50 {result.p50_ms} ms")
    if any(r.non_2xx or r.socket_errors for r in [*bares, *results]):
        print("bench: some requests failed; the figures above are not trustworthy", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
