"""Files from tipsters: checked by content, size-limited, bombs and broken images refused with a
clear message; the clean copy loses EXIF/GPS/XMP, PDF metadata and video metadata.

The checks and cleaners are the kernel's (portal/scrub.py, tested in tests/portal/test_scrub.py);
these tests hold them to the tip line's policy (tips/scrub.py) and its task."""

import datetime
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader, PdfWriter

from portal import roles
from portal import scrub as kernel
from portal.errors import DomainError
from portal.localtime import local_today
from portal.models import AuditEntry
from tests.factories import UserFactory
from tests.support.errors import raises_domain
from tests.support.files import gps_exif, jpeg_bytes
from tips import crypto, originals, scrub, services
from tips.forms import TipForm
from tips.models import Tip, TipAttachment


def _pdf_with_metadata() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": "MARKER-AUTHOR Jane", "/Title": "MARKER-TITLE"})
    writer.xmp_metadata = None
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_image_is_recognised_by_content_not_name():
    checked = scrub.check_file(jpeg_bytes())
    assert (checked.kind, checked.content_type) == ("image", "image/jpeg")


def test_a_script_named_like_a_photo_is_refused():
    with pytest.raises(DomainError) as error:
        scrub.check_file(b"#!/bin/sh\necho pwned\n" * 10)
    assert error.value.domain_code == "file_type"


def test_an_oversized_photo_is_refused_with_the_limit(monkeypatch):
    monkeypatch.setitem(scrub.FILE_LIMITS, "image", 100)
    with pytest.raises(DomainError) as error:
        scrub.check_file(jpeg_bytes())
    assert error.value.domain_code == "file_too_large"


def test_a_decompression_bomb_is_refused():
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, format="PNG")  # tiny file, 144 million pixels
    data = out.getvalue()
    assert len(data) < 1_000_000
    with pytest.raises(DomainError) as error:
        scrub.check_file(data)
    assert error.value.domain_code == "image_too_big"


def test_a_broken_photo_is_refused_clearly():
    data = jpeg_bytes(size=(200, 200))
    with pytest.raises(DomainError) as error:
        scrub.check_file(data[: len(data) // 2])
    assert error.value.domain_code == "image_broken"
    assert "damaged" in str(error.value.messages[0])


def test_a_broken_pdf_is_refused():
    with pytest.raises(DomainError) as error:
        scrub.check_file(b"%PDF-1.4\n%garbage that is not a pdf\n")
    assert error.value.domain_code == "pdf_broken"


def test_clean_photo_has_no_exif_gps_or_xmp():
    data = jpeg_bytes(size=(80, 60), exif=gps_exif())
    assert Image.open(io.BytesIO(data)).getexif().get(0x8825)
    clean, content_type = scrub.scrub("image", data)
    assert content_type == "image/jpeg"
    image = Image.open(io.BytesIO(clean))
    assert dict(image.getexif()) == {}
    assert b"MARKER" not in clean and b"Exif\x00\x00" not in clean
    assert b"http://ns.adobe.com/xap" not in clean
    assert image.size == (80, 60)


def test_clean_pdf_has_no_document_metadata():
    clean, content_type = scrub.scrub("pdf", _pdf_with_metadata())
    assert content_type == "application/pdf"
    reader = PdfReader(io.BytesIO(clean))
    assert not (reader.metadata or {}).get("/Author")
    assert b"MARKER" not in clean
    assert len(reader.pages) == 1


@pytest.mark.skipif(not shutil.which("ffmpeg"), reason="needs ffmpeg")
def test_clean_video_has_no_metadata(tmp_path):
    source = tmp_path / "in.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=duration=1:size=64x48:rate=5",
            "-metadata",
            "title=MARKER-VIDEO-TITLE",
            "-metadata",
            "location=+41.76-072.67/",
            "-pix_fmt",
            "yuv420p",
            str(source),
        ],
        check=True,
    )
    data = source.read_bytes()
    assert b"MARKER-VIDEO-TITLE" in data
    assert scrub.check_file(data).kind == "video"
    clean, content_type = scrub.scrub("video", data)
    assert content_type == "video/mp4"
    assert b"MARKER" not in clean and b"+41.76" not in clean


@pytest.mark.django_db
def test_a_bad_file_keeps_the_text_and_saves_nothing(client, category):
    bad = SimpleUploadedFile("holiday.jpg", b"not an image at all" * 20, content_type="image/jpeg")
    response = client.post(
        "/tips/",
        {"category": category.pk, "what": "The text I typed stays", "attachments": [bad]},
    )
    html = response.content.decode()
    assert "checked by what they contain" in html
    assert "The text I typed stays" in html
    assert not Tip.objects.exists() and not TipAttachment.objects.exists()


@pytest.mark.django_db
def test_one_bad_file_among_good_ones_saves_nothing(category, django_capture_on_commit_callbacks):
    from tips.services import tip_submit

    with raises_domain("file_type"):
        tip_submit(category=category, what="x", files=[jpeg_bytes(), b"garbage" * 50])
    assert not Tip.objects.exists() and not TipAttachment.objects.exists()


@pytest.mark.django_db
def test_scrubbing_runs_after_commit_and_twice_is_once(
    category, django_capture_on_commit_callbacks
):
    from tips.services import attachment_scrub, tip_submit

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = tip_submit(category=category, what="x", files=[jpeg_bytes(exif=gps_exif())])
    attachment = result.tip.attachments.get()
    assert attachment.status == "pending" and not attachment.clean
    assert callbacks, "the cleaning task is handed over on commit"
    for callback in callbacks:
        callback()
    attachment.refresh_from_db()
    assert attachment.status == "clean"
    first = attachment.clean.name
    assert attachment_scrub(attachment_id=attachment.pk) is False
    attachment.refresh_from_db()
    assert attachment.clean.name == first
    clean = crypto.decrypt_bytes(attachment.clean.read())
    assert dict(Image.open(io.BytesIO(clean)).getexif()) == {}


@pytest.mark.django_db
def test_sweep_cleans_attachments_whose_task_was_lost(category, django_capture_on_commit_callbacks):
    from tips.services import attachment_sweep, tip_submit

    with django_capture_on_commit_callbacks(execute=False):
        result = tip_submit(category=category, what="x", files=[jpeg_bytes()])
    assert attachment_sweep(older_than_seconds=-7200) == 1
    assert result.tip.attachments.get().status == "clean"


# --- Originals: a special permission, a recorded reason, a retention limit (issue 13) --------


@pytest.fixture
def ivy(client):
    """An investigator, signed in: the role opens clean copies, not originals."""
    user = UserFactory(username="ivy", email="ivy@example.org")
    user.groups.add(Group.objects.get(name=roles.TIP_INVESTIGATORS))
    client.force_login(user)
    return user


def _allow_originals(user):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="tips", codename="view_original_attachment")
    )
    return get_user_model().objects.get(pk=user.pk)  # a fresh permission cache


@pytest.fixture
def cleaned(category):
    """An attachment with its clean copy made: a phone photo with GPS."""
    result = services.tip_submit(category=category, what="x", files=[jpeg_bytes(exif=gps_exif())])
    attachment = result.tip.attachments.get()
    assert services.attachment_scrub(attachment_id=attachment.pk)
    attachment.refresh_from_db()
    return attachment


def _age(attachment, days: int) -> None:
    TipAttachment.objects.filter(pk=attachment.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )


def _original_url(attachment) -> str:
    return f"/admin/tips/tip/{attachment.tip_id}/attachment/{attachment.pk}/original/"


@pytest.mark.django_db
def test_no_role_is_given_the_original_permission():
    for role in roles.ROLES:
        assert originals.PERMISSION not in roles.declared_permissions(role)
    assert not Group.objects.filter(permissions__codename="view_original_attachment").exists()


@pytest.mark.django_db
def test_an_investigator_without_the_permission_cannot_open_an_original(client, ivy, cleaned):
    assert client.get(_original_url(cleaned)).status_code == 403
    response = client.post(_original_url(cleaned), {"reason": "Court order 2026-114 asks for it"})
    assert response.status_code == 403
    assert b"Exif" not in response.content
    with pytest.raises(DomainError) as error:
        originals.attachment_original_open(attachment=cleaned, actor=ivy, reason="A good reason")
    assert error.value.domain_code == "original_not_allowed"
    assert not AuditEntry.objects.filter(action="tips.attachment.original_opened").exists()


@pytest.mark.django_db
def test_opening_an_original_asks_for_a_reason_and_records_it(client, ivy, cleaned):
    ivy = _allow_originals(ivy)
    page = client.get(_original_url(cleaned))
    assert page.status_code == 200
    assert "Why do you need the original?" in page.content.decode()
    refused = client.post(_original_url(cleaned), {"reason": "  need  "})
    assert refused.status_code == 200 and "errornote" in refused.content.decode()
    assert not AuditEntry.objects.filter(action="tips.attachment.original_opened").exists()

    reason = "Court order 2026-114 asks for the file as received"
    response = client.post(_original_url(cleaned), {"reason": reason})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response.content == jpeg_bytes(exif=gps_exif())  # as sent, EXIF and all
    entry = AuditEntry.objects.get(action="tips.attachment.original_opened")
    assert entry.actor == ivy and entry.target_id == str(cleaned.tip_id)
    assert entry.detail == {"attachment": cleaned.pk, "reason": reason}


@pytest.mark.django_db
def test_the_service_refuses_an_original_without_a_reason(ivy, cleaned):
    ivy = _allow_originals(ivy)
    with pytest.raises(DomainError) as error:
        originals.attachment_original_open(attachment=cleaned, actor=ivy, reason="   ")
    assert error.value.domain_code == "original_reason"
    assert not AuditEntry.objects.filter(action="tips.attachment.original_opened").exists()


@pytest.mark.django_db
def test_the_clean_copy_needs_no_special_permission(client, ivy, cleaned):
    response = client.get(f"/admin/tips/tip/{cleaned.tip_id}/attachment/{cleaned.pk}/clean/")
    assert response.status_code == 200 and response.content.startswith(b"\xff\xd8")
    assert b"Exif\x00\x00" not in response.content


@pytest.mark.django_db
def test_originals_past_the_retention_period_are_purged_and_the_clean_copy_stays(
    settings, ivy, cleaned, django_capture_on_commit_callbacks
):
    settings.TIPS_ORIGINAL_RETENTION_DAYS = 90
    _age(cleaned, 91)
    stored = Path(cleaned.original.path)
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert originals.attachment_originals_purge() == 1
    cleaned.refresh_from_db()
    assert not cleaned.original and not stored.exists()
    assert cleaned.original_purged_on == local_today()
    assert cleaned.clean and Path(cleaned.clean.path).exists()
    assert services.attachment_read(attachment=cleaned, actor=ivy).startswith(b"\xff\xd8")
    entry = AuditEntry.objects.get(action="tips.attachment.original_purged")
    assert entry.actor is None and entry.detail == {"attachment": cleaned.pk, "days": 90}
    # Twice is once; and an original that is gone says so.
    assert originals.attachment_originals_purge() == 0
    with pytest.raises(DomainError) as error:
        originals.attachment_original_open(
            attachment=cleaned, actor=_allow_originals(ivy), reason="Court order 2026-114"
        )
    assert error.value.domain_code == "original_purged"


@pytest.mark.django_db
def test_originals_within_the_period_or_without_a_clean_copy_are_kept(
    settings, category, cleaned, django_capture_on_commit_callbacks
):
    settings.TIPS_ORIGINAL_RETENTION_DAYS = 90
    _age(cleaned, 89)
    pending = services.tip_submit(category=category, what="x", files=[jpeg_bytes()])
    failed = services.tip_submit(category=category, what="y", files=[jpeg_bytes()])
    failed.tip.attachments.update(status=TipAttachment.Status.FAILED)
    for result in (pending, failed):
        _age(result.tip.attachments.get(), 400)
    with django_capture_on_commit_callbacks(execute=True):
        assert originals.attachment_originals_purge() == 0
    for attachment in TipAttachment.objects.all():
        assert attachment.original and Path(attachment.original.path).exists()
        assert attachment.original_purged_on is None


@pytest.mark.django_db
def test_the_purge_is_a_beat_task(settings, cleaned):
    from tips.tasks import attachment_originals_purge

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert attachment_originals_purge.name in tasks
    settings.TIPS_ORIGINAL_RETENTION_DAYS = 0
    _age(cleaned, 1)
    assert attachment_originals_purge.delay().get() == 1


@pytest.mark.django_db
def test_the_tip_form_says_what_is_removed_and_how_long_originals_are_kept(
    client, category, settings
):
    settings.TIPS_ORIGINAL_RETENTION_DAYS = 30
    html = " ".join(client.get("/tips/").content.decode().split())
    assert "a document's author, comments and attachments" in html.replace("&#x27;", "'")
    assert "kept encrypted for 30 days, then deleted" in html
    assert "special permission" in html and "record why" in html
    spanish = " ".join(client.get("/es/tips/").content.decode().split())
    assert "se guarda cifrado durante 30 días" in spanish
    assert "permiso especial" in spanish


# --- Property-based ---------------------------------------------------------------------------


@given(st.binary(max_size=4096))
@settings(max_examples=150, deadline=None)
def test_any_bytes_are_either_accepted_as_a_known_type_or_refused_cleanly(data):
    try:
        checked = scrub.check_file(data)
    except DomainError as error:
        assert error.domain_code
    else:
        assert checked.kind in scrub.FILE_LIMITS


@given(
    width=st.integers(1, 120),
    height=st.integers(1, 120),
    mode=st.sampled_from(["RGB", "L", "RGBA", "P", "CMYK"]),
    fmt=st.sampled_from(["JPEG", "PNG", "WEBP"]),
    artist=st.text(
        min_size=1, max_size=40, alphabet=st.characters(codec="ascii", min_codepoint=48)
    ),
)
@settings(max_examples=60, deadline=None)
def test_every_clean_image_has_no_exif_whatever_it_was(width, height, mode, fmt, artist):
    if fmt == "JPEG" and mode in ("RGBA", "P"):
        mode = "RGB"
    if fmt in ("WEBP", "PNG") and mode == "CMYK":
        mode = "RGB"
    exif = Image.Exif()
    exif[0x013B] = "ZZ" + artist
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, format=fmt, exif=exif.tobytes())
    clean = kernel.clean_image(out.getvalue()).data
    image = Image.open(io.BytesIO(clean))
    assert dict(image.getexif()) == {}
    assert ("ZZ" + artist).encode() not in clean
    assert image.size == (width, height)


@given(
    what=st.text(max_size=6000),
    where=st.text(max_size=700),
    extra=st.dictionaries(
        st.text(min_size=1, max_size=10).map(lambda k: f"x_{k}"), st.text(max_size=10), max_size=3
    ),
)
@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@pytest.mark.django_db
def test_the_form_accepts_only_what_fits_and_never_crashes(what, where, extra, category):
    form = TipForm({**extra, "category": category.pk, "what": what, "where": where})
    expected = (
        0 < len(what.strip()) <= 5000 and len(where.strip()) <= 500 and "\x00" not in what + where
    )
    assert form.is_valid() == expected, form.errors
    if expected:
        assert form.cleaned_data["what"] == what.strip()
