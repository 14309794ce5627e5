"""The Open311 server under a large table: GET requests with 1,000 and with 1,000,000 service
requests stored.

What it measures, and prints: each GeoReport read (the default 90-day list of up to 1,000
requests, with extensions, open ones only, one service, one request by id, the services list),
rendered in-process by Django's test client against PostgreSQL with DEBUG=0: the median time of
BENCH_OPEN311_RUNS renders, the number of queries and the rows returned, with SMALL requests in
the table and then with LARGE. Every request is inside the 90-day window, so the list returns
1,000 rows at both sizes and the two times compare like with like.
Target: with LARGE, each read under 1.5 times its time with SMALL, and the same queries. (A
filter that returns fewer than 1,000 rows with SMALL and 1,000 with LARGE renders more; such
rows are printed but not held to the ratio.) The figures are only as steady as the machine:
the load average is printed beside them.

Run it from the repository root: `.venv/bin/python bench/open311.py` (`--quick`: 100,000
instead of a million). It needs PostgreSQL and uses its own database (created if missing):

    BENCH_OPEN311_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/portal_open311_bench
    BENCH_OPEN311_LARGE         default 1000000 (100000 with --quick)
    BENCH_OPEN311_SMALL         default 1000
    BENCH_OPEN311_RUNS          default 9

Rows are generated with one INSERT ... SELECT generate_series.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.run import bench_django, ensure_database, env_int  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_open311_bench"

INSERT = """
INSERT INTO service_requests_servicerequest (
    public_id, short_code, service_id, division_id, status, close_reason, description,
    attributes, address, street_id, lat, long, neighborhood_id, public_address, public_lat,
    public_long, contact, notify_email, notify_sms, language, source, requested_at, updated_at,
    expected_at, acknowledged_at, closed_at, assigned_to_id, merged_into_id, followers
)
SELECT
    gen_random_uuid(),
    'B' || lpad(i::text, 10, '0'),
    (ARRAY[%(services)s])[1 + i %% %(service_count)s],
    %(division)s,
    (ARRAY['open','acknowledged','in_progress','closed'])[1 + i %% 4],
    CASE WHEN i %% 4 = 3 THEN 'resolved' ELSE '' END,
    'Seen near the corner',
    '{"kind": "dog"}'::jsonb,
    '', NULL,
    41.7700 + (i %% 97) * 0.0001, -72.6900 + (i %% 89) * 0.0001,
    %(neighborhood)s, '', 41.7700 + (i %% 97) * 0.0001, -72.6900 + (i %% 89) * 0.0001,
    NULL, false, false, 'en', 'web',
    now() - (i %% 85) * interval '1 day' - (i %% 1440) * interval '1 minute',
    now() - (i %% 85) * interval '1 day',
    now() - (i %% 85) * interval '1 day' + interval '2 hours',
    NULL,
    CASE WHEN i %% 4 = 3 THEN now() - (i %% 85) * interval '1 day' ELSE NULL END,
    NULL, NULL, 0
FROM generate_series(1, %(count)s) AS i
"""


def setup_django(database_url: str) -> None:
    bench_django(database_url, SERVICE_REQUESTS_FILE_ROOT=tempfile.mkdtemp(prefix="open311-bench-"))


def catalogue() -> dict:
    """Two services, a division and a neighborhood (made once, reused by later runs)."""
    from portal.models import Division, Neighborhood
    from service_requests.models import Service, ServiceAttribute, ServiceGroup

    division, _ = Division.objects.get_or_create(name="Animal control")
    square = [[-72.70, 41.76], [-72.66, 41.76], [-72.66, 41.78], [-72.70, 41.78], [-72.70, 41.76]]
    neighborhood, _ = Neighborhood.objects.get_or_create(
        slug="bench",
        defaults={"name": "Bench", "boundary": {"type": "Polygon", "coordinates": [square]}},
    )
    group, _ = ServiceGroup.objects.get_or_create(name="Animals")
    services = []
    for code in ("stray-animal", "barking-dog"):
        service, _ = Service.objects.get_or_create(
            code=code,
            defaults={
                "group": group,
                "name": code.replace("-", " ").title(),
                "description": "Bench service",
                "division": division,
            },
        )
        ServiceAttribute.objects.get_or_create(
            service=service,
            code="kind",
            defaults={"datatype": "singlevaluelist", "description": "What kind?"},
        )
        services.append(service.pk)
    return {"division": division.pk, "neighborhood": neighborhood.pk, "services": services}


def fill(count: int, ids: dict) -> None:
    from django.db import connection

    sql = INSERT % {
        "services": ",".join(str(pk) for pk in ids["services"]),
        "service_count": len(ids["services"]),
        "division": ids["division"],
        "neighborhood": ids["neighborhood"],
        "count": count,
    }
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE service_requests_servicerequest RESTART IDENTITY CASCADE")
        cursor.execute(sql)
        cursor.execute("ANALYZE service_requests_servicerequest")


def reads() -> list[tuple[str, str]]:
    from service_requests.models import ServiceRequest

    newest = ServiceRequest.objects.order_by("-requested_at").values_list("public_id", flat=True)[0]
    return [
        ("requests, 90 days", "/open311/v2/requests.json"),
        ("requests, extensions", "/open311/v2/requests.json?extensions=true"),
        ("requests, open", "/open311/v2/requests.json?status=open"),
        ("requests, one service", "/open311/v2/requests.xml?service_code=barking-dog"),
        ("one request", f"/open311/v2/requests/{newest}.json"),
        ("services", "/open311/v2/services.json"),
    ]


def measure(client, runs: int) -> list[tuple[str, float, int, int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = []
    for label, url in reads():
        client.get(url)  # warm
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code, response.content[:200])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if url.endswith(".xml") or ".xml?" in url:
            count = response.content.count(b"<request>")
        else:
            count = len(json.loads(response.content))
        rows.append((label, statistics.median(times) * 1000, len(queries), count))
    return rows


def main() -> int:
    quick = "--quick" in sys.argv
    database_url = os.environ.get("BENCH_OPEN311_DATABASE_URL", DEFAULT_DATABASE_URL)
    large = env_int("BENCH_OPEN311_LARGE", 100_000 if quick else 1_000_000)
    small = env_int("BENCH_OPEN311_SMALL", 1_000)
    runs = env_int("BENCH_OPEN311_RUNS", 9)
    ensure_database(database_url)
    setup_django(database_url)

    from django.core.cache import cache
    from django.test import Client

    from portal.throttling import AnonRateThrottle

    AnonRateThrottle.THROTTLE_RATES = {**AnonRateThrottle.THROTTLE_RATES, "anon": "1000000/minute"}
    cache.clear()
    ids = catalogue()
    client = Client()
    results = {}
    for count in (small, large):
        started = time.perf_counter()
        fill(count, ids)
        print(f"{count:>9,} requests generated in {time.perf_counter() - started:.1f} s")
        results[count] = measure(client, runs)

    print()
    print(f"{'Open311 read':<24}{small:>10,} rows{large:>12,} rows{'ratio':>8}  queries  returned")
    worst, same_queries = 0.0, True
    for (label, t_small, q_small, n_small), (_, t_large, q_large, n_large) in zip(
        results[small], results[large], strict=True
    ):
        ratio = t_large / t_small
        if n_small == n_large:  # more rows returned cost more to render, whatever the table
            worst = max(worst, ratio)
        same_queries &= q_small == q_large
        print(
            f"{label:<24}{t_small:>11.1f} ms{t_large:>13.1f} ms{ratio:>7.2f}x  "
            f"{q_small} / {q_large}   {n_small} / {n_large}"
        )
    load = os.getloadavg()
    print(f"\nload average (1, 5, 15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    ok = worst < 1.5 and same_queries
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
