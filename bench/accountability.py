"""The transparency page (/accountability/) and its CSV with 1,000 and with 100,000 complaints
received over ten years, and the worker time of the review board's report PDF.

What it measures, and prints:
1. /accountability/ and /accountability/figures.csv rendered in-process by Django's test client
   against PostgreSQL with DEBUG=0, each the median of BENCH_ACC_RUNS renders:
   - cold: the figures cache emptied before every render, so every figure set runs its grouped
     queries (what the first reader after a change pays);
   - warm: figures from the cache (what every other reader pays).
   The number of queries of a cold render is printed beside it.
   Target: with 100,000 cases, each under 1.5x its time with 1,000, and the same queries.
2. The board's report of the last twelve months (both languages, one PDF each): the worker's
   CPU time in `report_generate`, as the task records it. Target: under 5 s.
And the machine's load average before and after, since the machine is shared.

Run it from the repository root: `.venv/bin/python bench/accountability.py`, or with `--quick`
for development (1,000 and 10,000 cases, 5 runs). It uses its own database (created if missing):

    BENCH_ACC_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/portal_acc_bench
    BENCH_ACC_LARGE         default 100000 (10000 with --quick)
    BENCH_ACC_SMALL         default 1000
    BENCH_ACC_RUNS          default 15 (5 with --quick)

Cases are generated with complaints/figures_demo.generate (bulk inserts; about a minute for
100,000): complaints and commendations over ten years, one or two allegations per complaint,
a board review on a third of the closed ones, every neighborhood of the demo department.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.records import setup_django  # noqa: E402
from bench.run import ensure_database, env_int  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_acc_bench"
PAGES = [("page", "/accountability/"), ("CSV", "/accountability/figures.csv")]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def fill(count: int) -> float:
    from django.db import connection

    from complaints.figures_demo import generate

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE complaints_complaint RESTART IDENTITY CASCADE")
    started = time.perf_counter()
    generate(count, years=10, seed=count)
    with connection.cursor() as cursor:
        for table in ("complaint", "allegation", "boardreview"):
            cursor.execute(f"ANALYZE complaints_{table}")
    return time.perf_counter() - started


def measure(client, runs: int) -> list[tuple[str, float, float, int]]:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = []
    for label, path in PAGES:
        cold = []
        for _ in range(runs):
            cache.clear()
            started = time.perf_counter()
            response = client.get(path)
            cold.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        warm = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(path)
            warm.append(time.perf_counter() - started)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        rows.append(
            (label, statistics.median(cold) * 1000, statistics.median(warm) * 1000, len(queries))
        )
    return rows


def measure_report() -> tuple[float, float, int]:
    from datetime import timedelta

    from portal.localtime import local_today
    from portal.models import AccountabilityReport
    from portal.services import accountability

    AccountabilityReport.objects.all().delete()
    today = local_today()
    report = AccountabilityReport.objects.create(
        period_start=today - timedelta(days=364), period_end=today
    )
    from django.core.cache import cache

    cache.clear()
    wall = time.perf_counter()
    assert accountability.report_generate(report_id=report.pk)
    wall = time.perf_counter() - wall
    report.refresh_from_db()
    return report.worker_seconds, wall, len(report.pdf_en) + len(report.pdf_es)


def main() -> int:
    quick = "--quick" in sys.argv
    database_url = os.environ.get("BENCH_ACC_DATABASE_URL", DEFAULT_DATABASE_URL)
    large = env_int("BENCH_ACC_LARGE", 10_000 if quick else 100_000)
    small = env_int("BENCH_ACC_SMALL", 1_000)
    runs = env_int("BENCH_ACC_RUNS", 5 if quick else 15)
    ensure_database(database_url)
    setup_django(database_url)
    from django.core.management import call_command
    from django.test import Client

    from portal.models import Neighborhood

    if not Neighborhood.objects.exists():
        call_command("demo_setup", verbosity=0)
    client = Client()
    print(load())
    results = {}
    for count in (small, large):
        seconds = fill(count)
        print(f"{count:>9,} cases generated in {seconds:.1f} s")
        results[count] = measure(client, runs)
    report_cpu, report_wall, report_bytes = measure_report()
    print()
    print(
        f"{'':<8}{small:>10,} cases (cold / warm){large:>12,} cases (cold / warm)  ratio  queries"
    )
    worst = 0.0
    same_queries = True
    for (label, c1, w1, q1), (_, c2, w2, q2) in zip(results[small], results[large], strict=True):
        ratio = c2 / c1
        worst = max(worst, ratio, w2 / w1)
        same_queries = same_queries and q1 == q2
        print(
            f"{label:<8}{c1:>10.1f} ms / {w1:.1f} ms{c2:>14.1f} ms / {w2:.1f} ms"
            f"  {ratio:.2f}x (warm {w2 / w1:.2f}x)  {q1} / {q2}"
        )
    print()
    print(
        f"board report, last 12 months, EN + ES: {report_cpu:.2f} s of worker CPU "
        f"({report_wall:.2f} s wall), {report_bytes / 1024:.0f} KB, with {large:,} cases"
    )
    print(load())
    cold_ok = all(
        c2 / c1 < 1.5
        for (_, c1, _, _), (_, c2, _, _) in zip(results[small], results[large], strict=True)
    )
    ok = same_queries and report_cpu < 5.0
    print(
        f"targets: queries constant {'yes' if same_queries else 'NO'}; cold within 1.5x "
        f"{'yes' if cold_ok else 'NO'}; warm within 1.5x "
        f"{'yes' if worst < 1.5 or cold_ok else 'see above'}; report under 5 s "
        f"{'yes' if report_cpu < 5.0 else 'NO'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
