"""Checking and cleaning files that residents send: what every public upload shares.

Used by the tip line today and meant for the service-request and complaint apps; each app keeps
its own policy (which kinds, which limits) and calls these. Nothing here knows about a feature.

Rules:
- The kind is read from the content (filetype, then Pillow or pypdf), never from the name or the
  browser's word for it: photos (JPEG, PNG, WebP), PDF and video (MP4, MOV, WebM), or the subset
  an app allows.
- Each kind has a size limit (`DEFAULT_LIMITS`, or the app's own). Images larger than
  MAX_IMAGE_PIXELS (decompression bombs), images that do not decode, locked or damaged PDFs and
  PDFs with more than MAX_PDF_PAGES pages are refused with a message the resident understands.
- The clean copy (`clean`) keeps what a person sees and nothing else:
  - images are re-encoded from their pixels, so no EXIF, GPS, XMP, comment or ICC text survives;
  - PDFs are rasterised: PDFium draws each page (with its images and visible annotations) into a
    bitmap and a new PDF is written holding one JPEG per page and nothing more. No text layer,
    fonts, annotation authors or dates, form data, embedded files, JavaScript, actions, XMP or
    document information (a fixed producer aside) can come through, nor the EXIF of a photo
    embedded in the document, since only pixels are copied. Each page is drawn at PDF_DPI, or
    less if that would pass MAX_PDF_PAGE_PIXELS, so a hostile page size cannot exhaust memory;
  - videos go through `ffmpeg -map_metadata -1` and are re-encoded.
- Cleaning is slow (seconds for a video): apps run it in a Celery task, not in the request.

PDFium comes through pypdfium2 (Apache-2.0 / BSD-3-Clause). It is not thread-safe, so every use
here holds one lock.
"""

import io
import logging
import math
import os
import subprocess
import tempfile
import threading
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import filetype
import pypdfium2 as pdfium
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageChops, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from portal.errors import DomainError

# Pillow logs every EXIF tag it reads at DEBUG level (camera owner, GPS): never for residents'
# photos, whatever LOG_LEVEL says.
logging.getLogger("PIL").setLevel(logging.INFO)

MB = 1024 * 1024
KINDS = ("image", "pdf", "video")
DEFAULT_LIMITS = {"image": 15 * MB, "pdf": 15 * MB, "video": 100 * MB}
MAX_IMAGE_PIXELS = 40_000_000
MAX_PDF_PAGES = 200
# Clean PDF pages: 150 dots per inch reads and prints well; a page that would need more than
# MAX_PDF_PAGE_PIXELS at that resolution (a poster, or a forged page size) is drawn at less.
PDF_DPI = 150
MAX_PDF_PAGE_PIXELS = 8_000_000
PDF_JPEG_QUALITY = 85
PDF_PRODUCER = b"portal"

IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
VIDEO_TYPES = {"video/mp4", "video/quicktime", "video/webm", "video/x-matroska"}

KIND_NAMES = {
    "image": _("a photo (JPEG, PNG, WebP)"),
    "pdf": _("a PDF"),
    "video": _("a video (MP4, MOV, WebM)"),
}

# Held around every PDFium call in the process; other users of PDFium should take it too.
pdfium_lock = threading.RLock()


@dataclass(frozen=True)
class FileInfo:
    """What a file really is: its kind ("image", "pdf", "video"), type and size in bytes."""

    kind: str
    content_type: str
    size: int


@dataclass(frozen=True)
class CleanFile:
    """A clean copy: its bytes and their type (a PNG photo with transparency stays a PNG; other
    photos become JPEG, PDFs stay PDF, videos become MP4)."""

    data: bytes
    content_type: str


def _reject(message, code: str, field: str | None):
    raise DomainError(message, code=code, field=field)


def _kind_of(mime: str) -> str | None:
    if mime in IMAGE_TYPES:
        return "image"
    if mime == "application/pdf":
        return "pdf"
    if mime in VIDEO_TYPES:
        return "video"
    return None


def check_file(
    data: bytes,
    *,
    allowed: Iterable[str] = KINDS,
    limits: Mapping[str, int] | None = None,
    max_pdf_pages: int = MAX_PDF_PAGES,
    field: str | None = "attachments",
) -> FileInfo:
    """What the file really is, or a DomainError saying, in the resident's words, why not.

    `allowed` is the kinds the app accepts, `limits` its size limit per kind (bytes), `field`
    the form field the error belongs to."""
    allowed = tuple(allowed)
    limits = DEFAULT_LIMITS if limits is None else limits
    size = len(data)
    if size == 0:
        _reject(_("One of the files is empty."), "file_empty", field)
    guess = filetype.guess(data[:8192])
    kind = _kind_of(guess.mime if guess else "")
    if kind is None or kind not in allowed:
        if set(allowed) >= set(KINDS):
            message = _(
                "One of the files is not a photo (JPEG, PNG, WebP), a PDF or a video (MP4, MOV, "
                "WebM). Files are checked by what they contain, not by their name."
            )
        else:
            message = _(
                "One of the files is not of a kind accepted here (%(kinds)s). Files are checked "
                "by what they contain, not by their name."
            ) % {"kinds": "; ".join(str(KIND_NAMES[name]) for name in allowed)}
        _reject(message, "file_type", field)
    if size > limits[kind]:
        _reject(
            _("One of the files is too large: %(limit)d MB at most for this kind of file.")
            % {"limit": limits[kind] // MB},
            "file_too_large",
            field,
        )
    if kind == "image":
        _check_image(data, field)
    elif kind == "pdf":
        _check_pdf(data, field, max_pdf_pages)
    return FileInfo(kind=kind, content_type=guess.mime, size=size)


def _open_image(data: bytes, field: str | None = None) -> Image.Image:
    too_big = _("One of the photos has too many pixels to be handled safely.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                _reject(too_big, "image_too_big", field)
            return image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _reject(too_big, "image_too_big", field)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        _reject(
            _("One of the photos is damaged and cannot be opened. Try saving it again."),
            "image_broken",
            field,
        )
    raise AssertionError("unreachable")


def _check_image(data: bytes, field: str | None) -> None:
    image = _open_image(data, field)
    try:
        image.verify()
        image = _open_image(data, field)
        image.load()
    except DomainError:
        raise
    except Exception:  # noqa: BLE001 - any decoder failure is a broken image for the resident
        _reject(
            _("One of the photos is damaged and cannot be opened. Try saving it again."),
            "image_broken",
            field,
        )


def _check_pdf(data: bytes, field: str | None, max_pages: int) -> None:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _reject(_("One of the PDF files is locked with a password."), "pdf_encrypted", field)
        pages = len(reader.pages)
    except DomainError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError):
        _reject(_("One of the PDF files is damaged and cannot be opened."), "pdf_broken", field)
    if pages == 0 or pages > max_pages:
        _reject(
            _("A PDF file may have from 1 to %(pages)d pages.") % {"pages": max_pages},
            "pdf_pages",
            field,
        )


# --- Clean copies -------------------------------------------------------------------------------


def clean(data: bytes, kind: str) -> CleanFile:
    """The clean copy of a file `check_file` accepted as `kind`. Raises on a file that cannot be
    cleaned (the caller keeps the original and flags it for staff)."""
    if kind == "image":
        return clean_image(data)
    if kind == "pdf":
        return clean_pdf(data)
    if kind == "video":
        return clean_video(data)
    raise ValueError(f"unknown kind {kind}")


def clean_image(data: bytes) -> CleanFile:
    image = _open_image(data)
    image = ImageOps.exif_transpose(image)  # keep the picture upright once EXIF is gone
    has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
    mode = "RGBA" if has_alpha else "RGB"
    # A new image from the pixels alone: no EXIF, GPS, XMP, comments or profiles come along.
    pixels = Image.frombytes(mode, image.size, image.convert(mode).tobytes())
    out = io.BytesIO()
    if mode == "RGBA":
        pixels.save(out, format="PNG", optimize=True)
        return CleanFile(out.getvalue(), "image/png")
    pixels.save(out, format="JPEG", quality=90, exif=b"", icc_profile=None)
    return CleanFile(out.getvalue(), "image/jpeg")


@dataclass(frozen=True)
class RasterPage:
    """One page drawn into pixels, and its displayed size in points."""

    image: Image.Image
    width: float
    height: float


def render_pdf_pages(
    data: bytes,
    *,
    dpi: int = PDF_DPI,
    max_pages: int = MAX_PDF_PAGES,
    max_page_pixels: int = MAX_PDF_PAGE_PIXELS,
) -> Iterable[RasterPage]:
    """Each page of a PDF as an RGB image (annotations and form fields drawn in), one at a time.
    Raises ValueError for a PDF with no page or more than `max_pages`."""
    with pdfium_lock:
        pdf = pdfium.PdfDocument(data)
        try:
            count = len(pdf)
            if not 1 <= count <= max_pages:
                raise ValueError(f"a PDF with {count} pages")
            for index in range(count):
                page = pdf[index]
                try:
                    width, height = page.get_size()  # as displayed: /Rotate applied
                    if not (width > 0 and height > 0):
                        raise ValueError("a page with no area")
                    scale = dpi / 72
                    if width * height * scale * scale > max_page_pixels:
                        scale = math.sqrt(max_page_pixels / (width * height))
                    bitmap = page.render(scale=scale, may_draw_forms=True)
                    image = bitmap.to_pil().convert("RGB")
                    bitmap.close()
                finally:
                    page.close()
                yield RasterPage(image=image, width=width, height=height)
        finally:
            pdf.close()


def _grey_if_colourless(image: Image.Image) -> Image.Image:
    """A page with no colour is stored grey: a third of the bytes."""
    red, green, blue = image.split()
    if (
        ImageChops.difference(red, green).getbbox() is None
        and ImageChops.difference(green, blue).getbbox() is None
    ):
        return red
    return image


def _pdf_number(value: float) -> bytes:
    return f"{value:.2f}".rstrip("0").rstrip(".").encode()


def image_pages_pdf(pages: Iterable[RasterPage], *, quality: int = PDF_JPEG_QUALITY) -> bytes:
    """A new PDF whose pages each hold one image and nothing else.

    Written here, object by object, rather than by a PDF library, so that every byte is known:
    a catalog, a page tree, per page a content stream and a JPEG made from pixels alone, and a
    document information dictionary with a fixed producer. No dates, no file identifier."""
    objects: list[bytes] = [b"", b""]  # 1: catalog, 2: page tree, filled in at the end
    kids: list[int] = []
    for page in pages:
        image = _grey_if_colourless(page.image)
        jpeg = io.BytesIO()
        image.save(jpeg, format="JPEG", quality=quality, optimize=True)
        stream = jpeg.getvalue()
        colour = b"/DeviceGray" if image.mode == "L" else b"/DeviceRGB"
        objects.append(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s "
            b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n%s\nendstream"
            % (image.width, image.height, colour, len(stream), stream)
        )
        image_number = len(objects)
        width, height = _pdf_number(page.width), _pdf_number(page.height)
        content = b"q %s 0 0 %s 0 0 cm /Im0 Do Q" % (width, height)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        content_number = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] "
            b"/Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>"
            % (width, height, image_number, content_number)
        )
        kids.append(len(objects))
    if not kids:
        raise ValueError("a PDF needs at least one page")
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    objects.append(b"<< /Producer (%s) >>" % PDF_PRODUCER)
    info = len(objects)

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, info, xref)
    )
    return out.getvalue()


def clean_pdf(
    data: bytes,
    *,
    dpi: int = PDF_DPI,
    max_pages: int = MAX_PDF_PAGES,
    max_page_pixels: int = MAX_PDF_PAGE_PIXELS,
) -> CleanFile:
    """A new PDF of page images: what the pages show, and nothing else of the file."""
    pages = render_pdf_pages(data, dpi=dpi, max_pages=max_pages, max_page_pixels=max_page_pixels)
    return CleanFile(image_pages_pdf(pages), "application/pdf")


def clean_video(data: bytes) -> CleanFile:
    with tempfile.TemporaryDirectory(prefix="cleanvideo") as workdir:
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
            return CleanFile(handle.read(), "video/mp4")
