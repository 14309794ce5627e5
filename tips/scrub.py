"""Checking and cleaning files from tipsters.

Rules:
- The type is read from the content (filetype, then Pillow or pypdf), never from the name or
  the browser's word for it. Photos (JPEG, PNG, WebP), PDF and video (MP4, MOV, WebM) only.
- Limits, shown on the form before upload: FILE_LIMITS per kind, MAX_FILES per tip.
- Images larger than MAX_IMAGE_PIXELS (decompression bombs) and images that do not decode are
  refused with a clear message.
- The clean copy: images re-encoded from their pixels (no EXIF, GPS, XMP or ICC text survives),
  PDFs rewritten page by page without document metadata or XMP, video through
  `ffmpeg -map_metadata -1`. Cleaning runs in a Celery task (tips.tasks), not in the request.
"""

import io
import logging
import os
import subprocess
import tempfile
import warnings
from dataclasses import dataclass

import filetype
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from portal.errors import DomainError

# Pillow logs every EXIF tag it reads at DEBUG level (camera owner, GPS): never for tip photos,
# whatever LOG_LEVEL says.
logging.getLogger("PIL").setLevel(logging.INFO)

MB = 1024 * 1024
FILE_LIMITS = {"image": 15 * MB, "pdf": 15 * MB, "video": 100 * MB}
MAX_FILES = 5
MAX_TOTAL = 150 * MB
MAX_IMAGE_PIXELS = 40_000_000
MAX_PDF_PAGES = 200

IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
VIDEO_TYPES = {"video/mp4", "video/quicktime", "video/webm", "video/x-matroska"}


@dataclass(frozen=True)
class Checked:
    kind: str
    content_type: str
    size: int


def _reject(message, code: str):
    raise DomainError(message, code=code, field="attachments")


def check_file(data: bytes) -> Checked:
    """What the file really is, or a DomainError saying, in the resident's words, why not."""
    size = len(data)
    if size == 0:
        _reject(_("One of the files is empty."), "file_empty")
    guess = filetype.guess(data[:8192])
    mime = guess.mime if guess else ""
    if mime in IMAGE_TYPES:
        kind = "image"
    elif mime == "application/pdf":
        kind = "pdf"
    elif mime in VIDEO_TYPES:
        kind = "video"
    else:
        _reject(
            _(
                "One of the files is not a photo (JPEG, PNG, WebP), a PDF or a video (MP4, MOV, "
                "WebM). Files are checked by what they contain, not by their name."
            ),
            "file_type",
        )
    if size > FILE_LIMITS[kind]:
        _reject(
            _("One of the files is too large: %(limit)d MB at most for this kind of file.")
            % {"limit": FILE_LIMITS[kind] // MB},
            "file_too_large",
        )
    if kind == "image":
        _check_image(data)
    elif kind == "pdf":
        _check_pdf(data)
    return Checked(kind=kind, content_type=mime, size=size)


def _open_image(data: bytes) -> Image.Image:
    broken = _("One of the photos is damaged and cannot be opened. Try saving it again.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                _reject(
                    _("One of the photos has too many pixels to be handled safely."),
                    "image_too_big",
                )
            return image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _reject(_("One of the photos has too many pixels to be handled safely."), "image_too_big")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        _reject(broken, "image_broken")
    raise AssertionError("unreachable")


def _check_image(data: bytes) -> None:
    image = _open_image(data)
    try:
        image.verify()
        image = _open_image(data)
        image.load()
    except DomainError:
        raise
    except Exception:  # noqa: BLE001 - any decoder failure is a broken image for the resident
        _reject(
            _("One of the photos is damaged and cannot be opened. Try saving it again."),
            "image_broken",
        )


def _check_pdf(data: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _reject(_("One of the PDF files is locked with a password."), "pdf_encrypted")
        pages = len(reader.pages)
    except DomainError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError):
        _reject(_("One of the PDF files is damaged and cannot be opened."), "pdf_broken")
    if pages == 0 or pages > MAX_PDF_PAGES:
        _reject(
            _("A PDF file may have from 1 to %(pages)d pages.") % {"pages": MAX_PDF_PAGES},
            "pdf_pages",
        )


def scrub_image(data: bytes) -> tuple[bytes, str]:
    image = _open_image(data)
    image = ImageOps.exif_transpose(image)  # keep the picture upright once EXIF is gone
    has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
    mode = "RGBA" if has_alpha else "RGB"
    # A new image from the pixels alone: no EXIF, GPS, XMP, comments or profiles come along.
    clean = Image.frombytes(mode, image.size, image.convert(mode).tobytes())
    out = io.BytesIO()
    if mode == "RGBA":
        clean.save(out, format="PNG", optimize=True)
        return out.getvalue(), "image/png"
    clean.save(out, format="JPEG", quality=90, exif=b"", icc_profile=None)
    return out.getvalue(), "image/jpeg"


def scrub_pdf(data: bytes) -> tuple[bytes, str]:
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    root = writer._root_object
    for key in ("/Metadata", "/PieceInfo", "/AcroForm", "/OpenAction", "/Names", "/AA"):
        if key in root:
            del root[key]
    for page in writer.pages:
        for key in ("/Metadata", "/PieceInfo", "/AA"):
            if key in page:
                del page[key]
    writer._info = None
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), "application/pdf"


def scrub_video(data: bytes) -> tuple[bytes, str]:
    with tempfile.TemporaryDirectory(prefix="tipvideo") as workdir:
        source = os.path.join(workdir, "in")
        target = os.path.join(workdir, "out.mp4")
        with open(source, "wb") as handle:
            handle.write(data)
        command = [
            "ffmpeg",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-i",
            source,
            "-map",
            "0:v?",
            "-map",
            "0:a?",
            "-map_metadata",
            "-1",
            "-map_chapters",
            "-1",
            "-fflags",
            "+bitexact",
            "-flags:v",
            "+bitexact",
            "-flags:a",
            "+bitexact",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "23",
            "-c:a",
            "aac",
            "-movflags",
            "+faststart",
            target,
        ]
        subprocess.run(command, check=True, capture_output=True, timeout=600)  # noqa: S603
        with open(target, "rb") as handle:
            return handle.read(), "video/mp4"


def scrub(kind: str, data: bytes) -> tuple[bytes, str]:
    if kind == "image":
        return scrub_image(data)
    if kind == "pdf":
        return scrub_pdf(data)
    if kind == "video":
        return scrub_video(data)
    raise ValueError(f"unknown kind {kind}")
