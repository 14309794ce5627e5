"""A printable one-page flyer for an event (reportlab), with a QR code to its page (qrcode).

Built by a Celery task and kept in storage under a name that changes whenever the event does,
so a flyer is built once per version of the event and language, and never shows stale details.
"""

import io

import qrcode
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen import canvas

from portal.links import absolute_url
from portal.localtime import department_zone
from portal.selectors import department_get
from programs.models import Event


def flyer_name(event: Event, language: str) -> str:
    return f"flyers/event-{event.pk}-{language}-{event.updated_at:%Y%m%d%H%M%S%f}.pdf"


def event_url(event: Event, language: str) -> str:
    with translation.override(language):
        return absolute_url(event.get_absolute_url())


def _qr_png(url: str) -> io.BytesIO:
    image = qrcode.make(url, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def render_flyer(event: Event, language: str) -> bytes:
    department = department_get()
    zone = department_zone()
    with translation.override(language):
        url = event_url(event, language)
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, pagesize=LETTER)
        pdf.setTitle(str(event.title))
        pdf.setAuthor(str(department.name))
        pdf.setSubject(_("Event flyer"))
        width, height = LETTER
        margin = 0.75 * inch
        y = height - margin
        pdf.setFont("Helvetica", 14)
        pdf.drawString(margin, y, str(department.name))
        y -= 0.6 * inch
        pdf.setFont("Helvetica-Bold", 30)
        for line in simpleSplit(str(event.title), "Helvetica-Bold", 30, width - 2 * margin):
            pdf.drawString(margin, y, line)
            y -= 36
        if event.is_cancelled:
            pdf.setFont("Helvetica-Bold", 22)
            pdf.drawString(margin, y, _("CANCELLED"))
            y -= 30
        y -= 10
        starts = event.starts_at.astimezone(zone)
        ends = event.ends_at.astimezone(zone)
        pdf.setFont("Helvetica-Bold", 18)
        pdf.drawString(margin, y, date_format(starts, "l j F Y"))
        y -= 24
        pdf.drawString(
            margin, y, f"{date_format(starts, 'TIME_FORMAT')} – {date_format(ends, 'TIME_FORMAT')}"
        )
        y -= 30
        pdf.setFont("Helvetica", 16)
        for text in (event.place_name, event.address):
            pdf.drawString(margin, y, str(text))
            y -= 22
        if event.accessibility:
            y -= 6
            pdf.setFont("Helvetica", 12)
            for line in simpleSplit(
                _("Accessibility:") + " " + str(event.accessibility),
                "Helvetica",
                12,
                width - 2 * margin,
            ):
                pdf.drawString(margin, y, line)
                y -= 16
        y -= 14
        pdf.setFont("Helvetica", 13)
        for paragraph in strip_tags(str(event.description or "")).split("\n"):
            for line in simpleSplit(paragraph, "Helvetica", 13, width - 2 * margin):
                if y < 3.2 * inch:
                    break
                pdf.drawString(margin, y, line)
                y -= 17
        size = 2.2 * inch
        pdf.drawImage(ImageReader(_qr_png(url)), margin, margin + 0.3 * inch, size, size)
        pdf.setFont("Helvetica-Bold", 13)
        pdf.drawString(
            margin + size + 0.3 * inch, margin + 1.6 * inch, _("Scan for details and sign-up:")
        )
        pdf.setFont("Helvetica", 11)
        pdf.drawString(margin + size + 0.3 * inch, margin + 1.3 * inch, url)
        if department.phone_non_emergency:
            pdf.drawString(
                margin + size + 0.3 * inch,
                margin + 1.0 * inch,
                _("Questions? Call %(phone)s") % {"phone": department.phone_non_emergency},
            )
        pdf.showPage()
        pdf.save()
        return buffer.getvalue()


def flyer_build(*, event_id: int, language: str) -> str:
    """Build (once) the flyer for the event as it is now. Idempotent: returns its storage name."""
    event = Event.objects.get(pk=event_id)
    name = flyer_name(event, language)
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(render_flyer(event, language)))
    return name
