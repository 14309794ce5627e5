"""Overnight parking under load: one million permits in PostgreSQL.

What it measures, and prints:
1. The plate lookup at the database: EXPLAIN (ANALYZE, BUFFERS) of the officer's query for 500
   random plates among a million permits; the plan must be an index scan and the execution time
   under 5 ms.
2. The officer API (/api/v1/parking/check/, token auth, audit-logged) beside the bare view
   (/healthz/live), both under wrk against gunicorn with DEBUG=0, as bench/run.py does (20
   connections, 2 sync workers): bare, API, bare again, and the API's p50 over the mean of the
   two bare p50s, which should stay within 1.5.
3. 50 concurrent residents. The load model: 50 threads, each a resident who GETs the form (for
   its CSRF cookie), thinks, POSTs a request, thinks, four times over; each think lasts
   0.5 to 1.5 times BENCH_THINK_S (default 2 s), and the residents arrive spread over the first
   BENCH_THINK_S. That is about 25 requests a second, half of them POSTs that write a permit.
   Target: p95 of every request under 150 ms. The same residents, same seeds and think times,
   are first run against the bare view (two GETs of /healthz/live per round): that is the
   floor the machine gives under that load in this run. Beside them, the form under wrk with
   50 connections and no think time at all: the saturation figure, queueing rather than page.
4. The back office over the million permits: the permit and night lists (newest first, by
   night, a plate search), the statistics and the audit log (every lookup above is an entry),
   each rendered in process by Django's test client with DEBUG=0: median of 5, and the number
   of queries. No target in the issue; a page a clerk waits seconds for is a bug.

Run it from the repository root: `.venv/bin/python bench/parking.py`. It needs PostgreSQL, Redis
and wrk, like bench/run.py, and uses its own database (created if missing):

    BENCH_PARKING_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/portal_parking_bench
    BENCH_REDIS_URL             default redis://127.0.0.1:6379/15
    BENCH_PERMITS               default 1000000
    BENCH_DURATION / BENCH_WARMUP as for bench/run.py

Generating the million permits takes one INSERT ... SELECT generate_series (about half a minute);
a second run finds them there and skips it.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (
    HOST,
    LUA_REPORT,
    BenchError,
    Config,
    ensure_database,
    env_int,
    find_wrk,
    free_port,
    gunicorn,
    manage,
    portal_env,
    wait_until_live,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_parking_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
RESIDENTS = 50
SUBMISSIONS_PER_RESIDENT = 4
# A resident reads the form and types before sending it: seconds between their requests.
THINK_S = float(os.environ.get("BENCH_THINK_S", "2.0"))

GENERATE_SQL = """
WITH streets AS (SELECT array_agg(id ORDER BY id) AS ids FROM portal_street)
INSERT INTO parking_permit (
    code, plate, plate_state, vehicle_type, make, model, colour, street_id, house_number,
    reason, reason_note, email, mobile, language, status, first_night, last_night,
    status_reason, created_at
)
SELECT
    'B' || lpad(upper(to_hex(g)), 8, '0'),
    'B' || upper(to_hex(g)),
    (ARRAY['CT', 'MA', 'NY', 'RI'])[1 + g %% 4],
    'car', 'Toyota', 'Corolla', 'Grey',
    streets.ids[1 + g %% array_length(streets.ids, 1)],
    1 + g %% 400,
    'guest', '', 'bench' || g || '@example.org', '', 'en', 'active',
    %(start)s::date + (g %% 400), %(start)s::date + (g %% 400) + (g %% 2),
    '', now()
FROM generate_series(1, %(count)s) AS g, streets
"""

NIGHTS_SQL = """
INSERT INTO parking_permitnight (permit_id, night, plate, plate_state, street_id, house_number,
                                 status)
SELECT p.id, n.night, p.plate, p.plate_state, p.street_id, p.house_number, 'active'
FROM parking_permit p
CROSS JOIN LATERAL generate_series(p.first_night, p.last_night, interval '1 day') AS n(night)
WHERE p.code LIKE 'B%%'
"""


def audit_entry_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM portal_auditentry")
        return cursor.fetchone()[0]


def setup_django(env: dict[str, str]) -> None:
    names = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "STATIC_ROOT")
    os.environ.update({k: env[k] for k in names})
    os.environ.update(
        {k: env[k] for k in ("FIELD_ENCRYPTION_KEYS", "RECORDS_ENCRYPTION_KEYS") if k in env}
    )
    os.environ["STAFF_REQUIRE_2FA"] = "0"  # this process's own test client signs in without it
    os.environ.update(ALLOWED_HOSTS=env["ALLOWED_HOSTS"], SECURE_SSL_REDIRECT="0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def generate(count: int) -> None:
    import datetime

    from django.db import connection, transaction

    from parking.models import ParkingRules, Permit

    # Every simulated resident comes from 127.0.0.1: lift the per-connection hourly quota.
    rules = ParkingRules.get_solo()
    rules.requests_per_hour = 30000
    rules.save()
    have = Permit.objects.filter(code__startswith="B").count()
    if have >= count:
        print(f"  {have:,} permits already there")
        return
    started = time.monotonic()
    start = datetime.date.today() - datetime.timedelta(days=200)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM parking_permitnight WHERE plate LIKE 'B%%'")
        cursor.execute("DELETE FROM parking_permit WHERE code LIKE 'B%%'")
        cursor.execute(GENERATE_SQL, {"count": count, "start": start})
        cursor.execute(NIGHTS_SQL)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE parking_permit")
        cursor.execute("ANALYZE parking_permitnight")
    nights = connection.cursor()
    nights.execute("SELECT count(*) FROM parking_permitnight")
    print(
        f"  generated {count:,} permits and {nights.fetchone()[0]:,} nights "
        f"in {time.monotonic() - started:.1f} s"
    )


def lookup_at_the_database(samples: int = 500) -> dict:
    """EXPLAIN ANALYZE of the officer's lookup query for random plates."""
    import random

    from django.db import connection

    from parking.models import PermitNight

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM parking_permit")
        top = cursor.fetchone()[0]
    rng = random.Random(5)  # noqa: S311 - sampling plates, not secrets
    times, plans = [], []
    for _ in range(samples):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT plate, plate_state, first_night FROM parking_permit WHERE id = %s",
                [rng.randint(1, top)],
            )
            row = cursor.fetchone()
        if row is None:
            continue
        plate, state, night = row
        query = (
            PermitNight.objects.select_related("permit", "street")
            .filter(plate=plate, plate_state=state, night=night, status="active")
            .order_by()
        )
        plan = query.explain(analyze=True, buffers=True)
        match = re.search(r"Execution Time: ([\d.]+) ms", plan)
        if match:
            times.append(float(match.group(1)))
            plans.append(plan)
    times.sort()
    return {
        "samples": len(times),
        "p50_ms": round(statistics.median(times), 3),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 3),
        "max_ms": round(times[-1], 3),
        "index_scan": all("Index Scan" in p or "Index Only Scan" in p for p in plans),
        "seq_scan_on_nights": any("Seq Scan on parking_permitnight" in p for p in plans),
        "plan": plans[len(plans) // 2],
    }


ADMIN_PAGES = [
    ("permits, newest first", "/admin/parking/permit/"),
    ("permits holding tonight", "/admin/parking/permit/?night={tonight}"),
    ("permit search by plate", "/admin/parking/permit/?q={plate}"),
    ("permitted nights", "/admin/parking/permitnight/"),
    ("statistics (30 days)", "/admin/parking/permit/statistics/"),
    ("audit log", "/admin/portal/auditentry/"),
    ("audit log, plate lookups", "/admin/portal/auditentry/?action=parking.plate.looked_up"),
]


def back_office(plate: str, repeats: int = 5) -> list[dict]:
    """Each admin page of ADMIN_PAGES: median milliseconds over `repeats` and its queries."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from parking import nights

    user, _ = get_user_model().objects.get_or_create(
        username="bench.admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    rows = []
    for what, template in ADMIN_PAGES:
        url = template.format(tonight=nights.tonight().isoformat(), plate=plate)
        client.get(url)  # warm: templates, content types
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise BenchError(f"{url} answered {response.status_code}")
        rows.append(
            {"what": what, "url": url, "ms": statistics.median(times), "queries": len(queries)}
        )
    return rows


def officer_token() -> tuple[str, str]:
    """A parking officer with an API token, and a plate permitted tonight."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from parking import nights
    from parking.models import PermitNight
    from portal import roles

    user, _ = get_user_model().objects.get_or_create(
        username="bench.officer", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name=roles.PARKING_OFFICERS))
    token, _ = Token.objects.get_or_create(user=user)
    plate = (
        PermitNight.objects.filter(night=nights.tonight(), status="active")
        .values_list("plate", flat=True)
        .first()
    )
    return token.key, plate or "NOPLATE"


def wrk(config: Config, url: str, connections: int, seconds: int, headers=()) -> dict:
    command = [
        find_wrk() or "wrk",
        f"--threads={min(2, connections)}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=5s",
        f"--script={LUA_REPORT}",
    ]
    for header in headers:
        command += ["-H", header]
    command.append(url)
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            raw = json.loads(line.removeprefix("BENCH_RESULT "))
            return {
                "requests_per_s": round(raw["requests_per_s"], 1),
                "p50_ms": round(raw["p50_us"] / 1000, 2),
                "p95_ms": round(raw["p95_us"] / 1000, 2),
                "p99_ms": round(raw["p99_us"] / 1000, 2),
                "non_2xx": int(raw["errors_status"]),
                "timeouts": int(raw["errors_timeout"]),
                "socket_errors": int(
                    raw["errors_connect"] + raw["errors_read"] + raw["errors_write"]
                ),
            }
    raise BenchError(f"wrk gave no result:\n{done.stdout}{done.stderr}")


def measure(config: Config, port: int, path: str, connections: int, headers=()) -> dict:
    url = f"http://{HOST}:{port}{path}"
    wrk(config, url, connections, config.warmup_s, headers)
    return wrk(config, url, connections, config.duration_s, headers)


def residents_submitting(port: int, night: str, street_ids: list[int], bare: bool = False) -> dict:
    """RESIDENTS threads, each GETting the form and POSTing requests, all at once. With `bare`,
    the same residents and pauses, but each request is a GET of the bare view."""
    latencies: dict[str, list[float]] = {"GET": [], "POST": []}
    outcomes: dict[int, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(RESIDENTS)

    def timed(kind, conn, *args, **kwargs):
        started = time.perf_counter()
        conn.request(*args, **kwargs)
        response = conn.getresponse()
        body = response.read()
        with lock:
            latencies[kind].append((time.perf_counter() - started) * 1000)
            outcomes[response.status] = outcomes.get(response.status, 0) + 1
        return response, body

    def resident(index: int) -> None:
        rng = random.Random(index)  # noqa: S311 - think times, not secrets
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        barrier.wait()
        time.sleep(rng.uniform(0, THINK_S))  # residents do not all arrive in the same instant
        for attempt in range(SUBMISSIONS_PER_RESIDENT):
            if bare:
                timed("GET", conn, "GET", "/healthz/live")
                time.sleep(rng.uniform(0.5, 1.5) * THINK_S)
                timed("POST", conn, "GET", "/healthz/live")
                time.sleep(rng.uniform(0.5, 1.5) * THINK_S)
                continue
            response, raw_page = timed("GET", conn, "GET", "/parking/")
            page = raw_page.decode()
            cookie = response.getheader("Set-Cookie", "")
            csrf = re.search(r"csrftoken=([^;]+)", cookie)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            body = urlencode(
                {
                    "csrfmiddlewaretoken": token.group(1) if token else "",
                    "plate": f"R{index:03d}{attempt}{int(time.time()) % 1000}",
                    "plate_state": "CT",
                    "vehicle_type": "car",
                    "make": "Ford",
                    "model": "Focus",
                    "colour": "Red",
                    "house_number": str(1000 + index * 10 + attempt),
                    "street": str(street_ids[(index + attempt) % len(street_ids)]),
                    "reason": "guest",
                    "first_night": night,
                    "nights": "1",
                    "email": f"resident{index}@example.org",
                }
            )
            time.sleep(rng.uniform(0.5, 1.5) * THINK_S)
            timed(
                "POST",
                conn,
                "POST",
                "/parking/",
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"csrftoken={csrf.group(1) if csrf else ''}",
                    "Referer": f"http://{HOST}:{port}/parking/",
                },
            )
            time.sleep(rng.uniform(0.5, 1.5) * THINK_S)
        conn.close()

    threads = [threading.Thread(target=resident, args=(i,)) for i in range(RESIDENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    every = sorted(latencies["GET"] + latencies["POST"])
    return {
        "requests": len(every),
        "requests_per_s": round(len(every) / wall, 1),
        "p50_ms": round(statistics.median(every), 1),
        "p95_ms": _pct(every, 0.95),
        "p99_ms": _pct(every, 0.99),
        "get_p95_ms": _pct(sorted(latencies["GET"]), 0.95),
        "post_p95_ms": _pct(sorted(latencies["POST"]), 0.95),
        "statuses": outcomes,
        "wall_s": round(wall, 1),
    }


def _pct(values: list[float], fraction: float) -> float:
    return round(values[int(fraction * (len(values) - 1))], 1) if values else 0.0


def cpu_busy(seconds: float = 1.0) -> float:
    """How busy the CPUs were over `seconds` (0 to 1), from /proc/stat: the run's context."""

    def sample():
        with open("/proc/stat") as stat:
            values = [int(v) for v in stat.readline().split()[1:]]
        return sum(values), values[3] + values[4]

    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return round(1 - (idle1 - idle0) / max(total1 - total0, 1), 2)


def main() -> int:
    config = Config(
        database_url=os.environ.get("BENCH_PARKING_DATABASE_URL") or DEFAULT_DATABASE_URL,
        redis_url=os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL,
        duration_s=env_int("BENCH_DURATION", 10),
        warmup_s=env_int("BENCH_WARMUP", 2),
        connections=env_int("BENCH_CONNECTIONS", 20),
    )
    count = env_int("BENCH_PERMITS", 1_000_000)
    ensure_database(config.database_url)
    with tempfile.TemporaryDirectory() as static_root:
        env = portal_env(config, Path(static_root))
        # Apps that encrypt at rest refuse to start with DEBUG=0 and no key: give throwaway ones.
        from cryptography.fernet import Fernet

        for name in ("FIELD_ENCRYPTION_KEYS", "RECORDS_ENCRYPTION_KEYS"):
            env.setdefault(name, Fernet.generate_key().decode())
        print("Preparing the portal (DEBUG=0)")
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        manage(env, "demo_setup")
        setup_django(env)
        print(f"Generating {count:,} permits")
        generate(count)

        print("1. Plate lookup at the database (EXPLAIN ANALYZE, 500 random plates)")
        lookup = lookup_at_the_database()
        print(lookup.pop("plan"))
        print(json.dumps(lookup, indent=2))

        token, plate = officer_token()
        from parking import nights
        from parking.services import rules_get
        from portal.models import Street

        port = free_port()
        log = Path(static_root) / "gunicorn.log"
        with gunicorn(env, port, log) as process:
            wait_until_live(process, port, log)
            print(
                f"  CPUs busy before the run: {cpu_busy():.0%} "
                f"(load average {os.getloadavg()[0]:.1f})"
            )
            print("2. Officer API beside the bare view (wrk, gunicorn, DEBUG=0)")
            api_path = f"/api/v1/parking/check/?plate={plate}"
            auth = [f"Authorization: Token {token}"]
            bare = measure(config, port, "/healthz/live", config.connections)
            api = measure(config, port, api_path, config.connections, headers=auth)
            bare_again = measure(config, port, "/healthz/live", config.connections)
            bare_p50 = (bare["p50_ms"] + bare_again["p50_ms"]) / 2
            print(f"  bare view        {bare}")
            print(f"  officer API      {api}")
            print(f"  bare view again  {bare_again}")
            ratio = api["p50_ms"] / bare_p50
            print(f"  API p50 / bare p50 = {ratio:.2f} (target <= 1.5)")

            print(f"3. {RESIDENTS} concurrent residents")
            form = measure(config, port, "/parking/", RESIDENTS)
            print(f"  form GET under wrk, {RESIDENTS} connections, no think time: {form}")
            first = nights.first_open_night(rules_get().cutoff_time, nights.department_zone())
            street_ids = list(Street.objects.values_list("id", flat=True))
            model = (
                f"{RESIDENTS} residents, each {SUBMISSIONS_PER_RESIDENT} rounds of GET form, "
                f"think, POST request, think; thinks {0.5 * THINK_S:.1f}-{1.5 * THINK_S:.1f} s"
            )
            floor = residents_submitting(port, first.isoformat(), street_ids, bare=True)
            print(f"  load model: {model}")
            print(f"  the same load on the bare view: {floor}")
            submitting = residents_submitting(port, first.isoformat(), street_ids)
            print(f"  residents on the form:          {submitting} (target p95 < 150 ms)")

        print("4. The back office over the million permits (in process, DEBUG=0, median of 5)")
        print(f"  audit log entries: {audit_entry_count():,}")
        office = back_office(plate)
        for row in office:
            print(f"  {row['what']:30} {row['ms']:8.1f} ms {row['queries']:4d} queries")

        print()
        print("Summary (compare ratios; figures depend on how busy the machine was)")
        print(f"  {'what':44} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}")
        rows = [
            ("bare view, wrk 20 connections (mean of 2)", bare_p50, None, None),
            (
                "officer API, wrk 20 connections",
                api["p50_ms"],
                api["p95_ms"],
                api["requests_per_s"],
            ),
            (
                "bare view, 50 residents' load",
                floor["p50_ms"],
                floor["p95_ms"],
                floor["requests_per_s"],
            ),
            (
                "form GET+POST, 50 residents",
                submitting["p50_ms"],
                submitting["p95_ms"],
                submitting["requests_per_s"],
            ),
        ]
        for what, p50, p95, rate in rows:
            p95_text = f"{p95:8.1f}" if p95 is not None else f"{'':8}"
            rate_text = f"{rate:8.1f}" if rate is not None else f"{'':8}"
            print(f"  {what:44} {p50:8.1f} {p95_text} {rate_text}")
        print(f"  officer API p50 / bare p50 = {ratio:.2f} (target <= 1.5)")
        slowest = max(office, key=lambda row: row["ms"])
        print(f"  slowest back-office page: {slowest['what']}, {slowest['ms']:.0f} ms")
        print(
            f"  residents p95 = {submitting['p95_ms']:.0f} ms (GET {submitting['get_p95_ms']:.0f}, "
            f"POST {submitting['post_p95_ms']:.0f}; target < 150), bare view under the same "
            f"load p95 = {floor['p95_ms']:.0f} ms"
        )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"bench/parking.py: {error}", file=sys.stderr)
        sys.exit(1)
