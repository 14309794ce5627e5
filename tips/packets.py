"""Case packets: a PDF of one tip for the case file, built by a Celery task (reportlab), with the
clean copies of its photos and a list of its other files. Stored encrypted like everything else;
every request and download is audit-logged."""

import io
from xml.sax.saxutils import escape

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Image as PdfImage
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from portal import handoff
from portal.localtime import department_zone
from portal.services.audit import audit_record
from tips import crypto, tasks
from tips.models import Tip, TipAttachment
from tips.services.common import file_times_to_hour


@transaction.atomic
def packet_request(*, tip: Tip, actor) -> None:
    """Ask for a case packet. The tip row records that one is owed (`packet_pending`) in the
    request's transaction; the build task is queued after commit, and the beat sweep
    (`packet_sweep`) queues it again if the broker lost it."""
    Tip.objects.filter(pk=tip.pk).update(packet_pending=True)
    audit_record(actor=actor, action="tips.packet.requested", target=tip)
    handoff.after_commit(tasks.packet_build_task, tip.pk, getattr(actor, "pk", None))


def packet_sweep() -> int:
    """Queue again the packets owed whose task was lost (broker down at the time of the
    request). Returns how many were handed over."""
    owed = Tip.objects.filter(packet_pending=True).values_list("pk", flat=True)[:200]
    return sum(1 for pk in list(owed) if handoff.dispatch(tasks.packet_build_task, pk))


def _para(text: str, style) -> Paragraph:
    return Paragraph(escape(text or "-").replace("\n", "<br/>"), style)


def packet_render(*, tip: Tip) -> bytes:
    styles = getSampleStyleSheet()
    zone = department_zone()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=letter, title=f"Tip {tip.number}", author="", subject="", creator=""
    )
    story = [
        Paragraph(f"Case packet: tip {escape(tip.number)}", styles["Title"]),
        _para(
            f"Category: {tip.category.name_en or tip.category.name}. "
            f"Status: {tip.get_status_display()}. Priority: {tip.get_priority_display()}. "
            f"Received (to the hour): {tip.received_at.astimezone(zone):%Y-%m-%d %H:00 %Z}.",
            styles["Normal"],
        ),
        Spacer(1, 12),
    ]
    for label, value in [
        ("What happened", tip.what),
        ("Where", tip.where),
        ("When", tip.when),
        ("People", tip.people),
        ("Vehicles", tip.vehicles),
        ("Contact details given by the tipster", tip.contact),
    ]:
        story += [Paragraph(label, styles["Heading3"]), _para(value, styles["Normal"])]
    story.append(Paragraph("Messages with the tipster", styles["Heading2"]))
    for message in tip.messages.all():
        who = "Investigator" if message.direction == "investigator" else "Tipster"
        story.append(
            _para(
                f"{who}, {message.created_at.astimezone(zone):%Y-%m-%d %H:00}: {message.body}",
                styles["Normal"],
            )
        )
    story.append(Paragraph("Internal notes", styles["Heading2"]))
    for note in tip.notes.select_related("author"):
        story.append(_para(f"{note.author or '-'}: {note.body}", styles["Normal"]))
    story.append(Paragraph("Attachments (clean copies)", styles["Heading2"]))
    for attachment in tip.attachments.all():
        story.append(
            _para(
                f"#{attachment.pk}: {attachment.get_kind_display()}, "
                f"{attachment.size} bytes, {attachment.get_status_display()}",
                styles["Normal"],
            )
        )
        if attachment.kind == TipAttachment.Kind.IMAGE and attachment.clean:
            with attachment.clean.open("rb") as handle:
                data = crypto.decrypt_bytes(handle.read())
            width, height = Image.open(io.BytesIO(data)).size
            scale = min(6 * inch / width, 6 * inch / height, 1)
            story.append(PdfImage(io.BytesIO(data), width=width * scale, height=height * scale))
        story.append(Spacer(1, 8))
    doc.build(story)
    return out.getvalue()


def packet_build(*, tip_id: int, actor_id: int | None = None) -> bool:
    """Build the packet owed for one tip (or its first, when none was ever built). Safe to run
    twice: a packet built since the request is not built again. False when nothing was owed."""
    with transaction.atomic():
        tip = (
            Tip.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("category")
            .filter(pk=tip_id)
            .first()
        )
        if tip is None or (tip.packet and not tip.packet_pending):
            return False
        pdf = packet_render(tip=tip)
        old = tip.packet.name if tip.packet else None
        tip.packet.save("p.bin", ContentFile(crypto.encrypt_bytes(pdf)), save=False)
        file_times_to_hour(tip.packet)
        tip.packet_built_at = timezone.now()
        tip.packet_pending = False
        tip.save(update_fields=["packet", "packet_built_at", "packet_pending"])
        actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
        audit_record(
            actor=actor,
            action="tips.packet.built",
            target=tip,
            actor_label="" if actor else "worker",
        )
        if old:
            storage = tip.packet.storage
            transaction.on_commit(lambda: storage.delete(old))
    return True


def packet_read(*, tip: Tip, actor) -> bytes:
    """The decrypted packet, audit-logged."""
    with tip.packet.open("rb") as handle:
        data = crypto.decrypt_bytes(handle.read())
    audit_record(actor=actor, action="tips.packet.downloaded", target=tip)
    return data
