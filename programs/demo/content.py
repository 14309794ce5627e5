"""The text of the demo's program pages (English and Spanish) and their partners: all of it
written by us for the fictional town of Eastbrook."""

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
