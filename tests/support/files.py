"""Files as residents' phones and computers make them, for the upload and cleaning tests: a JPEG
with the GPS EXIF a phone writes, and a PDF carrying every kind of hidden detail a clean copy
must lose."""

import io

from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Text
from pypdf.generic import (
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)
from reportlab import rl_config
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

GPS_LAT = "41.7658"


def jpeg_bytes(*, size=(64, 48), exif=None, color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, format="JPEG", **kwargs)
    return out.getvalue()


def gps_exif() -> bytes:
    """EXIF with a GPS position and a camera owner name, as a phone would write."""
    exif = Image.Exif()
    exif[0x013B] = "MARKER-ARTIST-Jane-Tipster"  # Artist
    exif[0x010F] = "MarkerPhoneMaker"  # Make
    gps = {
        1: "N",
        2: (41.0, 45.0, 57.0),
        3: "W",
        4: (72.0, 40.0, 30.0),
    }
    exif[0x8825] = gps
    return exif.tobytes()


# Every hidden detail of the PDF below carries one of these, so a test can search the bytes
# (letters and digits only: PDF writers escape the rest in strings).
PDF_MARKERS = {
    "exif artist": b"MARKER-ARTIST-Jane-Tipster",
    "exif make": b"MarkerPhoneMaker",
    "annotation author": b"MARKERannotAUTHOR",
    "annotation text": b"MARKERannotNOTE",
    "annotation date": b"20261206203015",
    "embedded file name": b"MARKERembeddedNAME",
    "embedded file": b"MARKERembeddedCONTENT",
    "javascript": b"MARKERjavascript",
    "xmp": b"MARKERxmpCREATOR",
    "document author": b"MARKERdocAUTHOR",
}
PDF_PAGE_TEXT = "MARKERpageTEXT"  # in a compressed content stream: found by text extraction
PHOTO_COLOUR = (200, 30, 30)

_XMP = b"""<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmp:CreatorTool="MARKERxmpCREATOR"/>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def pdf_with_hidden_details() -> bytes:
    """A one-page PDF as a tipster might send it: a phone photo (JPEG with GPS EXIF, embedded as
    it is), page text, a note annotation with its author (/T) and date (/M), an embedded file,
    JavaScript run on opening (/OpenAction), XMP metadata and a document author."""
    photo = jpeg_bytes(size=(300, 200), exif=gps_exif(), color=PHOTO_COLOUR)
    page = io.BytesIO()
    ascii85, rl_config.useA85 = rl_config.useA85, 0  # the photo's JPEG goes in byte for byte
    try:
        drawing = canvas.Canvas(page, pagesize=(612, 792))
        drawing.drawImage(ImageReader(io.BytesIO(photo)), 72, 400, width=300, height=200)
        drawing.setFont("Helvetica", 14)
        drawing.drawString(72, 350, PDF_PAGE_TEXT)
        drawing.showPage()
        drawing.save()
    finally:
        rl_config.useA85 = ascii85

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(page.getvalue())))
    note = Text(rect=(400, 650, 450, 700), text=PDF_MARKERS["annotation text"].decode())
    note[NameObject("/T")] = TextStringObject(PDF_MARKERS["annotation author"].decode())
    note[NameObject("/M")] = TextStringObject("D:20261206203015+00'00'")
    writer.add_annotation(page_number=0, annotation=note)
    writer.add_attachment(PDF_MARKERS["embedded file name"].decode(), PDF_MARKERS["embedded file"])
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(PDF_MARKERS["javascript"].decode()),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    xmp = DecodedStreamObject()
    xmp.set_data(_XMP)
    xmp[NameObject("/Type")] = NameObject("/Metadata")
    xmp[NameObject("/Subtype")] = NameObject("/XML")
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    writer.add_metadata({"/Author": PDF_MARKERS["document author"].decode()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
