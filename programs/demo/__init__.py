"""Demo content for Eastbrook's programs, events and neighborhood problem boards.

All of it is written by us for the fictional town (the pages' text is in content.py). Event
dates are set relative to today so the demo always has something coming up. Running it again
updates the same rows.
"""

import io
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from portal.localtime import department_zone
from portal.models import Neighborhood, Officer
from programs.demo.content import PROGRAMS
from programs.models import Event, NewsItem, Partner, Problem, ProblemNote, Program
from programs.services.publishing import content_changed


def _logo(name: str, colour: str) -> ContentFile:
    """A plain badge with the partner's initials (the demo has no real partner logos)."""
    initials = "".join(word[0] for word in name.split() if word[0].isalpha())[:3].upper()
    image = Image.new("RGB", (240, 120), colour)
    draw = ImageDraw.Draw(image)
    draw.text((120, 60), initials, fill="white", anchor="mm", font_size=56)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue())


def _at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=department_zone())


def _next(weekday: int, weeks: int = 0):
    today = timezone.localdate()
    days = (weekday - today.weekday()) % 7 or 7
    return today + timedelta(days=days + 7 * weeks)


# Earlier demos named two programs differently; loading the demo renames those rows in place
# (their events, sign-ups and revisions stay), and drops the partners the new text no longer
# names. Old slug: new slug.
RENAMED_PROGRAMS = {"bridges": "prosper", "step-away": "project-longevity"}
RENAMED_EVENTS = {"step-away-community-night": "project-longevity-community-night"}


def _rename_old_demo() -> None:
    partners = {data["slug"]: {p[0] for p in data["partners"]} for data in PROGRAMS}
    for old, new in RENAMED_PROGRAMS.items():
        program = Program.objects.filter(slug=old).first()
        if program is None or Program.objects.filter(slug=new).exists():
            continue
        program.slug = new
        program.save(update_fields=["slug"])
        program.partners.exclude(name__in=partners.get(new, set())).delete()
    for old, new in RENAMED_EVENTS.items():
        if not Event.objects.filter(slug=new).exists():
            Event.objects.filter(slug=old).update(slug=new)


def load_demo() -> None:
    community_officer, _ = Officer.objects.update_or_create(
        email="community@police.eastbrook.example",
        defaults={
            "name": "Keisha Morgan",
            "rank_en": "Sergeant",
            "rank_es": "Sargento",
            "assignment_en": "Community Services",
            "assignment_es": "Servicios Comunitarios",
            "phone": "(860) 555-0160",
        },
    )
    _rename_old_demo()
    programs = {}
    now = timezone.now()
    for data in PROGRAMS:
        fields = {k: v for k, v in data.items() if k not in {"slug", "partners", "officer"}}
        program, _created = Program.objects.update_or_create(
            slug=data["slug"],
            defaults={
                **fields,
                "contact_officer": community_officer,
                "status": Program.Status.PUBLISHED,
            },
        )
        if program.published_at is None:
            program.published_at = now
            program.save(update_fields=["published_at"])
        programs[data["slug"]] = program
        for order, (name, what_en, what_es, url, colour) in enumerate(data["partners"], 1):
            partner, _made = Partner.objects.update_or_create(
                program=program,
                name=name,
                defaults={
                    "description_en": what_en,
                    "description_es": what_es,
                    "url": url,
                    "order": order,
                },
            )
            if not partner.logo:
                partner.logo.save(f"{data['slug']}-{order}.png", _logo(name, colour))

    # A page still being written, to show the workflow in admin.
    Program.objects.update_or_create(
        slug="faith-partners",
        defaults={
            "title_en": "Faith partners",
            "title_es": "Socios religiosos",
            "summary_en": "Congregations and officers meeting families after a violent loss.",
            "summary_es": "",
            "body_en": "Clergy from twelve congregations ride along with officers and sit with "
            "families after a violent loss. (Draft: dates to come.)",
            "body_es": "",
            "contact_officer": community_officer,
            "status": Program.Status.DRAFT,
            "order": 50,
        },
    )
    community = get_user_model().objects.filter(username="community").first()
    if community is not None:
        for program in Program.objects.all():
            program.editors.add(community)

    neighborhoods = {n.slug: n for n in Neighborhood.objects.all()}
    events = [
        {
            "slug": "buy-back-spring",
            "program": programs["gun-buy-back"],
            "title_en": "Gun buy-back at Eastbrook General Hospital",
            "title_es": "Recompra de armas en el Hospital General de Eastbrook",
            "description_en": "Drive in, stay in your car, and an officer takes the unloaded "
            "firearm from your trunk. Gift cards while they last.",
            "description_es": "Entre en carro, quédese dentro y un agente saca el arma "
            "descargada de su maletero. Tarjetas de regalo hasta agotar existencias.",
            "starts_at": _at(_next(5, 1), 9),
            "ends_at": _at(_next(5, 1), 13),
            "place_name": "Eastbrook General Hospital, parking lot B",
            "address": "500 Burnside Avenue, Eastbrook, CT",
            "accessibility_en": "Drive-through: you do not need to leave your car.",
            "accessibility_es": "Sin bajarse: no necesita salir de su carro.",
        },
        {
            "slug": "buy-back-riverside",
            "program": programs["gun-buy-back"],
            "title_en": "Gun buy-back at Riverside Park",
            "title_es": "Recompra de armas en el parque Riverside",
            "description_en": "The second buy-back of the season, on the river side of town.",
            "description_es": "La segunda recompra de la temporada, del lado del río.",
            "starts_at": _at(_next(5, 5), 9),
            "ends_at": _at(_next(5, 5), 13),
            "place_name": "Riverside Park, Ferry Street lot",
            "address": "20 Ferry Street, Eastbrook, CT",
            "accessibility_en": "Drive-through. Portable toilets with a ramp on site.",
            "accessibility_es": "Sin bajarse del carro. Baños portátiles con rampa en el lugar.",
        },
        {
            "slug": "pal-basketball",
            "program": programs["pal"],
            "title_en": "PAL basketball league (ages 10 to 14)",
            "title_es": "Liga de baloncesto PAL (de 10 a 14 años)",
            "description_en": "Teams are picked on the first night so everyone plays. Bring "
            "sneakers and a water bottle.",
            "description_es": "Los equipos se forman la primera noche para que todos jueguen. "
            "Traiga tenis y una botella de agua.",
            "starts_at": _at(_next(2), 18),
            "ends_at": _at(_next(2), 19, 30),
            "place_name": "West Meadow Community Center, gym",
            "address": "45 Park Avenue, Eastbrook, CT",
            "accessibility_en": "Step-free entrance on Meadow Street. Accessible restrooms.",
            "accessibility_es": "Entrada sin escalones por Meadow Street. Baños accesibles.",
            "registration": Event.Registration.YOUTH,
            "capacity": 24,
            "min_age": 10,
            "max_age": 14,
        },
        {
            "slug": "pal-homework-club",
            "program": programs["pal"],
            "title_en": "PAL homework club (ages 8 to 12)",
            "title_es": "Club de tareas PAL (de 8 a 12 años)",
            "description_en": "Volunteers and officers help with homework; a snack is served.",
            "description_es": "Voluntarios y agentes ayudan con las tareas; se sirve merienda.",
            "starts_at": _at(_next(1), 15, 30),
            "ends_at": _at(_next(1), 17),
            "place_name": "Eastbrook Public Library, community room",
            "address": "12 School Street, Eastbrook, CT",
            "accessibility_en": "Elevator to the community room.",
            "accessibility_es": "Ascensor hasta la sala comunitaria.",
            "registration": Event.Registration.YOUTH,
            "capacity": 2,
            "min_age": 8,
            "max_age": 12,
        },
        {
            "slug": "project-longevity-community-night",
            "program": programs["project-longevity"],
            "title_en": "Project Longevity community night",
            "title_es": "Noche comunitaria de Project Longevity",
            "description_en": "Meet the outreach workers and hear from families who lost someone "
            "to violence. Dinner served.",
            "description_es": "Conozca a los trabajadores de calle y escuche a familias que "
            "perdieron a alguien por la violencia. Se sirve cena.",
            "starts_at": _at(_next(3, 2), 18),
            "ends_at": _at(_next(3, 2), 20),
            "place_name": "First Baptist Church hall",
            "address": "88 Church Street, Eastbrook, CT",
            "accessibility_en": "Ramp at the side door. Spanish interpretation.",
            "accessibility_es": "Rampa en la puerta lateral. Interpretación al español.",
            "registration": Event.Registration.SIMPLE,
            "capacity": 80,
        },
    ]
    meeting_places = {
        "north-end": ("Eastbrook High School library", "1 Hills Street, Eastbrook, CT"),
        "riverside": ("Riverside Apartments community room", "300 River Road, Eastbrook, CT"),
        "town-center": ("Town Hall, council chamber", "740 Main Street, Eastbrook, CT"),
    }
    for week, (slug, (place, address)) in enumerate(meeting_places.items()):
        neighborhood = neighborhoods.get(slug)
        if neighborhood is None:
            continue
        day = _next(3, week)
        events.append(
            {
                "slug": f"{slug}-community-meeting",
                "neighborhood": neighborhood,
                "title_en": f"{neighborhood.name} community meeting",
                "title_es": f"Reunión comunitaria de {neighborhood.name}",
                "description_en": "Raise a problem, hear what was done about the last ones, and "
                "agree on what comes next with your coordinating officer.",
                "description_es": "Plantee un problema, entérese de lo que se hizo con los "
                "anteriores y acuerde los próximos pasos con su oficial coordinador.",
                "starts_at": _at(day, 18, 30),
                "ends_at": _at(day, 20),
                "place_name": place,
                "address": address,
                "accessibility_en": "Step-free. Spanish interpretation and childcare on request.",
                "accessibility_es": "Sin escalones. Interpretación al español y cuidado de niños "
                "si lo pide.",
            }
        )
    for data in events:
        Event.objects.update_or_create(slug=data.pop("slug"), defaults=data)

    NewsItem.objects.update_or_create(
        program=programs["gun-buy-back"],
        title_en="Last buy-back took 74 firearms off the street",
        defaults={
            "title_es": "La última recompra retiró 74 armas de la calle",
            "body_en": "Residents handed in 74 firearms, including 9 home-made guns, and took "
            "home 120 free gun locks. Thank you to our hospital partners.",
            "body_es": "Los vecinos entregaron 74 armas, entre ellas 9 caseras, y se llevaron "
            "120 candados gratuitos. Gracias a nuestros socios de salud.",
            "published_at": now - timedelta(days=20),
        },
    )
    NewsItem.objects.update_or_create(
        program=programs["pal"],
        title_en="PAL basketball is back",
        defaults={
            "title_es": "Vuelve el baloncesto PAL",
            "body_en": "Sign-ups are open for the new season. Places are limited, so sign up "
            "early; a waiting list opens when a session is full.",
            "body_es": "Ya están abiertas las inscripciones para la nueva temporada. Los lugares "
            "son limitados; cuando una sesión se llena se abre una lista de espera.",
            "published_at": now - timedelta(days=3),
        },
    )

    problems = [
        (
            "riverside",
            "Dirt bikes racing through River Road at night",
            "Motos todoterreno corriendo por River Road de noche",
            "Residents report dirt bikes and ATVs racing on River Road and through the park "
            "after 10 p.m.",
            "Los vecinos denuncian motos y cuatrimotos corriendo por River Road y el parque "
            "después de las 10 p. m.",
            Problem.Stage.RESPONSE,
            [
                (
                    40,
                    Problem.Stage.SCANNING,
                    "Raised by twelve residents at the community meeting.",
                    "Lo plantearon doce vecinos en la reunión comunitaria.",
                ),
                (
                    25,
                    Problem.Stage.ANALYSIS,
                    "Calls peak Friday and Saturday, 10 p.m. to 1 a.m.; "
                    "riders enter the park from the Dock Lane gap.",
                    "Las llamadas aumentan viernes "
                    "y sábado, de 10 p. m. a 1 a. m.; entran al parque por el hueco de Dock Lane.",
                ),
                (
                    7,
                    Problem.Stage.RESPONSE,
                    "Parks department closed the Dock Lane gap; weekend patrols added.",
                    "Parques cerró el hueco de Dock Lane; se añadieron patrullas de fin de semana.",
                ),
            ],
        ),
        (
            "north-end",
            "Speeding near the high school at dismissal",
            "Exceso de velocidad cerca de la secundaria a la salida",
            "Parents say drivers speed on Hills Street when school lets out.",
            "Los padres dicen que los conductores van rápido por Hills Street a la salida de "
            "clases.",
            Problem.Stage.ASSESSMENT,
            [
                (
                    60,
                    Problem.Stage.SCANNING,
                    "Raised by the parents' association.",
                    "Lo planteó la asociación de padres.",
                ),
                (
                    45,
                    Problem.Stage.ANALYSIS,
                    "A speed trailer measured 1 in 4 cars above 35 mph.",
                    "Un radar móvil midió 1 de cada 4 carros a más de 35 mph.",
                ),
                (
                    30,
                    Problem.Stage.RESPONSE,
                    "Town painted a crosswalk; officers at dismissal for four weeks.",
                    "El municipio pintó un cruce peatonal; agentes a la salida "
                    "durante cuatro semanas.",
                ),
                (
                    5,
                    Problem.Stage.ASSESSMENT,
                    "Now 1 in 12 cars above 35 mph. We will measure again next month.",
                    "Ahora 1 de cada 12 carros supera las 35 mph. Volveremos "
                    "a medir el mes que viene.",
                ),
            ],
        ),
    ]
    today = timezone.localdate()
    for slug, title_en, title_es, text_en, text_es, stage, notes in problems:
        neighborhood = neighborhoods.get(slug)
        if neighborhood is None:
            continue
        problem, _ = Problem.objects.update_or_create(
            neighborhood=neighborhood,
            title_en=title_en,
            defaults={
                "title_es": title_es,
                "description_en": text_en,
                "description_es": text_es,
                "stage": stage,
                "is_published": True,
                "raised_on": today - timedelta(days=notes[0][0]),
            },
        )
        for days, note_stage, note_en, note_es in notes:
            ProblemNote.objects.update_or_create(
                problem=problem,
                stage=note_stage,
                defaults={
                    "on": today - timedelta(days=days),
                    "text_en": note_en,
                    "text_es": note_es,
                },
            )
    content_changed()
