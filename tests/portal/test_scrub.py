"""The kernel's file scrubbers (portal/scrub.py): the kind is read from the content, limits are
the caller's, and a clean copy keeps what a person sees and nothing else. A PDF's clean copy is a
new PDF of page images: a phone photo's EXIF and GPS inside it, annotation authors and dates,
embedded files, JavaScript, XMP and document information do not survive (issue 13, finding 1)."""

import io
import re

import pypdfium2 as pdfium
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from portal import scrub
from portal.errors import DomainError
from tests.support.files import (
    PDF_MARKERS,
    PDF_PAGE_TEXT,
    PHOTO_COLOUR,
    gps_exif,
    jpeg_bytes,
    pdf_with_hidden_details,
)


def _page_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        return "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def _blank_pdf(pages: int = 1, size=(200, 200)) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=size[0], height=size[1])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- Checking -----------------------------------------------------------------------------------


def test_the_kind_is_read_from_the_content():
    info = scrub.check_file(jpeg_bytes())
    assert info == scrub.FileInfo(kind="image", content_type="image/jpeg", size=len(jpeg_bytes()))
    assert scrub.check_file(_blank_pdf()).kind == "pdf"


def test_a_kind_the_app_does_not_accept_is_refused():
    with pytest.raises(DomainError) as error:
        scrub.check_file(_blank_pdf(), allowed=["image"])
    assert error.value.domain_code == "file_type"
    assert "a photo (JPEG, PNG, WebP)" in str(error.value.messages[0])


def test_the_limits_are_the_callers():
    with pytest.raises(DomainError) as error:
        scrub.check_file(jpeg_bytes(), limits={"image": 100, "pdf": 100, "video": 100})
    assert error.value.domain_code == "file_too_large"


def test_the_error_belongs_to_the_callers_field():
    with pytest.raises(DomainError) as error:
        scrub.check_file(b"", field="photos")
    assert error.value.domain_code == "file_empty"
    assert "photos" in error.value.message_dict


def test_a_pdf_with_too_many_pages_is_refused():
    with pytest.raises(DomainError) as error:
        scrub.check_file(_blank_pdf(pages=3), max_pdf_pages=2)
    assert error.value.domain_code == "pdf_pages"


# --- Clean PDFs ---------------------------------------------------------------------------------


def test_the_hostile_pdf_really_carries_every_hidden_detail():
    """The test file is what the clean-copy test says it is (else that test proves nothing)."""
    data = pdf_with_hidden_details()
    assert [name for name, marker in PDF_MARKERS.items() if marker not in data] == []
    assert b"Exif\x00\x00" in data and b"/JavaScript" in data and b"/EmbeddedFile" in data
    assert b"/Annots" in data and b"x:xmpmeta" in data
    assert PDF_PAGE_TEXT in _page_text(data)
    assert scrub.check_file(data).kind == "pdf"


def test_clean_pdf_keeps_no_photo_exif_annotation_file_script_or_metadata():
    clean = scrub.clean(pdf_with_hidden_details(), "pdf")
    data = clean.data
    assert clean.content_type == "application/pdf"
    assert [name for name, marker in PDF_MARKERS.items() if marker in data] == []
    assert b"Exif" not in data  # no EXIF block (the photo's GPS lives in one)
    assert b"II*\x00" not in data and b"MM\x00*" not in data  # nor a bare TIFF header
    for key in (
        b"/Annots",
        b"/JavaScript",
        b"/JS",
        b"/OpenAction",
        b"/AA",
        b"/EmbeddedFile",
        b"/Names",
        b"/Metadata",
        b"/AcroForm",
        b"/Font",
        b"/ID",
        b"Date",
    ):
        assert key not in data, key
    assert b"xmpmeta" not in data and b"ns.adobe.com" not in data
    reader = PdfReader(io.BytesIO(data))
    assert dict(reader.metadata) == {"/Producer": "portal"}
    assert reader.xmp_metadata is None
    # The only thing in the file besides the page tree: one image per page, from pixels alone.
    images = reader.pages[0].images
    assert len(images) == 1
    assert dict(images[0].image.getexif()) == {}
    assert not re.search(rb"/Type\s*/Annot", data)


def test_clean_pdf_still_shows_the_page():
    """The copy renders like the original, at the original's size; its text is now pixels."""
    clean = scrub.clean_pdf(pdf_with_hidden_details()).data
    assert PDF_PAGE_TEXT not in _page_text(clean)
    pdf = pdfium.PdfDocument(clean)
    try:
        assert len(pdf) == 1
        assert pdf[0].get_size() == pytest.approx((612, 792), abs=0.01)
        image = pdf[0].render(scale=1).to_pil().convert("RGB")
    finally:
        pdf.close()
    # The photo sits at x 72..372, y 400..600 from the bottom: its middle is still the photo.
    red, green, blue = image.getpixel((222, 792 - 500))
    assert abs(red - PHOTO_COLOUR[0]) < 30 and green < 80 and blue < 80
    # And the text line is drawn (dark pixels where it was written).
    line = image.crop((72, 792 - 360, 250, 792 - 345)).convert("L")
    assert line.getextrema()[0] < 100


def test_clean_pdf_keeps_every_page_and_its_size():
    data = _blank_pdf(pages=3, size=(300, 500))
    clean = scrub.clean_pdf(data).data
    reader = PdfReader(io.BytesIO(clean))
    assert len(reader.pages) == 3
    assert [tuple(map(float, page.mediabox[2:])) for page in reader.pages] == [(300, 500)] * 3


def test_a_huge_page_is_drawn_within_the_pixel_limit():
    data = _blank_pdf(size=(14400, 14400))  # 200 x 200 inches: 900 million pixels at 150 dpi
    clean = scrub.clean_pdf(data, max_page_pixels=1_000_000).data
    image = PdfReader(io.BytesIO(clean)).pages[0].images[0].image
    assert image.width * image.height <= 1_000_000
    assert PdfReader(io.BytesIO(clean)).pages[0].mediabox[2] == 14400


def test_a_pdf_past_the_page_limit_is_not_cleaned():
    with pytest.raises(ValueError):
        scrub.clean_pdf(_blank_pdf(pages=3), max_pages=2)


def test_a_rotated_page_keeps_its_displayed_shape():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=400).rotate(90)
    out = io.BytesIO()
    writer.write(out)
    clean = scrub.clean_pdf(out.getvalue()).data
    page = PdfReader(io.BytesIO(clean)).pages[0]
    assert (float(page.mediabox[2]), float(page.mediabox[3])) == (400, 200)
    assert page.images[0].image.width > page.images[0].image.height


# --- Clean photos -------------------------------------------------------------------------------


def test_clean_photo_has_no_exif():
    clean = scrub.clean(jpeg_bytes(size=(80, 60), exif=gps_exif()), "image")
    assert clean.content_type == "image/jpeg"
    image = Image.open(io.BytesIO(clean.data))
    assert dict(image.getexif()) == {} and image.size == (80, 60)
    assert b"Exif\x00\x00" not in clean.data


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        scrub.clean(b"x", "spreadsheet")
