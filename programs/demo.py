"""Demo content for Eastbrook's programs, events and neighborhood problem boards.

All of it is written by us for the fictional town. Event dates are set relative to today so the
demo always has something coming up. Running it again updates the same rows.
"""

import io
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from portal.localtime import department_zone
from portal.models import Neighborhood, Officer

GUN_BUY_BACK_EN = """\
Twice a year we hold a gun buy-back day with our hospital partners. Bring a firearm you no longer
want, hand it to an officer, and leave with a gift card. **No questions asked and no names
taken.** Every firearm is checked and then destroyed.

## Next dates and places

The dates are listed under "Upcoming events" on this page. Each buy-back runs from 9 a.m. to
1 p.m., rain or shine, in a parking lot where you can stay in your car.

## What we accept, and the gift card you receive

| What you bring | Gift card |
|---|---|
| Handgun, rifle or shotgun that works | $100 |
| Semi-automatic rifle | $200 |
| Firearm that does not work, or a home-made ("ghost") gun | $50 |
| Ammunition | accepted, no gift card |

We do not accept BB guns, air guns, toys or explosives. If you have explosives or old military
ordnance, do not move them: call the non-emergency number and we will come to you.

## How to bring a firearm safely

- **Unload it** at home. Never bring a loaded firearm.
- Put it in a bag, box or case, and **lock it in the trunk** (or the farthest place from the
  driver if your car has no trunk). Carry ammunition separately.
- **Drive straight to the buy-back.** Stay in your car when you arrive and tell the officer
  who waves you in that you have a firearm in the trunk. The officer takes it out for you.
- **Never walk in carrying a firearm**, and do not take it out of the car yourself.

If you cannot come on the day, call us and an officer will pick the firearm up from your home.
"""

GUN_BUY_BACK_ES = """\
Dos veces al año organizamos una jornada de recompra de armas con nuestros socios de salud.
Traiga un arma de fuego que ya no quiera, entréguesela a un agente y llévese una tarjeta de
regalo. **Sin preguntas y sin pedir su nombre.** Cada arma se revisa y luego se destruye.

## Próximas fechas y lugares

Las fechas aparecen en "Próximos eventos" en esta página. Cada jornada es de 9 a. m. a 1 p. m.,
llueva o no, en un estacionamiento donde usted puede quedarse en su carro.

## Qué aceptamos y qué tarjeta de regalo recibe

| Lo que trae | Tarjeta de regalo |
|---|---|
| Pistola, rifle o escopeta que funcione | $100 |
| Rifle semiautomático | $200 |
| Arma que no funciona, o arma casera ("arma fantasma") | $50 |
| Municiones | se aceptan, sin tarjeta |

No aceptamos pistolas de balines, de aire, juguetes ni explosivos. Si tiene explosivos o
municiones militares antiguas, no las mueva: llame al número que no es de emergencia y
iremos a su casa.

## Cómo traer un arma de forma segura

- **Descárguela** en su casa. Nunca traiga un arma cargada.
- Póngala en una bolsa, caja o estuche y **guárdela con llave en el maletero** (o lo más lejos
  posible del conductor si su carro no tiene maletero). Traiga las municiones por separado.
- **Venga directamente a la jornada.** Quédese en su carro al llegar y dígale al agente que le
  indica el paso que lleva un arma en el maletero. El agente la saca por usted.
- **Nunca entre a pie con un arma**, y no la saque usted mismo del carro.

Si no puede venir ese día, llámenos y un agente pasará a recogerla a su casa.
"""

PAL_EN = """\
The Police Activities League (PAL) brings officers, volunteers and young people together after
school and in the summer. Every activity is free, and every coach has passed a background
check.

## Activities by age

| Ages | Activity | When |
|---|---|---|
| 6 to 9 | Soccer and running games | Saturday mornings |
| 8 to 12 | Homework club with a snack | Tuesday and Thursday after school |
| 10 to 14 | Basketball league | Wednesday evenings |
| 13 to 17 | Boxing fitness and mentoring | Monday and Friday evenings |

## How to sign up

Pick an activity under "Upcoming events" and fill in the short form: the young person's name
and age, and your name and contact as parent or guardian. You will get an e-mail with a link to
cancel if plans change. When a session is full, you can join the waiting list: if a place frees
up, we e-mail the next family on the list.
"""

PAL_ES = """\
La Liga de Actividades Policiales (PAL) reúne a agentes, voluntarios y jóvenes después de la
escuela y en el verano. Todas las actividades son gratuitas y cada entrenador ha pasado una
verificación de antecedentes.

## Actividades por edad

| Edades | Actividad | Cuándo |
|---|---|---|
| 6 a 9 | Fútbol y juegos de carreras | Sábados por la mañana |
| 8 a 12 | Club de tareas con merienda | Martes y jueves después de la escuela |
| 10 a 14 | Liga de baloncesto | Miércoles por la tarde |
| 13 a 17 | Boxeo, ejercicio y mentoría | Lunes y viernes por la tarde |

## Cómo inscribirse

Elija una actividad en "Próximos eventos" y llene el formulario corto: el nombre y la edad del
joven, y su nombre y contacto como padre, madre o tutor. Recibirá un correo con un enlace para
cancelar si cambian sus planes. Cuando una sesión está llena, puede anotarse en la lista de
espera: si se libera un lugar, le escribimos a la siguiente familia de la lista.
"""

STEP_AWAY_EN = """\
Step Away is Eastbrook's answer to group and gang violence. Community leaders, outreach
workers, families of victims and police speak with one clear voice: the shooting has to stop,
and help is here for anyone ready to walk away from it.

## How it works

- **Call-ins.** A small number of people most at risk are invited to a meeting where mothers,
  faith leaders and former members speak first. The message is respect, a warning, and an
  offer of help.
- **Services.** Job training, a paid first job, help going back to school, housing and
  counseling, with an outreach worker at your side.
- **Focus.** When a group keeps shooting, the whole group gets our attention, not the whole
  neighborhood.

## Want out?

Call or text the outreach line, or ask any officer to put you in touch. What you say to an
outreach worker stays with them.
"""

STEP_AWAY_ES = """\
Paso al Frente es la respuesta de Eastbrook a la violencia de grupos y pandillas. Líderes
comunitarios, trabajadores de calle, familias de víctimas y la policía hablan con una sola voz:
los disparos tienen que parar, y hay ayuda para quien esté listo para alejarse.

## Cómo funciona

- **Reuniones de llamado.** Se invita a un grupo pequeño de personas en mayor riesgo a una
  reunión donde primero hablan madres, líderes religiosos y antiguos miembros. El mensaje es
  respeto, una advertencia y una oferta de ayuda.
- **Servicios.** Capacitación laboral, un primer empleo pagado, ayuda para volver a estudiar,
  vivienda y consejería, con un trabajador de calle a su lado.
- **Enfoque.** Cuando un grupo sigue disparando, todo el grupo recibe nuestra atención, no todo
  el vecindario.

## ¿Quiere salir?

Llame o envíe un mensaje a la línea de apoyo, o pídale a cualquier agente que lo ponga en
contacto. Lo que usted le diga a un trabajador de calle se queda con él.
"""

BRIDGES_EN = """\
Bridges pairs a police officer with a probation officer to visit people on probation at home,
together, in their first year back. The aim is simple: fewer people going back to prison and
safer streets for everyone.

## What a visit is like

The visit is a conversation with the person and their family: work, school, health, housing,
and what is getting in the way. The team brings phone numbers and appointments, not just
rules.

## Help on offer

- Job readiness classes and introductions to local employers
- Treatment for addiction and mental health, with a ride to the first appointment
- Help getting an ID, a driver's license back, or a place to live
- Support for families, including children's programs through PAL

Families can ask for a visit too: call the Community Services number.
"""

BRIDGES_ES = """\
Puentes une a un agente de policía con un oficial de libertad condicional para visitar juntos,
en casa, a las personas en libertad condicional durante su primer año. El objetivo es sencillo:
que menos personas vuelvan a prisión y que las calles sean más seguras para todos.

## Cómo es una visita

La visita es una conversación con la persona y su familia: trabajo, escuela, salud, vivienda y
lo que se interpone en el camino. El equipo trae teléfonos y citas, no solo reglas.

## Ayuda disponible

- Clases de preparación laboral y contactos con empleadores locales
- Tratamiento de adicciones y salud mental, con transporte a la primera cita
- Ayuda para sacar una identificación, recuperar la licencia de conducir o encontrar vivienda
- Apoyo para las familias, incluidos programas para niños a través de PAL

Las familias también pueden pedir una visita: llame al número de Servicios Comunitarios.
"""

PROGRAMS = [
    {
        "slug": "gun-buy-back",
        "order": 10,
        "title_en": "Gun buy-back days",
        "title_es": "Jornadas de recompra de armas",
        "summary_en": "Hand in an unwanted firearm, no questions asked, and receive a gift card "
        "from our hospital partners.",
        "summary_es": "Entregue un arma que no quiera, sin preguntas, y reciba una tarjeta de "
        "regalo de nuestros socios de salud.",
        "body_en": GUN_BUY_BACK_EN,
        "body_es": GUN_BUY_BACK_ES,
        "officer": "community@police.eastbrook.example",
        "partners": [
            (
                "Eastbrook General Hospital",
                "Pays for the gift cards and sends nurses who talk about safe storage.",
                "Paga las tarjetas de regalo y envía enfermeras que hablan de guardar armas "
                "con seguridad.",
                "https://hospital.eastbrook.example",
                "#1a4480",
            ),
            (
                "Saint Luke's Medical Center",
                "Gives free gun locks to anyone who asks on the day.",
                "Regala candados para armas a quien los pida ese día.",
                "https://stlukes.eastbrook.example",
                "#2e6276",
            ),
        ],
    },
    {
        "slug": "pal",
        "order": 20,
        "title_en": "Police Activities League",
        "title_es": "Liga de Actividades Policiales",
        "summary_en": "Sports, homework help and mentoring for young people aged 6 to 17, free, "
        "with officers and volunteers.",
        "summary_es": "Deportes, ayuda con las tareas y mentoría para jóvenes de 6 a 17 años, "
        "gratis, con agentes y voluntarios.",
        "body_en": PAL_EN,
        "body_es": PAL_ES,
        "officer": "community@police.eastbrook.example",
        "partners": [
            (
                "Eastbrook Boys & Girls Club",
                "Lends its gym and its buses.",
                "Presta su gimnasio y sus autobuses.",
                "https://bgc.eastbrook.example",
                "#4d8055",
            ),
        ],
    },
    {
        "slug": "step-away",
        "order": 30,
        "title_en": "Step Away: a way out of group violence",
        "title_es": "Paso al Frente: una salida de la violencia de grupos",
        "summary_en": "Community members, service providers and police offer jobs, school and "
        "housing to people ready to step away from violence.",
        "summary_es": "Vecinos, proveedores de servicios y policía ofrecen empleo, estudios y "
        "vivienda a quienes estén listos para dejar la violencia.",
        "body_en": STEP_AWAY_EN,
        "body_es": STEP_AWAY_ES,
        "officer": "community@police.eastbrook.example",
        "partners": [
            (
                "Capitol Region Outreach",
                "Street outreach workers who know the neighborhoods.",
                "Trabajadores de calle que conocen los vecindarios.",
                "https://outreach.eastbrook.example",
                "#8b0a03",
            ),
        ],
    },
    {
        "slug": "bridges",
        "order": 40,
        "title_en": "Bridges: police and probation together",
        "title_es": "Puentes: policía y libertad condicional juntos",
        "summary_en": "Officers and probation staff visit people on probation and their "
        "families together, to connect them with help and keep them on track.",
        "summary_es": "Agentes y oficiales de libertad condicional visitan juntos a las personas "
        "en libertad condicional y a sus familias para conectarlas con ayuda.",
        "body_en": BRIDGES_EN,
        "body_es": BRIDGES_ES,
        "officer": "community@police.eastbrook.example",
        "partners": [
            (
                "State Judicial Branch, Adult Probation",
                "Assigns a probation officer to every Bridges team.",
                "Asigna un oficial de libertad condicional a cada equipo de Puentes.",
                "https://probation.example",
                "#565c65",
            ),
        ],
    },
]


def _logo(name: str, colour: str) -> ContentFile:
    """A plain badge with the partner's initials (the demo has no real partner logos)."""
    from PIL import Image, ImageDraw

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


def load_demo() -> None:
    from programs.models import Event, NewsItem, Partner, Problem, ProblemNote, Program
    from programs.services.publishing import content_changed

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
            "slug": "step-away-community-night",
            "program": programs["step-away"],
            "title_en": "Step Away community night",
            "title_es": "Noche comunitaria de Paso al Frente",
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
