"""Issue 13, finding 9, the tip line's part: videos are probed (ffprobe) before anything else
and refused over TIPS_VIDEO_MAX_SECONDS or 4K; cleaning runs on its own Celery queue ("scrub"),
so a long encode never holds up notifications; and the tip pages take bodies up to the tip
line's own limit (files + form), answering 413 above it without reading the body."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from portal.celery import app
from portal.uploads import body_limit_for
from tests.support import worker
from tips import scrub, services
from tips.models import TipAttachment

needs_ffmpeg = pytest.mark.skipif(
    not (shutil.which("ffmpeg") and shutil.which("ffprobe")), reason="needs ffmpeg"
)


def _video(tmp_path, *, seconds: float = 1, size: str = "64x48", rate: int = 5) -> bytes:
    target = tmp_path / f"v-{seconds}-{size}.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"color=c=black:duration={seconds}:size={size}:rate={rate}",
            "-pix_fmt",
            "yuv420p",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            str(target),
        ],
        check=True,
    )
    return target.read_bytes()


@needs_ffmpeg
def test_a_short_small_video_passes_the_probe(tmp_path):
    probe = scrub.video_probe(_video(tmp_path))
    assert (probe.width, probe.height) == (64, 48)
    assert 0.5 < probe.seconds < 2
    assert scrub.check_file(_video(tmp_path)).kind == "video"


@needs_ffmpeg
def test_a_video_over_the_duration_limit_is_refused_at_submission(
    tmp_path, settings, category, django_capture_on_commit_callbacks
):
    settings.TIPS_VIDEO_MAX_SECONDS = 2
    data = _video(tmp_path, seconds=4, rate=1)
    upload = io.BytesIO(data)
    upload.name = "long.mp4"
    response = Client().post(
        "/tips/", {"category": category.pk, "what": "Kept", "attachments": [upload]}
    )
    html = response.content.decode()
    assert "too long" in html
    assert "Kept" in html
    assert not TipAttachment.objects.exists()


@needs_ffmpeg
def test_a_video_over_4k_is_refused(tmp_path):
    data = _video(tmp_path, size="4160x240", rate=1)
    with pytest.raises(Exception) as refused:
        scrub.check_file(data)
    assert refused.value.domain_code == "video_too_large"


@needs_ffmpeg
@pytest.mark.django_db
def test_a_stored_video_over_the_limits_is_marked_not_cleaned_with_the_reason(
    tmp_path, settings, category, django_capture_on_commit_callbacks
):
    data = _video(tmp_path, seconds=4, rate=1)
    with django_capture_on_commit_callbacks(execute=False):
        submitted = services.tip_submit(category=category, what="Video", files=[data])
    settings.TIPS_VIDEO_MAX_SECONDS = 2  # the limit was lowered after the tip came in
    attachment = TipAttachment.objects.get(tip=submitted.tip)
    assert services.attachment_scrub(attachment_id=attachment.pk) is False
    attachment.refresh_from_db()
    assert attachment.status == TipAttachment.Status.FAILED
    assert "too long" in attachment.status_reason


def test_a_file_that_is_not_readable_as_video_is_refused():
    with pytest.raises(Exception) as refused:
        scrub.video_probe(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200)
    assert refused.value.domain_code == "video_unreadable"


def test_cleaning_is_routed_to_its_own_queue():
    router = app.amqp.router
    for name in ("tips.tasks.attachment_scrub_task", "tips.tasks.attachment_sweep"):
        assert router.route({}, name)["queue"].name == "scrub"
    assert router.route({}, "tips.tasks.tip_notify_task")["queue"].name == "celery"
    assert router.route({}, "portal.tasks.deliver_notification")["queue"].name == "celery"


def test_the_test_worker_and_compose_consume_the_scrub_queue():
    source = Path(worker.__file__).read_text()
    assert '"celery,bulk,scrub"' in source  # bulk: the outbox's bulk mail queue
    compose = (Path(worker.ROOT) / "docker-compose.yml").read_text()
    assert '"-Q", "scrub"' in compose and '"-Q", "celery,bulk"' in compose


def test_the_tip_pages_have_their_own_body_limit(settings):
    settings.REQUEST_BODY_MAX_BYTES = 25 * 1024 * 1024
    limit = scrub.MAX_TOTAL + 5 * scrub.MB
    assert body_limit_for("/tips/") == limit
    assert body_limit_for("/es/tips/check/reply/") == limit
    assert body_limit_for("/records/") == settings.REQUEST_BODY_MAX_BYTES


@pytest.mark.django_db
def test_a_30_mb_tip_is_not_refused_by_the_25_mb_default(settings, category):
    settings.REQUEST_BODY_MAX_BYTES = 25 * 1024 * 1024
    big = io.BytesIO(b"\x00" * (30 * 1024 * 1024))
    big.name = "big.bin"
    response = Client().post(
        "/tips/", {"category": category.pk, "what": "Big", "attachments": [big]}
    )
    assert response.status_code == 200  # read, then refused on the form for what it is
    assert "not a photo" in response.content.decode()


@pytest.mark.django_db
def test_a_body_over_the_tip_limit_gets_413_unread():
    over = scrub.MAX_TOTAL + 5 * scrub.MB + 1
    response = Client().post(
        "/tips/",
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(over),
    )
    assert response.status_code == 413
