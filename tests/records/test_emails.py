"""Every e-mail to a resident is in the resident's language (English and Spanish); e-mails to
clerks and the supervisor are in English."""

import io

import pytest
from django.utils import translation

from portal.models import Notification
from records import services
from records.models import ReleasePacket, Status
from tests.factories import UserFactory
from tests.records.factories import FeeScheduleItemFactory

pytestmark = pytest.mark.django_db

SUBJECTS = [
    "We received your request {n}",
    "Your code for request {n}",
    "We are working on your request {n}",
    "A message about your request {n}",
    "More time for your request {n}",
    "Your request {n} is ready",
    "Your records for request {n}",
    "Your documents for request {n}",
    "Your request {n} is closed",
]
SUBJECTS_ES = [
    "Recibimos su solicitud {n}",
    "Su código para la solicitud {n}",
    "Estamos trabajando en su solicitud {n}",
    "Un mensaje sobre su solicitud {n}",
    "Más tiempo para su solicitud {n}",
    "Su solicitud {n} está lista",
    "Sus documentos de la solicitud {n}",
    "Sus documentos de la solicitud {n}",
    "Su solicitud {n} está cerrada",
]


def _pdf() -> services.Upload:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "Narrative")
    pdf.showPage()
    pdf.save()
    return services.Upload("narrative.pdf", "application/pdf", buffer.getvalue())


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_email_to_the_resident_is_in_their_language(
    language, django_capture_on_commit_callbacks
):
    clerk, supervisor = UserFactory(), UserFactory()
    with translation.override("en" if language == "es" else "es"):  # the clerk's language
        record_request = services.request_submit(
            kind="police_report",
            requester_name="Dana",
            requester_email="dana@example.org",
            language=language,
            details={"case_number": "26-1"},
        )
        services.lookup_code_send(
            tracking_number=record_request.tracking_number, email="dana@example.org"
        )
        services.request_transition(
            record_request=record_request, action="acknowledge", actor=clerk, note=""
        )
        services.message_from_clerk(record_request=record_request, body="Hola / Hello", actor=clerk)
        services.request_extend(
            record_request=record_request, business_days=3, actor=clerk, reason="archive"
        )
        for action in ["start", "submit_for_review", "approve"]:
            record_request.refresh_from_db()
            services.request_transition(record_request=record_request, action=action, actor=clerk)
        services.fee_add(
            record_request=record_request, item=FeeScheduleItemFactory(), quantity=2, actor=clerk
        )
        services.responsive_upload(record_request=record_request, upload=_pdf(), actor=clerk)
        packet = services.packet_prepare(record_request=record_request, actor=clerk)
        services.packet_approve(packet=packet, actor=supervisor)
        ReleasePacket.objects.filter(pk=packet.pk).update(state=ReleasePacket.State.QUEUED)
        services.packet_build(packet_id=packet.pk)
        record_request.refresh_from_db()
        services.payment_record(
            record_request=record_request, method="in_person", reference="R-1", actor=clerk
        )
        record_request.refresh_from_db()
        services.request_transition(
            record_request=record_request,
            action="close",
            actor=clerk,
            note="",
            closure_reason="fulfilled",
        )
    mails = list(Notification.objects.filter(recipient="dana@example.org").order_by("id"))
    assert all(m.language == language for m in mails)
    expected = SUBJECTS if language == "en" else SUBJECTS_ES
    assert sorted(m.subject for m in mails) == sorted(
        subject.format(n=record_request.tracking_number) for subject in expected
    )
    body = "\n".join(m.body for m in mails)
    assert ("Your tracking page" in body) == (language == "en")
    assert ("Su página de seguimiento" in body) == (language == "es")
    record_request.refresh_from_db()
    assert record_request.status == Status.CLOSED
