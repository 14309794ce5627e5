"""Load figures for the tip line: 50 tipsters sending text-only tips at the same time.

The issue's target: p95 < 200 ms on PostgreSQL, with attachment scrubbing off the request path.
Served as bench/run.py serves the portal (DEBUG=0, gunicorn with 2 sync workers, PostgreSQL,
Redis, three active tip investigators so every tip owes a notice). Two load models, each
measured for the bare view (/healthz/live) and for the tip in the same run:

A. closed loop: 50 clients, each sending its next request the moment the last one is answered.
   This is a saturation test: the server is never idle, 48 requests always wait in the queue,
   and by Little's law every latency is about 50 / throughput. It measures throughput.
B. tipsters: 50 clients, each waiting BENCH_THINK seconds (1) after an answer before sending the
   next tip (first sends spread over that second). A person needs minutes to write a tip, so
   this is already a far heavier tip line than any town's (about 50 tips a second); its
   latencies are what a tipster would see. The issue's target is judged on this model.

Run from the repository root: .venv/bin/python bench/tips.py
Settings: BENCH_DATABASE_URL, BENCH_REDIS_URL as for bench/run.py; BENCH_TIPSTERS (50),
BENCH_ROUNDS (4: requests per client in model A), BENCH_THINK_ROUNDS (8: in model B) and
BENCH_THINK (1.0 seconds).
"""

from __future__ import annotations

import http.client
import os
import random
import re
import secrets
import statistics
import subprocess
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

# Three active investigators with an e-mail address: every tip then owes them a notice, as in a
# real department (demo_setup creates no staff with DEBUG=0).
INVESTIGATORS = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from portal import roles
group, _ = Group.objects.get_or_create(name=roles.TIP_INVESTIGATORS)
for n in (1, 2, 3):
    user, made = get_user_model().objects.get_or_create(
        username=f"bench-investigator-{n}",
        defaults={"email": f"investigator{n}@bench.invalid", "is_staff": True},
    )
    if made:
        user.set_unusable_password()
        user.save()
    user.groups.add(group)
"""


def add_investigators(env: dict[str, str]) -> None:
    print("  manage.py shell: three tip investigators")
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", INVESTIGATORS],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"creating investigators failed:\n{done.stdout}{done.stderr}")


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


def load(
    port: int,
    method: str,
    path: str,
    body_for,
    tipsters: int,
    rounds: int,
    think: float = 0.0,
) -> dict:
    """`tipsters` clients, `rounds` requests each; with `think`, each waits that long after an
    answer (and a random part of it before the first request, so they do not move in step)."""
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    gate = threading.Barrier(tipsters)
    delays = random.Random(4).sample(range(1000), tipsters)  # noqa: S311 - start times only

    def tipster(index: int) -> None:
        gate.wait()  # all start together
        if think:
            time.sleep(think * delays[index] / 1000)
        for round_ in range(rounds):
            if think and round_:
                time.sleep(think)
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
    think_rounds = int(os.environ.get("BENCH_THINK_ROUNDS", "8"))
    think = float(os.environ.get("BENCH_THINK", "1.0"))
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
        add_investigators(env)
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

            load_before = os.getloadavg()[0]
            bare_body = lambda i, r: None  # noqa: E731
            load(port, "GET", "/healthz/live", bare_body, tipsters, 1)  # warm up
            load(port, "POST", "/tips/", tip_body, 2, 2)  # warm up the tip path
            closed = (
                load(port, "GET", "/healthz/live", bare_body, tipsters, rounds),
                load(port, "POST", "/tips/", tip_body, tipsters, rounds),
            )
            paced = (
                load(port, "GET", "/healthz/live", bare_body, tipsters, think_rounds, think),
                load(port, "POST", "/tips/", tip_body, tipsters, think_rounds, think),
            )
            load_after = os.getloadavg()[0]
    print(
        f"gunicorn 2 sync workers, DEBUG=0, PostgreSQL, Redis; 1-minute load average "
        f"{load_before:.1f} before, {load_after:.1f} after ({os.cpu_count()} CPUs)"
    )
    failed = False
    for title, rows in (
        (f"A. closed loop: {tipsters} clients back to back, {rounds} requests each", closed),
        (
            f"B. {tipsters} tipsters, {think:g} s between an answer and the next tip, "
            f"{think_rounds} each (the target's model)",
            paced,
        ),
    ):
        bare, tips = rows
        print(title)
        print(f"  {'':28}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'failed':>8}")
        for label, row in (("bare view /healthz/live", bare), ("text-only tip POST /tips/", tips)):
            print(
                f"  {label:28}{row['per_s']:8.1f}{row['p50']:9.1f}{row['p95']:9.1f}"
                f"{row['max']:9.1f}{row['failures']:8d}"
            )
        print(f"  tip p95 / bare p95 = {tips['p95'] / bare['p95']:.1f}x (target: tip p95 < 200 ms)")
        failed = failed or bool(tips["failures"] or bare["failures"])
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
