"""Retention under load: how fast the purge removes a backlog, and what the admin's "due next
week" page costs with a small and a large table.

What it measures, and prints:
1. The due list (portal.services.retention.retention_due_list, what the admin page shows): the
   median time of BENCH_RETENTION_RUNS calls and its number of queries, with SMALL and then
   LARGE outbox messages in the table (half of them due). Target: the same number of queries;
   with LARGE rows, under a second.
2. The purge of the LARGE backlog (half the rows due), in batches of 500: rows per second, the
   number of batches, and the longest batch (each batch is one transaction holding its locks;
   the target is under a second per batch, so a purge never holds a row lock for long).

Run it from the repository root: `.venv/bin/python bench/retention.py [--scale N]`. `--scale`
multiplies the sizes (default 1: SMALL 1,000, LARGE 100,000; `--scale 0.1` for a quick look).
It needs PostgreSQL and uses its own database (created if missing):

    BENCH_RETENTION_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/portal_retention_bench
    BENCH_RETENTION_RUNS          default 9
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.run import bench_django, ensure_database, env_int  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_retention_bench"

INSERT = """
INSERT INTO portal_notification (
    id, channel, recipient, subject, body, language, headers, attachments, private, status,
    attempts, next_attempt_at, last_error, created_at, sent_at, bulk, cost_currency,
    provider_error, provider_id, provider_status
)
SELECT
    gen_random_uuid(), 'email', 'resident' || i || '@example.org', 'Subject', 'Body', 'en',
    '{}'::jsonb, '[]'::jsonb, false, 'sent', 1, now(), '',
    CASE WHEN i %% 2 = 0 THEN now() - interval '400 days' ELSE now() END, now(), false, '',
    '', '', ''
FROM generate_series(1, %(count)s) AS i
"""


def setup_django(database_url: str) -> None:
    bench_django(database_url)


def fill(count: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE portal_notification")
        cursor.execute(INSERT, {"count": count})
        cursor.execute("ANALYZE portal_notification")


def time_due_list(runs: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.services import retention

    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            retention.retention_due_list()
            times.append(time.perf_counter() - start)
    return statistics.median(times), len(queries.captured_queries)


def time_purge() -> tuple[int, float, int, float]:
    from portal import registry
    from portal.localtime import local_today
    from portal.services import retention

    kind = next(k for k in registry.retention_kinds.all() if k.key == "portal.notification")
    policy = retention.policy_for(kind)
    today = local_today()
    rows = batches = 0
    longest = 0.0
    start = time.perf_counter()
    while True:
        batch_start = time.perf_counter()
        count, _owed = retention.purge_batch(kind, policy, today, retention.BATCH)
        longest = max(longest, time.perf_counter() - batch_start)
        if not count:
            break
        rows += count
        batches += 1
    return rows, time.perf_counter() - start, batches, longest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    small = max(10, int(1_000 * args.scale))
    large = max(100, int(100_000 * args.scale))
    runs = env_int("BENCH_RETENTION_RUNS", 9)
    database_url = os.environ.get("BENCH_RETENTION_DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(database_url)
    setup_django(database_url)
    print(f"load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")

    figures = {}
    for size in (small, large):
        fill(size)
        figures[size] = time_due_list(runs)
        median, queries = figures[size]
        print(f"due list, {size:>9,} messages: {median * 1000:8.1f} ms, {queries} queries")
    same_queries = figures[small][1] == figures[large][1]
    rows, seconds, batches, longest = time_purge()
    print(
        f"purge: {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s), "
        f"{batches} batches, longest batch {longest * 1000:.0f} ms"
    )
    now = datetime.datetime.now(datetime.UTC)
    print(f"load average after: {os.getloadavg()[0]:.2f}; {now:%H:%M} UTC")
    ok = same_queries and figures[large][0] < 1.0 and longest < 1.0
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
