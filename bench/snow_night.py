"""A town's worst evening, end to end: a snow emergency declared while residents and officers
are on the site (issue 18).

The scenario: 20,000 overnight permits for tonight and 5,000 neighborhood subscribers, on a
stack of the benchmark's own (tests/support/stack.py: a PostgreSQL cluster, Redis, an aiosmtpd
sink counting every message by Message-ID, gunicorn, Celery workers; nothing of the machine's
PostgreSQL or Redis is touched), the portal in production mode (DEBUG=0). Meanwhile 200
residents browse public pages and submit permit requests (one request every BENCH_THINK_S
seconds on average each, default 10) and 20 officers look up plates (each a check and a floor
call every second on average). First an idle phase, then at T0 a supervisor declares the ban
(parking.services.ban_declare, as the admin does) and the neighborhood notice goes to every
subscriber on the bulk queue; the phase ends when the last cancellation is accepted.

Printed: time from T0 until every holder's cancellation was accepted by the SMTP server,
messages per second, duplicates (by Message-ID) and missing; the same for the bulk notice; the
claim-to-mark window; each load's p50/p95 idle and during the storm; the plate check beside the
floor endpoint (same token authentication, one indexed read); the CPU each part used and what
the rest of the machine used (load average, other processes' CPU).

Targets (issue 18): all 20,000 delivered in under 3 minutes, 0 missing, 0 duplicates; officers'
p95 in the storm within 2x idle and under 50 ms, check p50 within 1.25x the floor; public pages
within 2x idle.

    .venv/bin/python bench/snow_night.py                 # the full evening
    .venv/bin/python bench/snow_night.py --scale 0.05    # 1,000 permits, 250 subscribers

Settings: --scale (permits and subscribers; residents and officers stay), --idle SECONDS (the
idle phase, default 30), --workers N (urgent worker processes, default one fewer than the cores,
at least 1: docs/operations.md says why), --pool threads (N threads in one urgent worker process
instead), --web-workers N (gunicorn sync workers, default 2 x cores + 1), --sink-nice N (the SMTP
sink at a lower CPU priority, as if it were the other machine it is in production),
--timeout SECONDS (give up on the storm, default 600). Results go to bench/results/snow.json.
"""

from __future__ import annotations

import argparse
import datetime
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
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import Config, git_commit
from tests.support import stack

HOST = "127.0.0.1"
PERMITS = 20_000
SUBSCRIBERS = 5_000
RESIDENTS = 200
OFFICERS = 20
THINK_S = float(os.environ.get("BENCH_THINK_S", "10"))
OFFICER_THINK_S = 1.0
PUBLIC_PAGES = ["/", "/es/", "/parking/", "/programs/", "/es/parking/", "/custody/"]
RESULTS = Path(__file__).resolve().parent / "results"
GENERATOR = "load generator (this script)"


# --- The machine ----------------------------------------------------------------------------


def _cpu_total() -> tuple[int, int]:
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def _processes() -> dict[int, tuple[int, int, int]]:
    """pid -> (parent pid, CPU ticks used, CPU ticks its ended children used) for every process."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime + stime, and cutime + cstime: what its children that ended used (PostgreSQL's
        # backends, a worker's replaced children).
        found[int(entry)] = (
            int(fields[1]),
            int(fields[11]) + int(fields[12]),
            int(fields[13]) + int(fields[14]),
        )
    return found


class CpuMeter:
    """CPU ticks used by each part of our stack (a process and its descendants) and by the
    whole machine, between start() and stop()."""

    def __init__(self, parts: dict[str, list[int]], alone: tuple[str, ...] = ()):
        self.parts = parts
        self.alone = alone  # parts counted without their descendants (this script: the stack)

    def _sample(self) -> dict:
        table = _processes()
        children: dict[int, list[int]] = {}
        for pid, (parent, _ticks, _ended) in table.items():
            children.setdefault(parent, []).append(pid)
        used = {}
        for name, roots in self.parts.items():
            if name in self.alone:
                used[name] = {pid: table[pid][1] for pid in roots if pid in table}
                continue
            seen, todo = set(), list(roots)
            while todo:
                pid = todo.pop()
                if pid in seen or pid not in table:
                    continue
                seen.add(pid)
                todo.extend(children.get(pid, []))
            used[name] = {pid: table[pid][1] for pid in seen}
            # Descendants that ended during the phase: counted in their root's children's time
            # (a whole lifetime, so a child that started before the phase is slightly over-counted).
            used[name].update({-pid: table[pid][2] for pid in roots if pid in table})
        return {"parts": used, "machine": _cpu_total(), "at": time.monotonic()}

    def start(self) -> None:
        self.first = self._sample()

    def stop(self) -> dict:
        last = self._sample()
        hz = os.sysconf("SC_CLK_TCK")
        cores = os.cpu_count() or 1
        seconds = last["at"] - self.first["at"]
        ours = {}
        for name, pids in last["parts"].items():
            before = self.first["parts"].get(name, {})
            ticks = sum(t - before.get(pid, 0) for pid, t in pids.items())
            ours[name] = round(100 * ticks / hz / seconds / cores, 1)
        busy = last["machine"][0] - self.first["machine"][0]
        total = last["machine"][1] - self.first["machine"][1]
        machine = round(100 * busy / total, 1) if total else 0.0
        return {
            "seconds": round(seconds, 1),
            "machine_busy_percent": machine,
            "ours_percent": ours,
            "others_percent": round(max(machine - sum(ours.values()), 0.0), 1),
        }


def machine_conditions() -> dict:
    load = os.getloadavg()
    table = _processes()
    time.sleep(1.0)
    again = _processes()
    hz = os.sysconf("SC_CLK_TCK")
    mine = os.getpid()
    hungry = sorted(
        (
            (again[pid][1] - table[pid][1], pid)
            for pid in again
            if pid in table and pid != mine and again[pid][1] > table[pid][1]
        ),
        reverse=True,
    )[:5]
    top = []
    for ticks, pid in hungry:
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            name = "?"
        top.append(f"{name}({pid}) {100 * ticks / hz:.0f}%")
    return {
        "cores": os.cpu_count(),
        "loadavg_1_5_15": [round(x, 2) for x in load],
        "busiest_processes_1s": top,
    }


# --- The data -------------------------------------------------------------------------------

PERMITS_SQL = """
WITH streets AS (SELECT array_agg(id ORDER BY id) AS ids FROM portal_street)
INSERT INTO parking_permit (
    code, plate, plate_state, vehicle_type, make, model, colour, street_id, house_number,
    reason, reason_note, email, mobile, language, status, first_night, last_night,
    status_reason, created_at
)
SELECT
    'S' || lpad(upper(to_hex(g)), 8, '0'), 'S' || upper(to_hex(g)), 'CT', 'car', 'Subaru',
    'Outback', 'Blue', streets.ids[1 + g %% array_length(streets.ids, 1)], 1 + g %% 400,
    'guest', '', 'holder' || g || '@example.org', '',
    (ARRAY['en', 'es'])[1 + g %% 2], 'active', %(night)s::date, %(night)s::date, '', now()
FROM generate_series(1, %(count)s) AS g, streets
"""

NIGHTS_SQL = """
INSERT INTO parking_permitnight (permit_id, night, plate, plate_state, street_id, house_number,
                                 status)
SELECT id, first_night, plate, plate_state, street_id, house_number, 'active'
FROM parking_permit WHERE code LIKE 'S%%'
"""


def setup_django(env: dict) -> None:
    os.environ.update(env)
    os.environ["STAFF_REQUIRE_2FA"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def generate(permits: int, subscribers: int) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from parking import nights
    from parking.models import ParkingRules
    from portal import roles
    from portal.models import Street
    from portal.services import staff
    from programs.models import Neighborhood, Subscription
    from tests.factories import UserFactory

    rules = ParkingRules.get_solo()
    rules.requests_per_hour = 30_000  # every simulated resident comes from 127.0.0.1
    rules.save()
    tonight = nights.tonight()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(PERMITS_SQL, {"count": permits, "night": tonight})
        cursor.execute(NIGHTS_SQL)
        cursor.execute("ANALYZE")
    hoods = list(Neighborhood.objects.values_list("pk", flat=True))
    Subscription.objects.bulk_create(
        Subscription(
            neighborhood_id=hoods[i % len(hoods)],
            email=f"neighbor{i}@example.org",
            language="es" if i % 3 == 0 else "en",
            confirmed_at=timezone.now(),
        )
        for i in range(subscribers)
    )
    tokens = []
    for i in range(OFFICERS):
        user = UserFactory(roles=[roles.PARKING_OFFICERS], username=f"snow.officer{i}")
        tokens.append(staff.staff_token_issue(user=user, name="Handheld", actor=None)[1])
    supervisor = UserFactory(roles=[roles.PARKING_OFFICERS], username="snow.supervisor")
    streets = list(Street.objects.values_list("pk", flat=True))
    return {
        "tonight": tonight,
        "tokens": tokens,
        "supervisor_id": supervisor.pk,
        "streets": streets,
        "plates": [f"S{i:X}" for i in random.Random(1).sample(range(1, permits + 1), 200)],  # noqa: S311,
    }


# --- The load --------------------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.samples: list[tuple[float, str, float, int]] = []
        self.lock = threading.Lock()

    def add(self, kind: str, started: float, status: int) -> None:
        with self.lock:
            self.samples.append((started, kind, (time.perf_counter() - started) * 1000, status))

    def summary(self, start: float, end: float) -> dict:
        by_kind: dict[str, list[float]] = {}
        statuses: dict[str, Counter] = {}
        for at, kind, ms, status in self.samples:
            if start <= at < end:
                by_kind.setdefault(kind, []).append(ms)
                statuses.setdefault(kind, Counter())[status] += 1
        out = {}
        for kind, values in by_kind.items():
            values.sort()
            out[kind] = {
                "n": len(values),
                "p50_ms": round(statistics.median(values), 1),
                "p95_ms": round(values[int(0.95 * (len(values) - 1))], 1),
                "statuses": dict(statuses[kind]),
            }
        return out

    def timeline(self, start: float, end: float, step: float = 10.0) -> dict:
        """p95 per kind in each step-second window from start: where in the storm the tail is."""
        windows: dict[str, dict[int, list[float]]] = {}
        for at, kind, ms, _status in self.samples:
            if start <= at < end:
                windows.setdefault(kind, {}).setdefault(int((at - start) // step), []).append(ms)
        return {
            kind: [
                round(sorted(v)[int(0.95 * (len(v) - 1))], 1) if (v := buckets.get(i)) else None
                for i in range(max(buckets) + 1)
            ]
            for kind, buckets in windows.items()
        }


def _request(port, recorder, kind, method, path, body=None, headers=None):
    started = time.perf_counter()
    status = 0
    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        payload = response.read()
        status = response.status
        conn.close()
        return response, payload
    except OSError:
        return None, b""
    finally:
        recorder.add(kind, started, status)


def resident(index, port, recorder, stop, tomorrow, streets):
    rng = random.Random(index)  # noqa: S311 - think times
    time.sleep(rng.uniform(0, THINK_S))
    turn = 0
    while not stop.is_set():
        turn += 1
        if turn % 4:
            _request(port, recorder, "public page", "GET", rng.choice(PUBLIC_PAGES))
        else:
            response, page = _request(port, recorder, "permit form", "GET", "/parking/")
            cookie = (response.getheader("Set-Cookie", "") if response else "") or ""
            csrf = re.search(r"csrftoken=([^;]+)", cookie)
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            body = urlencode(
                {
                    "csrfmiddlewaretoken": token.group(1).decode() if token else "",
                    "plate": f"R{index:03d}{turn:04d}"[:8],
                    "plate_state": "CT",
                    "vehicle_type": "car",
                    "make": "Ford",
                    "model": "Focus",
                    "colour": "Red",
                    "house_number": str(1 + index),
                    "street": str(streets[index % len(streets)]),
                    "reason": "guest",
                    "first_night": tomorrow,
                    "nights": "1",
                    "email": f"resident{index}@example.org",
                }
            )
            _request(
                port,
                recorder,
                "permit request (POST)",
                "POST",
                "/parking/",
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"csrftoken={csrf.group(1) if csrf else ''}",
                    "Referer": f"http://{HOST}:{port}/parking/",
                },
            )
        stop.wait(rng.uniform(0.5, 1.5) * THINK_S)


def officer(index, port, recorder, stop, token, plates):
    rng = random.Random(1000 + index)  # noqa: S311
    headers = {"Authorization": f"Token {token}"}
    time.sleep(rng.uniform(0, OFFICER_THINK_S))
    while not stop.is_set():
        plate = rng.choice(plates) if rng.random() < 0.7 else f"ZZ{rng.randrange(99999)}"
        calls = [
            ("plate check", f"/api/v1/parking/check/?plate={plate}&plate_state=CT"),
            ("floor", f"/api/v1/parking/floor/?plate={plate}"),
        ]
        rng.shuffle(calls)
        for kind, path in calls:
            _request(port, recorder, kind, "GET", path, headers=headers)
        stop.wait(rng.uniform(0.5, 1.5) * OFFICER_THINK_S)


# --- The evening -----------------------------------------------------------------------------


def queue_neighborhood_notice() -> int:
    """What a neighborhood notice does (programs' subscriber mail): one message per confirmed
    subscriber, bulk, in one transaction."""
    from django.db import transaction

    from portal.services.notifications import notification_enqueue
    from programs.models import Subscription

    count = 0
    with transaction.atomic():
        for subscription in Subscription.objects.filter(confirmed_at__isnull=False).iterator():
            notification_enqueue(
                channel="email",
                recipient=subscription.email,
                subject="Snow emergency: parking ban tonight",
                body="A snow emergency is declared: no parking on the street tonight.",
                language=subscription.language,
                bulk=True,
            )
            count += 1
    return count


def declare(supervisor_id: int, tonight: datetime.date) -> dict:
    """T0: the supervisor declares the ban until tonight's end (parking.services.ban_declare,
    as the admin does) and the neighborhood notice is queued."""
    from django.contrib.auth import get_user_model

    from parking import nights
    from parking.services import ban_declare, rules_get
    from portal.localtime import department_zone

    supervisor = get_user_model().objects.get(pk=supervisor_id)
    _start, end = nights.night_window(tonight, rules_get().ban_end, department_zone())
    ban = ban_declare(
        starts_at=datetime.datetime.now(datetime.UTC),
        ends_at=end,
        message_en="Snow emergency: no parking on the street tonight.",
        message_es="Emergencia por nieve: no se puede estacionar en la calle esta noche.",
        actor=supervisor,
    )
    started = time.perf_counter()
    queued = queue_neighborhood_notice()
    return {"ban": ban.pk, "queued": queued, "queued_in_s": time.perf_counter() - started}


class Supervisor:
    """A process of its own, Django loaded, that runs declare() when told to."""

    def __init__(self, supervisor_id: int, tonight: datetime.date):
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--declare", str(supervisor_id), tonight.isoformat()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready"

    def go(self) -> dict:
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        """After the storm's CPU is read: until then the process stays, so its time counts."""
        self.process.stdin.close()
        self.process.wait(30)


def declare_when_told(supervisor_id: str, tonight: str) -> int:
    setup_django({})
    print("ready", flush=True)
    if sys.stdin.readline() != "go\n":  # the benchmark ended before T0
        return 1
    print(json.dumps(declare(int(supervisor_id), datetime.date.fromisoformat(tonight))), flush=True)
    sys.stdin.readline()  # until the benchmark has read this process's CPU time
    return 0


class Tally:
    """Reads the sink's log as it grows (only the new lines each time), per recipient prefix:
    accepted Message-IDs (counted), recipients, and when the last new Message-ID came."""

    def __init__(self, sink: stack.SmtpSink):
        self.path, self.offset = sink.accepted, 0
        self.per_id: dict[str, Counter] = {}
        self.recipients: dict[str, set] = {}
        self.last: dict[str, float] = {}

    def read(self) -> None:
        if not self.path.exists():
            return
        with self.path.open() as f:
            f.seek(self.offset)
            chunk = f.read()
        complete = chunk[: chunk.rfind("\n") + 1]
        self.offset += len(complete.encode())
        for line in complete.splitlines():
            at, message_id, to = line.split(" ")
            prefix = re.match(r"[a-z]*", to).group(0)
            ids = self.per_id.setdefault(prefix, Counter())
            if message_id not in ids:
                self.last[prefix] = float(at)
            ids[message_id] += 1
            self.recipients.setdefault(prefix, set()).add(to)

    def state(self, prefix: str) -> tuple[dict, Counter, float | None]:
        ids = self.per_id.get(prefix, Counter())
        return (
            {"distinct": len(ids), "recipients": len(self.recipients.get(prefix, ()))},
            ids,
            self.last.get(prefix),
        )


def window(sink: stack.SmtpSink) -> dict:
    """Server acceptance to the row's sent_at (taken just before the UPDATE that marks it)."""
    from portal.models import Notification

    accepted = {}
    for at, message_id, _to in sink.lines():
        accepted.setdefault(message_id.strip("<>").split("@")[0], at)
    gaps = []
    for pk, sent_at in Notification.objects.filter(status="sent").values_list("pk", "sent_at"):
        if str(pk) in accepted and sent_at:
            gaps.append((sent_at.timestamp() - accepted[str(pk)]) * 1000)
    gaps.sort()
    if not gaps:
        return {}
    return {
        "n": len(gaps),
        "p50_ms": round(statistics.median(gaps), 2),
        "p99_ms": round(gaps[int(0.99 * (len(gaps) - 1))], 2),
        "max_ms": round(gaps[-1], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--idle", type=float, default=30.0)
    cores = os.cpu_count() or 1
    parser.add_argument("--workers", type=int, default=max(cores - 1, 1))
    parser.add_argument(
        "--pool",
        default="prefork",
        choices=["prefork", "threads"],
        help="the urgent worker's pool: prefork (processes) or threads (--workers threads in "
        "one process, for sends that spend their time waiting)",
    )
    parser.add_argument("--web-workers", type=int, default=2 * cores + 1)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument(
        "--sink-nice",
        type=int,
        default=0,
        help="run the SMTP sink at this niceness: it stands in for a mail server that in "
        "production is another machine, so this shows the evening without its CPU in the way",
    )
    args = parser.parse_args()
    permits = max(int(PERMITS * args.scale), 10)
    subscribers = max(int(SUBSCRIBERS * args.scale), 10)

    conditions_before = machine_conditions()
    print(f"Machine before: {conditions_before}")
    work = Path(tempfile.mkdtemp(prefix="snow-night-"))
    postgres = stack.Postgres(work).init().start()
    redis = stack.Redis(work).start()
    sink = stack.SmtpSink(work).start()
    processes: list[stack.Process] = []
    try:
        database_url = postgres.create_database("portal")
        config = Config(database_url, redis.url(), 0, 0, 0)
        from bench.run import portal_env

        # Every secret production requires (bench_secrets, from manage.py portal_secrets).
        env = portal_env(config, work / "static")
        env.update(
            EMAIL_URL=sink.url,
            PARKING_FLOOR_ENDPOINT="1",
            NOTIFICATION_BATCH_SIZE=str(args.batch),
            CELERY_TASK_ALWAYS_EAGER="0",
        )
        print(f"Preparing the portal on its own stack under {work} (DEBUG=0)")
        stack.manage(env, "migrate", "--noinput")
        stack.manage(env, "collectstatic", "--noinput")
        stack.manage(env, "demo_setup")
        setup_django(env)
        print(f"Generating {permits:,} permits for tonight and {subscribers:,} subscribers")
        data = generate(permits, subscribers)
        tomorrow = (data["tonight"] + datetime.timedelta(days=1)).isoformat()

        port = stack.free_port()
        web = stack.gunicorn(env, work / "gunicorn.log", port=port, workers=args.web_workers)
        urgent = stack.celery_worker(
            env,
            work / "urgent.log",
            name="urgent",
            queues="celery",
            concurrency=args.workers,
            pool=args.pool,
        )
        bulk = stack.celery_worker(
            env, work / "bulk.log", name="bulk", queues="bulk", concurrency=1, beat=True
        )
        for process in (web, urgent, bulk):
            processes.append(process.start())
        stack.wait_until(lambda: stack.http_status(f"http://{HOST}:{port}/") == 200, 60, "web")
        supervisor = Supervisor(data["supervisor_id"], data["tonight"])

        if args.sink_nice:
            for task in os.listdir(f"/proc/{sink.process.pid}/task"):  # every thread
                os.setpriority(os.PRIO_PROCESS, int(task), args.sink_nice)
        pg_pid = int((postgres.dir / "postmaster.pid").read_text().split()[0])
        meter_parts = {
            "gunicorn": [web.process.pid],
            "urgent worker": [urgent.process.pid],
            "bulk worker + beat": [bulk.process.pid],
            "postgresql": [pg_pid],  # with its backends, those that ended too
            "redis": [redis.process.pid],
            "smtp sink": [sink.process.pid],
            GENERATOR: [os.getpid()],
        }
        recorder = Recorder()
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=resident,
                args=(i, port, recorder, stop, tomorrow, data["streets"]),
                daemon=True,
            )
            for i in range(RESIDENTS)
        ] + [
            threading.Thread(
                target=officer,
                args=(i, port, recorder, stop, data["tokens"][i], data["plates"]),
                daemon=True,
            )
            for i in range(OFFICERS)
        ]
        for thread in threads:
            thread.start()
        warm = max(THINK_S, 3.0)
        print(f"Idle: {RESIDENTS} residents and {OFFICERS} officers, {args.idle:.0f} s")
        time.sleep(warm)  # every resident has arrived
        idle_meter = CpuMeter(meter_parts, alone=(GENERATOR,))
        idle_meter.start()
        idle_start = time.perf_counter()
        time.sleep(args.idle)
        idle_cpu = idle_meter.stop()
        idle_load = os.getloadavg()

        # --- T0 ---
        # The supervisor acts from a process of its own, as from the admin: done in this one, its
        # few seconds of work would hold the interpreter the load's threads time themselves with.
        storm_meter = CpuMeter(
            {**meter_parts, "supervisor (ban, notice)": [supervisor.process.pid]},
            alone=(GENERATOR,),
        )
        storm_meter.start()
        t0 = time.perf_counter()
        t0_wall = time.time()
        declared = supervisor.go()
        queued_bulk = declared["queued"]
        notice_queued_s = declared["queued_in_s"]
        print(
            f"T0: ban {declared['ban']} declared; {queued_bulk:,} neighborhood notices queued "
            "on the bulk queue"
        )

        deadline = t0 + args.timeout
        urgent_done = bulk_done = None
        tally = Tally(sink)
        while time.perf_counter() < deadline:
            time.sleep(0.5)
            tally.read()
            urgent_state, _ids, urgent_last = tally.state("holder")
            bulk_state, _bids, bulk_last = tally.state("neighbor")
            if urgent_done is None and urgent_state["recipients"] >= permits:
                urgent_done = urgent_last - t0_wall
                print(f"  every cancellation accepted at T0 + {urgent_done:.1f} s")
            if bulk_done is None and bulk_state["recipients"] >= queued_bulk:
                bulk_done = bulk_last - t0_wall
                print(f"  every neighborhood notice accepted at T0 + {bulk_done:.1f} s")
            if urgent_done is not None and bulk_done is not None:
                break
            elapsed = time.perf_counter() - t0
            if int(elapsed) % 10 == 0 and elapsed % 10 < 0.5:
                print(
                    f"  T0 + {elapsed:.0f} s: {urgent_state['recipients']:,} cancellations, "
                    f"{bulk_state['recipients']:,} notices accepted"
                )
        storm_end = time.perf_counter()
        storm_cpu = storm_meter.stop()
        supervisor.close()
        storm_load = os.getloadavg()
        stop.set()
        for thread in threads:
            thread.join(40)
        time.sleep(2)  # anything still on its way

        from django.db.models import Max

        from parking.models import SnowEmergency
        from portal.models import Notification

        ban = SnowEmergency.objects.get(pk=declared["ban"])
        last_queued = Notification.objects.filter(recipient__startswith="holder").aggregate(
            Max("created_at")
        )["created_at__max"]
        tally.read()
        urgent_state, urgent_ids, _ = tally.state("holder")
        bulk_state, bulk_ids, _ = tally.state("neighbor")
        rows = Counter(Notification.objects.values_list("status", flat=True))
        idle = recorder.summary(idle_start, t0)
        storm = recorder.summary(t0, storm_end)
        storm_timeline = recorder.timeline(t0, storm_end)
        result = {
            "commit": git_commit(),
            "scale": args.scale,
            "permits": permits,
            "subscribers": subscribers,
            "residents": RESIDENTS,
            "officers": OFFICERS,
            "urgent_worker_processes": args.workers,
            "urgent_worker_pool": args.pool,
            "web_workers": args.web_workers,
            "batch": args.batch,
            "sink_nice": args.sink_nice,
            "cancellations": {
                "all_accepted_after_s": round(urgent_done, 1) if urgent_done else None,
                "messages_per_s": round(permits / urgent_done, 1) if urgent_done else None,
                "ban_applied_after_s": round(ban.applied_at.timestamp() - t0_wall, 1)
                if ban.applied_at
                else None,
                "last_queued_after_s": round(last_queued.timestamp() - t0_wall, 1)
                if last_queued
                else None,
                "permits_cancelled": ban.permits_cancelled,
                "missing": permits - urgent_state["recipients"],
                "duplicates": sum(n - 1 for n in urgent_ids.values() if n > 1),
            },
            "neighborhood_notice": {
                "queued": queued_bulk,
                "queued_in_s": round(notice_queued_s, 1),
                "all_accepted_after_s": round(bulk_done, 1) if bulk_done else None,
                "missing": queued_bulk - bulk_state["recipients"],
                "duplicates": sum(n - 1 for n in bulk_ids.values() if n > 1),
            },
            "outbox_rows": dict(rows),
            "acceptance_to_mark_ms": window(sink),
            "idle": idle,
            "storm": storm,
            "storm_p95_per_10s": storm_timeline,
            "cpu_idle_phase": idle_cpu,
            "cpu_storm_phase": storm_cpu,
            "machine_before": conditions_before,
            "loadavg_end_of_idle": [round(x, 2) for x in idle_load],
            "loadavg_end_of_storm": [round(x, 2) for x in storm_load],
        }
        report(result)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "snow.json").write_text(json.dumps(result, indent=2, default=str))
        return 0
    finally:
        for process in processes:
            process.stop()
        sink.stop()
        redis.stop()
        postgres.remove()


def report(r: dict) -> None:
    c, b = r["cancellations"], r["neighborhood_notice"]
    print()
    print(
        f"Snow night: {r['permits']:,} permits, {r['subscribers']:,} subscribers, "
        f"{r['residents']} residents, {r['officers']} officers "
        f"(urgent worker {r['urgent_worker_pool']} x {r['urgent_worker_processes']}, "
        f"SMTP sink's niceness +{r['sink_nice']}, "
        f"gunicorn workers {r['web_workers']}, "
        f"batch {r['batch']}, commit {r['commit']})"
    )
    print(
        f"  cancellations: all accepted at T0 + {c['all_accepted_after_s']} s "
        f"({c['messages_per_s']} messages/s; target < 180 s), missing {c['missing']}, "
        f"duplicates {c['duplicates']}; ban job done at T0 + {c['ban_applied_after_s']} s, "
        f"last message queued at T0 + {c['last_queued_after_s']} s"
    )
    print(
        f"  neighborhood notice (bulk queue): {b['queued']:,} queued in {b['queued_in_s']} s, "
        f"all accepted at T0 + {b['all_accepted_after_s']} s, missing {b['missing']}, "
        f"duplicates {b['duplicates']}"
    )
    print(f"  outbox rows: {r['outbox_rows']}")
    print(f"  server acceptance -> row marked sent: {r['acceptance_to_mark_ms']}")
    print()
    print(f"  {'load':24} {'idle p50':>9} {'p95':>7} {'storm p50':>10} {'p95':>7} {'p95 x':>6}  n")
    for kind in sorted(set(r["idle"]) | set(r["storm"])):
        i, s = r["idle"].get(kind, {}), r["storm"].get(kind, {})
        ratio = s.get("p95_ms", 0) / i["p95_ms"] if i.get("p95_ms") else float("nan")
        print(
            f"  {kind:24} {i.get('p50_ms', '-'):>9} {i.get('p95_ms', '-'):>7} "
            f"{s.get('p50_ms', '-'):>10} {s.get('p95_ms', '-'):>7} {ratio:>6.2f}  "
            f"{i.get('n', 0)}/{s.get('n', 0)} {s.get('statuses', {})}"
        )
    print("  storm p95 (ms) in each 10 s from T0:")
    for kind, values in sorted(r["storm_p95_per_10s"].items()):
        print(f"    {kind:22} " + " ".join(f"{v:>6.0f}" if v else "     -" for v in values))
    for phase in ("idle", "storm"):
        check, floor = r[phase].get("plate check"), r[phase].get("floor")
        if check and floor:
            print(
                f"  {phase}: plate check p50 / floor p50 = "
                f"{check['p50_ms'] / floor['p50_ms']:.2f} (target <= 1.25); "
                f"check p95 {check['p95_ms']} ms (target < 50 in the storm)"
            )
    print()
    for phase in ("cpu_idle_phase", "cpu_storm_phase"):
        cpu = r[phase]
        print(
            f"  {phase}: machine {cpu['machine_busy_percent']}% busy over {cpu['seconds']} s "
            f"(of {os.cpu_count()} cores); other processes {cpu['others_percent']}%; "
            f"ours {cpu['ours_percent']}"
        )
    print(
        f"  load average before {r['machine_before']['loadavg_1_5_15']}, end of idle "
        f"{r['loadavg_end_of_idle']}, end of storm {r['loadavg_end_of_storm']}; busiest "
        f"before: {r['machine_before']['busiest_processes_1s']}"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--declare"]:
        sys.exit(declare_when_told(*sys.argv[2:4]))
    sys.exit(main())
