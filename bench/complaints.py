"""Complaints under load: the staff queue and the review board's queue with 1,000 and with
100,000 cases in the table (ten years of them), rendered in-process by Django's test client
against PostgreSQL with DEBUG=0.

Prints, for each page: the median time of BENCH_COMPLAINTS_RUNS renders and the number of
queries, at both sizes. Target: with the large table under twice the time with the small one,
and the same number of queries (both pages show at most 200 rows, oldest first).

Run it from the repository root: `.venv/bin/python bench/complaints.py` (`--quick`: 20,000 rows
instead of 100,000). It needs PostgreSQL and uses its own database (created if missing):

    BENCH_COMPLAINTS_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/portal_complaints_bench
    BENCH_COMPLAINTS_LARGE         default 100000 (20000 with --quick)
    BENCH_COMPLAINTS_SMALL         default 1000
    BENCH_COMPLAINTS_RUNS          default 15

Rows are generated with one INSERT ... SELECT generate_series; the encrypted columns all hold
the same real token (the pages read none of them).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.run import bench_django, ensure_database, env_int  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_complaints_bench"
PAGES = [
    ("staff queue", "ia", "/staff/complaints/"),
    ("staff queue, intake only", "ia", "/staff/complaints/?stage=intake"),
    ("board queue", "board", "/staff/complaints/board/"),
]

# Every seventh case is a commendation; stages cycle; a third of the complaints are closed.
INSERT = """
INSERT INTO complaints_complaint (
    tracking_code, kind, filing, channel, language, stage, seriousness, neighborhood_id,
    complainant_name, complainant_email, complainant_phone, complainant_address, on_behalf_of,
    what, "where", "when", passphrase_hash, received_at, received_month, closed_at, closed_on,
    days_to_close, assignee_kind, investigation_due_on, outcome, outcome_summary,
    notice_pending, finding_notice_pending, version
)
SELECT
    upper(substr(md5(i::text), 1, 5)) || '-' || upper(substr(md5(i::text), 6, 5)),
    CASE WHEN i %% 7 = 0 THEN 'commendation' ELSE 'complaint' END,
    CASE WHEN i %% 3 = 0 THEN 'anonymous' ELSE 'named' END,
    'online', 'en',
    CASE WHEN i %% 3 = 0 THEN 'closed'
         ELSE (ARRAY['intake', 'classification', 'assignment', 'investigation', 'finding',
                     'outcome'])[(i / 3) %% 6 + 1]
    END,
    CASE WHEN i %% 2 = 0 THEN 'minor' ELSE 'serious' END,
    NULL, %(token)s, '', '', '', '', %(token)s, '', '', 'x',
    now() - make_interval(hours => (i::bigint * 87600 / %(count)s)::int),
    date_trunc('month', now() - make_interval(hours => (i::bigint * 87600 / %(count)s)::int))::date,
    CASE WHEN i %% 3 = 0
         THEN now() - make_interval(hours => (i::bigint * 87600 / %(count)s)::int)
              + interval '40 days'
    END,
    CASE WHEN i %% 3 = 0
         THEN (now() - make_interval(hours => (i::bigint * 87600 / %(count)s)::int)
               + interval '40 days')::date
    END,
    CASE WHEN i %% 3 = 0 THEN 40 END,
    '', NULL, CASE WHEN i %% 3 = 0 THEN 'no_action' ELSE '' END, '', false, false, 0
FROM generate_series(1, %(count)s) AS i
"""


def setup_django(database_url: str) -> None:
    bench_django(database_url, RECORDS_FILE_ROOT=tempfile.mkdtemp(prefix="complaints-bench-"))


def fill(count: int) -> None:
    from django.db import connection

    from complaints import crypto

    token = crypto.encrypt_text("A resident's account of what happened.")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE complaints_complaint RESTART IDENTITY CASCADE")
        if count:
            cursor.execute(INSERT, {"token": token, "count": count})
        cursor.execute("ANALYZE complaints_complaint")


def measure(clients: dict, runs: int) -> list[tuple[str, float, int, int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = []
    for label, who, url in PAGES:
        client = clients[who]
        client.get(url)  # warm
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        shown = response.content.decode().count('<th scope="row"')
        rows.append((label, statistics.median(times) * 1000, len(queries), shown))
    return rows


def main() -> int:
    quick = "--quick" in sys.argv
    database_url = os.environ.get("BENCH_COMPLAINTS_DATABASE_URL", DEFAULT_DATABASE_URL)
    large = env_int("BENCH_COMPLAINTS_LARGE", 20_000 if quick else 100_000)
    small = env_int("BENCH_COMPLAINTS_SMALL", 1_000)
    runs = env_int("BENCH_COMPLAINTS_RUNS", 15)
    ensure_database(database_url)
    setup_django(database_url)

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from portal import roles

    clients = {}
    for who, role in (("ia", roles.INTERNAL_AFFAIRS), ("board", roles.REVIEW_BOARD)):
        user, _ = get_user_model().objects.get_or_create(
            username=f"bench-{who}", defaults={"is_staff": True, "email": f"{who}@example.org"}
        )
        user.groups.add(Group.objects.get(name=role))
        clients[who] = Client()
        clients[who].force_login(user)

    results = {}
    for count in (small, large):
        started = time.perf_counter()
        fill(count)
        print(f"{count:>9,} cases generated in {time.perf_counter() - started:.1f} s")
        results[count] = measure(clients, runs)
    fill(0)
    print()
    print(f"{'page':<26}{small:>10,} rows{large:>12,} rows{'ratio':>8}  queries  rows shown")
    worst, same_queries = 0.0, True
    for (label, t_small, q_small, n_small), (_, t_large, q_large, n_large) in zip(
        results[small], results[large], strict=True
    ):
        ratio = t_large / t_small
        if n_small == n_large:
            worst = max(worst, ratio)
        same_queries &= q_small == q_large
        print(
            f"{label:<26}{t_small:>11.1f} ms{t_large:>13.1f} ms{ratio:>7.2f}x  "
            f"{q_small} / {q_large}   {n_small} / {n_large}"
        )
    print(f"\nload average: {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} CPUs")
    ok = worst < 2.0 and same_queries
    print("target met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
