"""Demo data: a few open positions, the hiring steps and two internship applications
(make run). The applications go through the service, CV cleaning and encryption included."""

import io
from datetime import timedelta

from reportlab.pdfgen import canvas

from careers import crypto, services
from careers.models import HiringStep, InternshipApplication, Position
from portal.localtime import local_today

POSITIONS = [
    {
        "slug": "police-officer-entry-level",
        "kind": Position.Kind.ENTRY,
        "title_en": "Police officer (entry level)",
        "title_es": "Agente de policía (nivel inicial)",
        "summary_en": "No police experience needed: we send you to the academy.",
        "summary_es": "No hace falta experiencia policial: le enviamos a la academia.",
        "description_en": "Patrol the city's neighborhoods, answer calls for service and work "
        "with residents on the problems that matter to them.",
        "description_es": "Patrullar los vecindarios de la ciudad, atender llamadas y trabajar "
        "con los residentes en los problemas que les importan.",
        "requirements_en": "21 or older, a high school diploma, a valid driver's licence.",
        "requirements_es": "21 años o más, diploma de escuela secundaria, licencia de conducir "
        "vigente.",
        "salary_en": "$62,000 to $84,000 a year",
        "salary_es": "De 62.000 a 84.000 dólares al año",
        "days": 30,
    },
    {
        "slug": "police-officer-certified",
        "kind": Position.Kind.CERTIFIED,
        "title_en": "Police officer (certified, lateral)",
        "title_es": "Agente de policía (certificado, traslado)",
        "summary_en": "For officers certified in Connecticut or another state.",
        "summary_es": "Para agentes certificados en Connecticut o en otro estado.",
        "description_en": "Bring your experience; your years of service count toward pay.",
        "description_es": "Aporte su experiencia; sus años de servicio cuentan para el salario.",
        "days": 45,
    },
    {
        "slug": "records-clerk",
        "kind": Position.Kind.CIVILIAN,
        "title_en": "Records clerk",
        "title_es": "Auxiliar de archivo",
        "summary_en": "Help residents get reports and records, in person and online.",
        "summary_es": "Ayude a los residentes a obtener informes y registros, en persona y en "
        "línea.",
        "days": 14,
    },
]

STEPS = [
    (
        "Written test",
        "Examen escrito",
        "Reading, writing and reasoning; about two hours.",
        "Lectura, escritura y razonamiento; unas dos horas.",
    ),
    (
        "Physical agility",
        "Prueba física",
        "Push-ups, sit-ups and a 1.5-mile run.",
        "Flexiones, abdominales y una carrera de 2,4 km.",
    ),
    (
        "Background investigation",
        "Investigación de antecedentes",
        "We check your history, references and records.",
        "Revisamos su historial, referencias y registros.",
    ),
    (
        "Polygraph",
        "Polígrafo",
        "A polygraph examination about your application.",
        "Un examen de polígrafo sobre su solicitud.",
    ),
    (
        "Psychological evaluation",
        "Evaluación psicológica",
        "A written test and an interview with a psychologist.",
        "Un examen escrito y una entrevista con un psicólogo.",
    ),
    (
        "Police academy",
        "Academia de policía",
        "About 22 weeks of training before field training in the city.",
        "Unas 22 semanas de formación antes de la formación en la calle.",
    ),
]


def load_demo() -> None:
    load_positions_demo()
    load_internship_demo()


def load_positions_demo() -> None:
    today = local_today()
    for item in POSITIONS:
        values = dict(item)
        days = values.pop("days")
        slug = values.pop("slug")
        Position.objects.update_or_create(
            slug=slug, defaults={**values, "closes_on": today + timedelta(days=days)}
        )
    for order, (title_en, title_es, text_en, text_es) in enumerate(STEPS, start=1):
        HiringStep.objects.update_or_create(
            order=order,
            defaults={
                "title_en": title_en,
                "title_es": title_es,
                "description_en": text_en,
                "description_es": text_es,
            },
        )


APPLICANTS = [
    {
        "name": "Ana Reyes",
        "email": "ana.reyes@example.org",
        "phone": "",
        "school": "Eastbrook Community College",
        "program_of_study": "Criminal justice",
        "expected_graduation": "May 2028",
        "semester": InternshipApplication.Semester.FALL,
        "hours_per_week": 12,
        "statement": "I want to see how a department works with its neighborhoods.",
        "language": "es",
    },
    {
        "name": "Sam Okafor",
        "email": "sam.okafor@example.org",
        "phone": "",
        "school": "State University",
        "program_of_study": "Social work",
        "expected_graduation": "December 2027",
        "semester": InternshipApplication.Semester.SPRING,
        "hours_per_week": 16,
        "statement": "I hope to learn how officers and social workers share cases.",
        "language": "en",
    },
]


def _demo_cv(name: str) -> bytes:
    out = io.BytesIO()
    drawing = canvas.Canvas(out, pagesize=(612, 792))
    drawing.setFont("Helvetica", 14)
    drawing.drawString(72, 700, f"{name}: curriculum vitae (demo)")
    drawing.showPage()
    drawing.save()
    return out.getvalue()


def load_internship_demo() -> None:
    if not crypto.KEYRING.available():  # DEBUG=0 with no CAREERS_ENCRYPTION_KEYS: no CVs
        return
    for applicant in APPLICANTS:
        if InternshipApplication.objects.filter(email=applicant["email"]).exists():
            continue
        services.application_submit(**applicant, cv=_demo_cv(applicant["name"]))
