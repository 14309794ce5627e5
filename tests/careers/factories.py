import io
from datetime import timedelta

import factory
from reportlab.pdfgen import canvas

from careers.models import HiringStep, InternshipApplication, Position
from portal.localtime import local_today

CV_TEXT = "MARKERcvSECRETline"


def cv_pdf(text: str = CV_TEXT) -> bytes:
    """A one-page PDF whose text is stored uncompressed, so it shows in the raw bytes."""
    out = io.BytesIO()
    drawing = canvas.Canvas(out, pagesize=(612, 792), pageCompression=0)
    drawing.setFont("Helvetica", 14)
    drawing.drawString(72, 700, text)
    drawing.showPage()
    drawing.save()
    return out.getvalue()


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    slug = factory.Sequence(lambda n: f"position-{n}")
    kind = Position.Kind.ENTRY
    title_en = factory.Sequence(lambda n: f"Police officer {n}")
    title_es = factory.Sequence(lambda n: f"Agente de policía {n}")
    summary_en = "Join us."
    summary_es = "Únase a nosotros."
    closes_on = factory.LazyFunction(lambda: local_today() + timedelta(days=10))


class HiringStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HiringStep

    order = factory.Sequence(lambda n: n)
    title_en = factory.Sequence(lambda n: f"Step {n}")
    title_es = factory.Sequence(lambda n: f"Paso {n}")


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InternshipApplication

    name = "Ana Reyes"
    email = "ana@example.org"
    school = "Eastbrook Community College"
    program_of_study = "Criminal justice"
    expected_graduation = "May 2028"
    semester = InternshipApplication.Semester.FALL
    hours_per_week = 12
    statement = "I want to learn."
    cv = factory.django.FileField(filename="cv.bin", data=b"encrypted")
