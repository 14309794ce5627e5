"""Load figure for the tip line: 50 tipsters sending text-only tips at the same time.

The issue's target: p95 < 200 ms on PostgreSQL, with attachment scrubbing off the request path.
Served as bench/run.py serves the portal (DEBUG=0, gunicorn with 2 sync workers, PostgreSQL,
Redis); the same 50-way concurrent client measures the bare view (/healthz/live) first, so the
tip figure can be read beside it.

Run from the repository root: .venv/bin/python bench/tips.py
Settings: BENCH_DATABASE_URL, BENCH_REDIS_URL as for bench/run.py; BENCH_TIPSTERS (50) and
BENCH_ROUNDS (4: each tipster sends this many tips one after the other).
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

# bench/run.py is the sibling script, not a package.
from run import (
    HOST,
    BenchError,
    ensure_database,
    free_port,
    gunicorn,
    load_config,
    portal_env,
    prepare,
    wait_until_live,
)

KEY = "x3AwQx0Lw1nBlx6m4c6dwbm1nKpHqRYgB0tH0hHVp0Y="  # a throwaway key for the run only


def _one(port: int, method: str, path: str, body: bytes | None) -> tuple[float, int]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    started = time.perf_counter()
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return (time.perf_counter() - started) * 1000, response.status
    finally:
        conn.close()


def load(port: int, method: str, path: str, body_for, tipsters: int, rounds: int) -> dict:
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    gate = threading.Barrier(tipsters)

    def tipster(index: int) -> None:
        gate.wait()  # all start together
        for round_ in range(rounds):
            ms, status = _one(port, method, path, body_for(index, round_))
            with lock:
                latencies.append(ms)
                if status != 200:
                    failures.append(status)

    threads = [threading.Thread(target=tipster, args=(i,)) for i in range(tipsters)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "failures": len(failures),
        "per_s": len(latencies) / elapsed,
        "p50": statistics.median(latencies),
        "p95": latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))],
        "max": latencies[-1],
    }


def main() -> int:
    config = load_config()
    tipsters = int(os.environ.get("BENCH_TIPSTERS", "50"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "4"))
    ensure_database(config.database_url)
    with tempfile.TemporaryDirectory(prefix="bench-static") as static_root:
        env = portal_env(config, Path(static_root))
        env.update(
            FIELD_ENCRYPTION_KEYS=KEY,
            TIPS_PASSPHRASE_PEPPER=secrets.token_urlsafe(32),
            TIPS_SUBMISSIONS_PER_HOUR="1000000",  # every tipster shares 127.0.0.1 here
            MEDIA_ROOT=str(Path(static_root) / "media"),
        )
        prepare(env)
        port = free_port()
        log_path = Path(static_root) / "gunicorn.log"
        with gunicorn(env, port, log_path) as process:
            wait_until_live(process, port, log_path)
            conn = http.client.HTTPConnection(HOST, port, timeout=10)
            conn.request("GET", "/tips/")
            page = conn.getresponse().read().decode()
            match = re.search(r'name="category" id="id_category_0" value="(\d+)"', page)
            if not match:
                raise BenchError("the tip form shows no category: did demo_setup run?")
            category = match.group(1)

            def tip_body(index: int, round_: int) -> bytes:
                return urlencode(
                    {
                        "category": category,
                        "what": f"Bench tip {index}-{round_}: dirt bikes kept behind the store.",
                        "where": "Mill Street",
                        "when": "Most evenings around seven",
                    }
                ).encode()

            load(port, "GET", "/healthz/live", lambda i, r: None, tipsters, 1)  # warm up
            bare = load(port, "GET", "/healthz/live", lambda i, r: None, tipsters, rounds)
            tips = load(port, "POST", "/tips/", tip_body, tipsters, rounds)
    print(f"{tipsters} concurrent clients x {rounds} requests, gunicorn 2 sync workers, DEBUG=0")
    print(f"{'':28}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'failed':>8}")
    for label, row in (("bare view /healthz/live", bare), ("text-only tip POST /tips/", tips)):
        print(
            f"{label:28}{row['per_s']:8.1f}{row['p50']:9.1f}{row['p95']:9.1f}"
            f"{row['max']:9.1f}{row['failures']:8d}"
        )
    print(f"tip p95 / bare p95 = {tips['p95'] / bare['p95']:.1f}x (target: tip p95 < 200 ms)")
    return 0 if not tips["failures"] and not bare["failures"] else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
