"""Records under load: the clerks' queue with 1,000 and with 500,000 requests, and the time a
worker takes to build a 10-page release packet.

What it measures, and prints:
1. The admin queue (/admin/records/recordrequest/), unfiltered and with the filters clerks use
   (overdue, unassigned, a type, "due today"), rendered in-process by Django's test client
   against PostgreSQL with DEBUG=0: the median time of BENCH_RECORDS_RUNS renders and the number
   of queries, with 1,000 requests in the table and then with 500,000. The target: with 500,000
   under twice the time with 1,000, and the same number of queries. (A filter that shows a
   handful of rows with 1,000 requests and a full page of 50 with 500,000 renders more HTML;
   such rows are printed but not held to the ratio.)
2. The release packet: worker time (release.packet_build) of a packet of 10 pages: a cover
   letter, a 7-page PDF with a name blacked out on every page (search-term redaction: all 7
   pages rasterized, the worst case), a scanned page with one area blacked out and the
   redaction log. For comparison, the same packet with no redactions (pages copied as they are)
   is built in the same run.
   Target: under 2 s.

Run it from the repository root: `.venv/bin/python bench/records.py`. It needs PostgreSQL and
uses its own database (created if missing):

    BENCH_RECORDS_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/portal_records_bench
    BENCH_RECORDS_LARGE         default 500000
    BENCH_RECORDS_SMALL         default 1000
    BENCH_RECORDS_RUNS          default 15

Rows are generated with one INSERT ... SELECT generate_series (half a minute for 500,000).
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.run import bench_django, ensure_database, env_int  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_records_bench"
QUEUE = "/admin/records/recordrequest/"
VIEWS = [
    ("queue, due date order", ""),
    ("overdue", "?due=overdue"),
    ("due today", "?due=today"),
    ("unassigned", "?clerk=none"),
    ("police reports", "?kind=police_report"),
    ("page 11", "?p=10"),
]

INSERT = """
INSERT INTO records_recordrequest (
    public_id, tracking_number, kind, status, paused_status, pause_reason, business_days_left,
    closure_reason, exemption, closure_note, requester_name, requester_email, requester_phone,
    language, details, description, sent_at, received_at, due_date, assigned_to_id,
    payment_method, payment_reference, lookup_code_hash, lookup_code_attempts,
    created_at, updated_at
)
SELECT
    gen_random_uuid(),
    'B' || lpad(i::text, 8, '0'),
    (ARRAY['police_report','accident_report','record_check','fingerprinting',
           'other_foi'])[1 + i % 5],
    (ARRAY['received','acknowledged','in_progress','in_review','ready','closed','closed',
           'closed','awaiting_requester'])[1 + i % 9],
    '', '', NULL, '', '', '',
    'Resident ' || i, 'resident' || i || '@example.org', '', 'en', '{}'::jsonb, '',
    now() - (i % 700) * interval '1 day', now() - (i % 700) * interval '1 day',
    (now() - (i % 700) * interval '1 day' + interval '6 days')::date,
    CASE WHEN i % 3 = 0 THEN NULL ELSE %(clerk)s END,
    '', '', '', 0, now(), now()
FROM generate_series(1, %(count)s) AS i
"""


def setup_django(database_url: str) -> None:
    bench_django(database_url, RECORDS_FILE_ROOT=tempfile.mkdtemp(prefix="records-bench-"))


def fill(count: int, clerk_id: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE records_recordrequest RESTART IDENTITY CASCADE")
        cursor.execute(INSERT.replace("%(clerk)s", str(clerk_id)).replace("%(count)s", str(count)))
        cursor.execute("ANALYZE records_recordrequest")


def measure_queue(client, runs: int) -> list[tuple[str, float, int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = []
    for label, query in VIEWS:
        client.get(QUEUE + query)  # warm
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(QUEUE + query)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as queries:
            response = client.get(QUEUE + query)
        shown = response.content.decode().count('class="action-select"')
        rows.append((label, statistics.median(times) * 1000, len(queries), shown))
    return rows


def measure_packet(*, redacted: bool = True) -> tuple[float, int]:
    from PIL import Image
    from reportlab.pdfgen import canvas

    from records.models import RecordRequest, ReleasePacket
    from records.services import Upload, release, request_submit

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for n in range(7):
        for line in range(40):
            name = ", witness Jane Roe" if line == 4 else ""
            pdf.drawString(60, 760 - line * 17, f"Page {n + 1}, line {line + 1}: narrative{name}.")
        pdf.showPage()
    pdf.save()
    scan = io.BytesIO()
    Image.new("RGB", (1700, 2200), "white").save(scan, "JPEG", quality=85)
    record_request: RecordRequest = request_submit(
        kind="police_report",
        requester_name="Bench Resident",
        requester_email="bench@example.org",
        details={"case_number": "26-000001"},
    )
    narrative = release.responsive_upload(
        record_request=record_request,
        upload=Upload("narrative.pdf", "application/pdf", buffer.getvalue()),
        actor=None,
    )
    photo = release.responsive_upload(
        record_request=record_request,
        upload=Upload("scan.jpg", "image/jpeg", scan.getvalue()),
        actor=None,
    )
    if redacted:
        release.redaction_add(
            document=photo,
            page=1,
            exemption="C.G.S. §1-210(b)(3)(A)",
            actor=None,
            region=(10, 10, 40, 5),
        )
        release.redaction_for_term(
            document=narrative, term="Jane Roe", exemption="C.G.S. §1-210(b)(3)(A)", actor=None
        )
    assert narrative.pages == 7
    packet = ReleasePacket.objects.create(request=record_request, state=ReleasePacket.State.QUEUED)
    started = time.process_time()
    wall = time.perf_counter()
    assert release.packet_build(packet_id=packet.pk)
    cpu = time.process_time() - started
    wall = time.perf_counter() - wall
    packet.refresh_from_db()
    return max(cpu, wall), packet.pages or 0


def main() -> int:
    database_url = os.environ.get("BENCH_RECORDS_DATABASE_URL", DEFAULT_DATABASE_URL)
    large = env_int("BENCH_RECORDS_LARGE", 500_000)
    small = env_int("BENCH_RECORDS_SMALL", 1_000)
    runs = env_int("BENCH_RECORDS_RUNS", 15)
    ensure_database(database_url)
    setup_django(database_url)

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from portal import roles

    user, _ = get_user_model().objects.get_or_create(
        username="bench-clerk", defaults={"is_staff": True, "email": "clerk@example.org"}
    )
    user.groups.add(Group.objects.get(name=roles.RECORDS_CLERKS))
    client = Client()
    client.force_login(user)

    results = {}
    for count in (small, large):
        started = time.perf_counter()
        fill(count, user.pk)
        print(f"{count:>9,} requests generated in {time.perf_counter() - started:.1f} s")
        results[count] = measure_queue(client, runs)

    print()
    print(
        f"{'admin queue view':<24}{small:>10,} rows{large:>12,} rows{'ratio':>8}  queries"
        "  rows on the page"
    )
    worst = 0.0
    for (label, t_small, q_small, n_small), (_, t_large, q_large, n_large) in zip(
        results[small], results[large], strict=True
    ):
        ratio = t_large / t_small
        if n_small == n_large:  # a fuller page costs more to render, whatever the table size
            worst = max(worst, ratio)
        print(
            f"{label:<24}{t_small:>11.1f} ms{t_large:>13.1f} ms{ratio:>7.2f}x  "
            f"{q_small} / {q_large}   {n_small} / {n_large}"
        )
    fill(0, user.pk)
    plain_seconds, plain_pages = measure_packet(redacted=False)
    seconds, pages = measure_packet()
    print()
    print(
        f"release packet, nothing redacted: {plain_pages} pages built in {plain_seconds:.2f} s "
        "of worker time"
    )
    print(
        f"release packet, 7 pages rasterized: {pages} pages built in {seconds:.2f} s of worker time"
    )
    ok = worst < 2.0 and seconds < 2.0 and pages == 10
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
