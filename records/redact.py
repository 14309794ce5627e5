"""Redaction in the pixels: what is under a box is gone from the released file.

A page of a responsive record with an area to black out is rasterized (PDFium draws the page,
its images and its annotations into a bitmap), the boxes are painted black in that bitmap, and
the page is replaced by one image of it. Nothing of the page's own text, fonts, images,
annotations, form fields or metadata is carried over, so nothing under a box can be selected,
searched, copied or recovered. So that the rest of the page stays searchable and readable by a
screen reader, the words lying wholly outside every box are written back over the image as
invisible text (as an OCR layer is); a word that touches a box is left out. Pages without
redactions are copied as they are.

The same renderer draws the page previews clerks mark boxes on, and finds every occurrence of a
word or number (search-term redaction), so a box drawn on the preview and a box found by search
land on the same place of the released page.

Coordinates are percentages of the page as displayed (after /Rotate), from its top-left corner.

PDFium comes through pypdfium2 (Apache-2.0 / BSD-3-Clause). PDFium is not thread-safe, so every
use holds the kernel's one lock (`portal.scrub.pdfium_lock`), the same one the tip line's and
every other app's PDF cleaning holds: a worker thread cleaning a tipster's PDF and another
building a records packet must not enter PDFium together.
"""

import ctypes
import io
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageChops, ImageDraw, ImageFont
from reportlab import rl_config
from reportlab.lib.pagesizes import letter
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from portal.scrub import pdfium_lock

# ReportLab wraps image data in ASCII85 by default, in pure Python: most of a rasterized page's
# build time, for a 7-bit-safe file nobody needs. Binary streams are plain PDF.
rl_config.useA85 = 0

# Released pages: 150 dots per inch keeps print and on-screen reading sharp while a 10-page
# packet stays well inside its time budget. Previews in admin: a little lower.
RELEASE_DPI = 150
PREVIEW_DPI = 110
# Search hits are padded by this much (points) so descenders and accents are covered too.
TERM_PADDING_POINTS = 1.5

_lock = pdfium_lock


@dataclass(frozen=True)
class Box:
    """An area in percent of the displayed page, from its top-left corner."""

    left: Decimal
    top: Decimal
    width: Decimal
    height: Decimal


@dataclass(frozen=True)
class Hit:
    page: int  # 1-based
    box: Box


def _pct(value: float, *, down: bool) -> Decimal:
    quantum = Decimal("0.01")
    rounding = ROUND_FLOOR if down else ROUND_CEILING
    return min(max(Decimal(repr(value)).quantize(quantum, rounding=rounding), Decimal(0)), 100)


def render_pdf_page(data: bytes, page: int, *, dpi: int) -> Image.Image:
    """One page (1-based) of a PDF as an RGB image, annotations and form fields drawn in."""
    with _lock:
        pdf = pdfium.PdfDocument(data)
        try:
            if not 1 <= page <= len(pdf):
                raise IndexError(page)
            bitmap = pdf[page - 1].render(scale=dpi / 72, may_draw_forms=True)
            return bitmap.to_pil().convert("RGB")
        finally:
            pdf.close()


def render_image(data: bytes) -> Image.Image:
    """A scan as a flat RGB image: EXIF, other frames, layers and transparency dropped."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


def black_out(image: Image.Image, boxes: list[Box]) -> Image.Image:
    """Paint each box black in the pixels (the edges rounded outwards)."""
    draw = ImageDraw.Draw(image)
    w, h = image.size
    for box in boxes:
        x0 = int(float(box.left) / 100 * w)
        y0 = int(float(box.top) / 100 * h)
        x1 = -int(-float(box.left + box.width) / 100 * w)  # ceiling
        y1 = -int(-float(box.top + box.height) / 100 * h)
        draw.rectangle((x0, y0, max(x1 - 1, x0), max(y1 - 1, y0)), fill=(0, 0, 0))
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """A page with no colour goes in as grey: a third of the bytes to compress and store."""
    red, green, blue = image.split()
    if (
        ImageChops.difference(red, green).getbbox() is None
        and ImageChops.difference(green, blue).getbbox() is None
    ):
        return red
    return image


@dataclass(frozen=True)
class Word:
    """A word kept on a rasterized page: where it sits on the displayed page, in points from
    the bottom-left corner (PDF space), its width and font size."""

    text: str
    x: float
    baseline: float
    width: float
    size: float


def _intersects(box: tuple[float, float, float, float], boxes: list[Box]) -> bool:
    left, top, right, bottom = box
    return any(
        left < float(b.left + b.width)
        and right > float(b.left)
        and top < float(b.top + b.height)
        and bottom > float(b.top)
        for b in boxes
    )


def _words_outside(page, boxes: list[Box]) -> list[Word]:
    """The page's words (from its text layer) lying wholly outside every box."""
    width, height = page.get_size()
    # Page space to the displayed page (points from the top-left corner) is affine: read it off
    # PDFium once, at a fine device scale, instead of asking for every character.
    scale = 100
    dev_w, dev_h = max(int(width * scale), 1), max(int(height * scale), 1)
    dx, dy = ctypes.c_int(), ctypes.c_int()

    def device(px: float, py: float) -> tuple[float, float]:
        pdfium_c.FPDF_PageToDevice(page.raw, 0, 0, dev_w, dev_h, 0, px, py, dx, dy)
        return dx.value / scale, dy.value / scale

    e, f = device(0, 0)
    a, b = (v - o for v, o in zip(device(1000, 0), (e, f), strict=True))
    c, d = (v - o for v, o in zip(device(0, 1000), (e, f), strict=True))
    a, b, c, d = a / 1000, b / 1000, c / 1000, d / 1000

    def to_display(px: float, py: float) -> tuple[float, float]:
        return a * px + c * py + e, b * px + d * py + f

    text = page.get_textpage()
    raw = text.raw
    left, bottom, right, top = (ctypes.c_double() for _ in range(4))
    ox, oy = ctypes.c_double(), ctypes.c_double()
    words: list[Word] = []
    chars: list[str] = []
    spans: list[tuple[float, float, float, float]] = []
    state = {"baseline": 0.0, "size": 0.0, "clean": True}

    def flush():
        if chars and state["clean"]:
            x0 = min(s[0] for s in spans)
            x1 = max(s[2] for s in spans)
            word = "".join(chars)
            try:
                word.encode("cp1252")
            except UnicodeEncodeError:
                word = word.encode("cp1252", "ignore").decode("cp1252")
            if word:
                words.append(
                    Word(word, x0, height - state["baseline"], max(x1 - x0, 0.1), state["size"])
                )
        chars.clear()
        spans.clear()
        state["clean"] = True

    try:
        for i in range(text.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(raw, i)
            char = chr(code) if code else ""
            if not char or char.isspace():
                flush()
                continue
            pdfium_c.FPDFText_GetCharBox(raw, i, left, right, bottom, top)
            xa, ya = to_display(left.value, top.value)
            xb, yb = to_display(right.value, bottom.value)
            span = (min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb))
            pdfium_c.FPDFText_GetCharOrigin(raw, i, ox, oy)
            baseline = to_display(ox.value, oy.value)[1]
            if chars and (abs(baseline - state["baseline"]) > 1 or span[0] < spans[-1][0] - 1):
                flush()  # a new line, or text that runs backwards: start a new word
            if not chars:
                state["baseline"] = baseline
                size = pdfium_c.FPDFText_GetFontSize(raw, i)
                state["size"] = size if size > 1 else max(span[3] - span[1], 4)
            in_percent = (
                span[0] / width * 100,
                span[1] / height * 100,
                span[2] / width * 100,
                span[3] / height * 100,
            )
            if _intersects(in_percent, boxes):
                state["clean"] = False  # the whole word goes
            chars.append(char)
            spans.append(span)
        flush()
    finally:
        text.close()
    return words


def image_page_pdf(
    image: Image.Image, size: tuple[float, float] | None = None, words: list[Word] = ()
) -> bytes:
    """One PDF page holding only this image (and, over it, the kept words as invisible text):
    the page's own size if given (a rasterized PDF page), else the image centred on a letter
    page (a scan)."""
    image = _flatten(image)
    buffer = io.BytesIO()
    w, h = image.size
    if size is None:
        page_w, page_h = letter
        scale = min((page_w - inch) / w, (page_h - inch) / h)
        x, y, draw_w, draw_h = (
            (page_w - w * scale) / 2,
            (page_h - h * scale) / 2,
            w * scale,
            h * scale,
        )
    else:
        page_w, page_h = size
        x, y, draw_w, draw_h = 0, 0, page_w, page_h
    pdf = canvas.Canvas(buffer, pagesize=(page_w, page_h), pageCompression=0)
    pdf.setProducer("portal")
    pdf.drawImage(ImageReader(image), x, y, draw_w, draw_h)
    if words:
        text = pdf.beginText()
        text.setTextRenderMode(3)  # invisible: found by search and screen readers, not drawn
        size = None
        for word in words:
            natural = pdf.stringWidth(word.text, "Helvetica", word.size) or 1
            if word.size != size:
                text.setFont("Helvetica", word.size)
                size = word.size
            text.setHorizScale(100 * word.width / natural)
            text.setTextOrigin(word.x, word.baseline)
            text.textOut(word.text)
        pdf.drawText(text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def redacted_pdf_page(data: bytes, page: int, boxes: list[Box]) -> bytes:
    """A PDF page rasterized with its boxes blacked out, as a one-page PDF of the same size."""
    with _lock:
        pdf = pdfium.PdfDocument(data)
        try:
            source = pdf[page - 1]
            size = source.get_size()
            words = _words_outside(source, boxes)
            image = source.render(scale=RELEASE_DPI / 72, may_draw_forms=True).to_pil()
        finally:
            pdf.close()
    return image_page_pdf(black_out(image.convert("RGB"), boxes), size=size, words=words)


def find_term(data: bytes, term: str) -> list[Hit]:
    """Every occurrence of `term` in a PDF's text (case-insensitive), as boxes: one per line
    the occurrence spans. Scanned pages without a text layer have nothing to find."""
    term = term.strip()
    if not term:
        return []
    hits: list[Hit] = []
    with _lock:
        pdf = pdfium.PdfDocument(data)
        try:
            for index in range(len(pdf)):
                page = pdf[index]
                width, height = page.get_size()
                # Map page space to a device space of 10 units a point, then to percent.
                dev_w, dev_h = max(int(width * 10), 1), max(int(height * 10), 1)
                text = page.get_textpage()
                searcher = text.search(term, match_case=False)
                while True:
                    found = searcher.get_next()
                    if not found:
                        break
                    start, count = found
                    for n in range(text.count_rects(start, count)):
                        left, bottom, right, top = text.get_rect(n)
                        xs, ys = [], []
                        for px, py in (
                            (left - TERM_PADDING_POINTS, bottom - TERM_PADDING_POINTS),
                            (right + TERM_PADDING_POINTS, top + TERM_PADDING_POINTS),
                        ):
                            dx, dy = ctypes.c_int(), ctypes.c_int()
                            pdfium_c.FPDF_PageToDevice(
                                page.raw, 0, 0, dev_w, dev_h, 0, px, py, dx, dy
                            )
                            xs.append(dx.value / dev_w * 100)
                            ys.append(dy.value / dev_h * 100)
                        x0, y0 = _pct(min(xs), down=True), _pct(min(ys), down=True)
                        x1, y1 = _pct(max(xs), down=False), _pct(max(ys), down=False)
                        if x1 > x0 and y1 > y0:
                            hits.append(Hit(index + 1, Box(x0, y0, x1 - x0, y1 - y0)))
                searcher.close()
                text.close()
        finally:
            pdf.close()
    return hits


def preview_png(
    image: Image.Image, boxes: list[tuple[int, Box]], *, max_width: int = 1000
) -> bytes:
    """A clerk's preview: the page with each existing redaction shaded and numbered (shaded,
    not solid, so the clerk can still check what it covers)."""
    if image.width > max_width:
        image = image.resize(
            (max_width, round(image.height * max_width / image.width)), Image.Resampling.LANCZOS
        )
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    w, h = image.size
    font = ImageFont.load_default(size=max(12, w // 60))
    for number, box in boxes:
        rect = (
            float(box.left) / 100 * w,
            float(box.top) / 100 * h,
            float(box.left + box.width) / 100 * w,
            float(box.top + box.height) / 100 * h,
        )
        draw.rectangle(rect, fill=(0, 0, 0, 150), outline=(200, 0, 0, 255), width=2)
        draw.text((rect[0] + 3, rect[1] + 1), str(number), fill=(255, 255, 0, 255), font=font)
    flat = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    buffer = io.BytesIO()
    flat.save(buffer, "PNG", optimize=False, compress_level=3)
    return buffer.getvalue()
