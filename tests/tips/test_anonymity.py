"""Anonymity for real: nothing that identifies a tipster is stored or logged anywhere.

The "done means" test sends a tip with a marker text, a marker address, forwarded-for, user
agent and referrer, and a photo carrying GPS EXIF; then the database dump (pg_dump), the media
folder and every log line are searched for the markers and for GPS. A second one sends a PDF
holding such a photo, an annotation with its author and date, an embedded file, JavaScript and
XMP: the investigators' clean copy carries none of it (issue 13, finding 1)."""

import io
import logging
import os
import re
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from PIL import Image
from pypdf import PdfReader

from tests.support.files import PDF_MARKERS, gps_exif, pdf_with_hidden_details
from tests.support.uploads import jpeg_upload
from tips import crypto
from tips.models import Tip, TipAttachment

MARKERS = {
    "text": "MARKER-TEXT-4711",
    "ip": "203.0.113.77",
    "forwarded": "198.51.100.99",
    "agent": "MarkerAgent/9.9",
    "referrer": "marker-referrer.example",
    "exif": "MARKER-ARTIST",
}
IDENTIFYING = {
    "REMOTE_ADDR": MARKERS["ip"],
    "HTTP_X_FORWARDED_FOR": MARKERS["forwarded"],
    "HTTP_USER_AGENT": MARKERS["agent"],
    "HTTP_REFERER": f"https://{MARKERS['referrer']}/page",
}


class _Everything(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))
        self.lines.append(repr(record.__dict__))


@pytest.fixture
def captured_logs():
    handler = _Everything()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in ("django.request", "django.server", "tips")]
    for item in loggers:
        item.addHandler(handler)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old_level)
    for item in loggers:
        item.removeHandler(handler)


def _found(blob: bytes) -> list[str]:
    return [name for name, marker in MARKERS.items() if marker.encode() in blob]


@pytest.mark.django_db(transaction=True)
def test_marker_submission_leaves_no_trace_in_dump_media_or_logs(
    category, captured_logs, _media, on_postgresql
):
    photo = jpeg_upload("IMG_2024_jane_home.jpg", size=(320, 240), exif=gps_exif())
    client = Client(**IDENTIFYING)
    response = client.post(
        "/tips/",
        {
            "category": category.pk,
            "what": f"Bikes behind the store {MARKERS['text']}",
            "people": MARKERS["text"],
            "attachments": [photo],
        },
    )
    assert response.status_code == 200 and b"tip-number" in response.content
    client.post("/tips/check/", {"number": "AAAAA-BBBBB", "passphrase": "wrong words"})

    attachment = TipAttachment.objects.get()
    assert attachment.status == TipAttachment.Status.CLEAN  # tasks run inline here

    # The database dump.
    db = connection.settings_dict
    dump = subprocess.run(
        [
            "pg_dump",
            "--data-only",
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"] or "postgres",
            db["NAME"],
        ],
        capture_output=True,
        check=True,
        env={**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""},
    ).stdout
    assert b"tips_tip" in dump
    assert _found(dump) == []
    assert b"jane_home" not in dump

    # The media folder.
    files = [p for p in Path(_media).rglob("*") if p.is_file()]
    assert len(files) == 2  # encrypted original + encrypted clean copy
    for path in files:
        blob = path.read_bytes()
        assert _found(blob) == [], path
        assert b"Exif\x00\x00" not in blob  # no EXIF block (GPS lives in one) anywhere
        assert re.fullmatch(rb"[A-Za-z0-9_=-]+", blob), "only Fernet tokens are stored"
        assert "jane" not in path.name

    # The clean copy, decrypted, has no EXIF and no GPS.
    clean = crypto.decrypt_bytes(Path(attachment.clean.path).read_bytes())
    image = Image.open(io.BytesIO(clean))
    assert dict(image.getexif()) == {}
    assert b"Exif\x00\x00" not in clean and _found(clean) == []

    # The logs.
    text = "\n".join(captured_logs.lines)
    assert [name for name, marker in MARKERS.items() if marker in text] == []


@pytest.mark.django_db(transaction=True)
def test_a_pdf_with_a_gps_photo_and_hidden_details_reaches_investigators_clean(
    category, captured_logs, _media
):
    document = io.BytesIO(pdf_with_hidden_details())
    document.name = "jane_home_report.pdf"
    response = Client(**IDENTIFYING).post(
        "/tips/",
        {"category": category.pk, "what": "See the attached report.", "attachments": [document]},
    )
    assert response.status_code == 200 and b"tip-number" in response.content
    attachment = TipAttachment.objects.get()
    assert (attachment.kind, attachment.status) == ("pdf", TipAttachment.Status.CLEAN)

    # At rest, both copies are encrypted, under names that say nothing.
    for path in (p for p in Path(_media).rglob("*") if p.is_file()):
        blob = path.read_bytes()
        assert re.fullmatch(rb"[A-Za-z0-9_=-]+", blob), "only Fernet tokens are stored"
        assert [name for name, marker in PDF_MARKERS.items() if marker in blob] == []
        assert "jane" not in path.name

    # The original keeps everything (it is the evidence); the clean copy keeps none of it.
    original = crypto.decrypt_bytes(Path(attachment.original.path).read_bytes())
    assert PDF_MARKERS["exif artist"] in original and b"/JavaScript" in original
    clean = crypto.decrypt_bytes(Path(attachment.clean.path).read_bytes())
    assert attachment.clean_content_type == "application/pdf"
    assert [name for name, marker in PDF_MARKERS.items() if marker in clean] == []
    assert b"Exif" not in clean and b"II*\x00" not in clean  # no EXIF, so no GPS
    for key in (b"/Annots", b"/JavaScript", b"/OpenAction", b"/EmbeddedFile", b"/Metadata"):
        assert key not in clean, key
    assert b"xmpmeta" not in clean
    assert dict(PdfReader(io.BytesIO(clean)).metadata) == {"/Producer": "portal"}
    pdf = pdfium.PdfDocument(clean)  # and the copy still shows the page
    try:
        assert len(pdf) == 1
        page = pdf[0].render(scale=0.5).to_pil().convert("L")
        assert page.getextrema()[0] < 100
    finally:
        pdf.close()

    text = "\n".join(captured_logs.lines)
    assert [name for name, marker in MARKERS.items() if marker in text] == []
    assert [name for name, marker in PDF_MARKERS.items() if marker.decode() in text] == []


@pytest.mark.django_db
def test_views_never_see_the_address_agent_or_referrer(category, rf):
    from portal.anonymity import AnonymityMiddleware

    seen = {}

    def view(request):
        seen.update(request.META)
        from django.http import HttpResponse

        return HttpResponse()

    request = rf.get("/es/tips/check/", **IDENTIFYING)
    AnonymityMiddleware(view)(request)
    blob = repr(seen)
    assert [name for name, marker in MARKERS.items() if marker in blob] == []
    assert len(request.anonymous_client) == 32


def test_a_second_registered_prefix_is_anonymous_too(rf):
    """Another app (complaints, service requests) registers its pages and gets the same
    protection; pages nobody registered, and the staff tip API, keep their headers."""
    from django.http import HttpResponse

    from portal import registry
    from portal.anonymity import AnonymityMiddleware, is_anonymous_path

    seen = {}

    def view(request):
        seen[request.path] = repr(request.META)
        return HttpResponse()

    registry.anonymous_paths.register(
        registry.AnonymousPath(key="complaints", prefix="/complaints/")
    )
    try:
        for path in ("/complaints/new/", "/es/complaints/new/", "/parking/", "/api/v1/tips/"):
            AnonymityMiddleware(view)(rf.get(path, **IDENTIFYING))
        assert is_anonymous_path("/complaints") and is_anonymous_path("/tips/check/")
    finally:
        registry.anonymous_paths.unregister("complaints")
    for path in ("/complaints/new/", "/es/complaints/new/"):
        assert [name for name, marker in MARKERS.items() if marker in seen[path]] == [], path
    for path in ("/parking/", "/api/v1/tips/"):
        assert MARKERS["ip"] in seen[path] and MARKERS["agent"] in seen[path], path
    assert not is_anonymous_path("/complaints/new/")  # gone with its registration


def test_throttle_hash_is_keyed_and_rotates_every_hour():
    from portal.anonymity import address_hash

    now = 1_700_000_000.0
    assert address_hash("203.0.113.77", now=now) == address_hash("203.0.113.77", now=now + 1)
    assert address_hash("203.0.113.77", now=now) != address_hash("203.0.113.77", now=now + 3600)
    assert "203" not in address_hash("203.0.113.77", now=now)


@pytest.mark.django_db
def test_throttle_counters_expire_soon(client, category):
    from django.core.cache import cache

    what = "Dirt bikes are kept in the blue garage."  # only a valid tip is counted
    client.post("/tips/", {"category": category.pk, "what": what}, REMOTE_ADDR=MARKERS["ip"])
    redis = cache._cache.get_client()
    keys = [k for k in redis.keys("*") if b":throttle:" in k]
    assert keys
    for key in keys:
        assert 0 < redis.ttl(key) <= 3600
        assert MARKERS["ip"].encode() not in key


@pytest.mark.django_db
def test_error_reports_for_tip_pages_carry_no_request_details(
    client, category, settings, monkeypatch, captured_logs
):
    from django.utils.log import AdminEmailHandler

    settings.ADMINS = [("Ops", "ops@example.org")]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    handler = AdminEmailHandler(include_html=True)
    logging.getLogger("django.request").addHandler(handler)

    def explode(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("tips.services.tip_submit", explode)
    client.raise_request_exception = False
    try:
        response = client.post(
            "/tips/",
            {"category": category.pk, "what": MARKERS["text"]},
            **IDENTIFYING,
        )
    finally:
        logging.getLogger("django.request").removeHandler(handler)
    assert response.status_code == 500
    assert mail.outbox, "the error report was sent"
    report = mail.outbox[0].body + "".join(str(a[0]) for a in mail.outbox[0].alternatives)
    assert [name for name, marker in MARKERS.items() if marker in report] == []
    logs = "\n".join(captured_logs.lines)
    assert [name for name, marker in MARKERS.items() if marker in logs] == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/tips/", "/es/tips/", "/tips/check/"])
def test_tip_pages_send_no_store_no_referrer_and_the_strict_csp(client, category, path):
    response = client.get(path)
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    html = response.content.decode()
    for url in re.findall(r'(?:src|href|action)="([^"]+)"', html):
        assert url.startswith(("/", "#", "tel:", "mailto:")), url
    assert "<script>" not in html and "style=" not in html


@pytest.mark.django_db
def test_result_page_is_not_cached_either(client, category):
    response = client.post("/tips/", {"category": category.pk, "what": "Something happened."})
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


@pytest.mark.django_db
def test_the_page_says_when_anonymity_would_not_hold(client, category):
    html = client.get("/tips/").content.decode()
    assert "When anonymity does not hold" in html
    assert "ends your anonymity" in html


@pytest.mark.django_db
def test_received_time_is_rounded_to_the_hour(client, category):
    client.post("/tips/", {"category": category.pk, "what": "Something happened."})
    received = Tip.objects.get().received_at
    assert (received.minute, received.second, received.microsecond) == (0, 0, 0)
