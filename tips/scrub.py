"""The tip line's policy for files; checking and cleaning them is the kernel's (portal/scrub.py).

- Photos (JPEG, PNG, WebP), PDF and video (MP4, MOV, WebM), read from the content.
- Limits, shown on the form before upload: FILE_LIMITS per kind, MAX_FILES per tip, MAX_TOTAL
  for all the files of one tip.
- A video is probed with `ffprobe` (fed through a pipe: no clear copy on disk) before it is
  accepted: longer than settings.TIPS_VIDEO_MAX_SECONDS or larger than 4K
  (TIPS_VIDEO_MAX_LONG_SIDE x TIPS_VIDEO_MAX_SHORT_SIDE) is refused at submission with a clear
  error, and again before cleaning (a limit lowered since: the attachment is marked "could not
  be cleaned" with the reason). A video whose length the container does not state (some WebM)
  is accepted; its encode is still bounded by the kernel's ten-minute timeout.
- The clean copy investigators open is made by `portal.scrub.clean` in a Celery task
  (tips.tasks) on the "scrub" queue, not in the request; the encrypted original is kept for
  settings.TIPS_ORIGINAL_RETENTION_DAYS, then purged (tips.services.attachment_originals_purge).
"""

import json
import logging
import subprocess
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal import scrub as kernel
from portal.errors import DomainError

logger = logging.getLogger(__name__)

MB = kernel.MB
FILE_LIMITS = {"image": 15 * MB, "pdf": 15 * MB, "video": 100 * MB}
MAX_FILES = 5
MAX_TOTAL = 150 * MB
MAX_PDF_PAGES = kernel.MAX_PDF_PAGES
# The request body the tip pages accept: every file at its largest, plus the form around them.
MAX_BODY = MAX_TOTAL + 5 * MB
PROBE_TIMEOUT_SECONDS = 60

Checked = kernel.FileInfo


@dataclass(frozen=True)
class VideoProbe:
    seconds: float | None
    width: int
    height: int


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def video_probe(data: bytes) -> VideoProbe:
    """Length and picture size of a video, read by ffprobe from a pipe. DomainError
    ("video_unreadable") when it is not a video ffprobe can read."""
    unreadable = DomainError(
        _("One of the videos could not be read. Send it as an MP4 file, or leave it out."),
        code="video_unreadable",
        field="attachments",
    )
    command = [
        "ffprobe",
        "-v",
        "error",
        "-show_entries",
        "format=duration:stream=codec_type,width,height,duration",
        "-of",
        "json",
        "-i",
        "pipe:0",
    ]
    try:
        result = subprocess.run(  # noqa: S603
            command, input=data, capture_output=True, timeout=PROBE_TIMEOUT_SECONDS, check=False
        )
        found = json.loads(result.stdout or b"{}")
    except (OSError, subprocess.SubprocessError, ValueError):
        raise unreadable from None
    streams = [s for s in found.get("streams", []) if s.get("codec_type") == "video"]
    if result.returncode != 0 or not streams:
        raise unreadable
    video = streams[0]
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if not (width and height):
        raise unreadable
    seconds = _number(found.get("format", {}).get("duration"))
    if seconds is None:
        seconds = _number(video.get("duration"))
    return VideoProbe(seconds=seconds, width=width, height=height)


def check_video(data: bytes) -> VideoProbe:
    """The probe of a video within the tip line's limits, or a DomainError saying which limit
    it passes."""
    probe = video_probe(data)
    limit = settings.TIPS_VIDEO_MAX_SECONDS
    if probe.seconds is not None and probe.seconds > limit:
        raise DomainError(
            _("One of the videos is too long: %(minutes)d minutes at most.")
            % {"minutes": max(1, limit // 60)},
            code="video_too_long",
            field="attachments",
        )
    long_side, short_side = max(probe.width, probe.height), min(probe.width, probe.height)
    if (
        long_side > settings.TIPS_VIDEO_MAX_LONG_SIDE
        or short_side > settings.TIPS_VIDEO_MAX_SHORT_SIDE
    ):
        raise DomainError(
            _("One of the videos is larger than 4K. Send a smaller copy."),
            code="video_too_large",
            field="attachments",
        )
    return probe


def check_file(data: bytes) -> kernel.FileInfo:
    """What the file really is, or a DomainError on the "attachments" field saying why not."""
    info = kernel.check_file(
        data, limits=FILE_LIMITS, max_pdf_pages=MAX_PDF_PAGES, field="attachments"
    )
    if info.kind == "video":
        check_video(data)
    return info


def scrub(kind: str, data: bytes) -> tuple[bytes, str]:
    """The clean copy of an attachment and its content type. A video is probed first: one over
    the limits raises the DomainError that says so, and is never encoded."""
    if kind == "video":
        check_video(data)
    clean = kernel.clean(data, kind)
    return clean.data, clean.content_type
