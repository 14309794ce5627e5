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

PROJECT_LONGEVITY_EN = """\
Project Longevity is Eastbrook's part in a statewide effort to reduce serious group violence.
It works by focused deterrence: instead of sweeping whole neighborhoods, it speaks directly to
the small number of people involved with groups that drive most shootings, and gives them a
real choice.

## How it works

- **A direct message.** People in groups that are involved in violence are invited to a
  meeting. Families who lost someone, clergy, people who left that life and police speak
  plainly: the violence has to end, and help is ready now.
- **Services and support.** Anyone who asks gets a navigator who helps with a job or job
  training, going back to school, housing, counseling, and getting documents in order.
- **Consequences for the group.** If a group keeps up the violence, it is the group that
  gets the attention of police and prosecutors, not the whole street.

## Ready for a change?

Call or text the navigator line, or ask any officer to put you in touch. You do not have to
come to a meeting to get help.
"""

PROJECT_LONGEVITY_ES = """\
Project Longevity es la parte de Eastbrook en un esfuerzo de todo el estado para reducir la
violencia grave entre grupos. Funciona por disuasión focalizada: en lugar de actuar sobre
vecindarios enteros, habla directamente con las pocas personas vinculadas a los grupos que
causan la mayoría de los tiroteos, y les ofrece una opción real.

## Cómo funciona

- **Un mensaje directo.** Se invita a una reunión a personas de grupos vinculados a la
  violencia. Familias que perdieron a alguien, líderes religiosos, personas que dejaron esa
  vida y la policía hablan con claridad: la violencia tiene que terminar, y la ayuda está lista
  ahora.
- **Servicios y apoyo.** Quien lo pida tiene un acompañante que le ayuda con un empleo o una
  capacitación, volver a estudiar, vivienda, consejería y poner en orden sus documentos.
- **Consecuencias para el grupo.** Si un grupo sigue con la violencia, es el grupo el que
  recibe la atención de la policía y la fiscalía, no toda la calle.

## ¿Listo para un cambio?

Llame o envíe un mensaje a la línea de acompañantes, o pídale a cualquier agente que lo ponga
en contacto. No hace falta ir a una reunión para recibir ayuda.
"""

PROSPER_EN = """\
PROSPER opens doors for young people aged 14 to 24 in Eastbrook. Officers and community
partners offer mentoring, a first paid job and a way into training, so that a young person has
more people in their corner and more choices in front of them.

## What it offers

- **A mentor.** A trained adult from a partner organization or the department who meets with
  you every week, for at least a year.
- **Work.** Paid summer and after-school jobs with local employers, and help writing a resume
  and getting ready for an interview.
- **Learning.** Tutoring, help finishing high school or a GED, and visits to the community
  college and the trades.
- **Belonging.** Trips, service projects and sports with other young people in the program.

## Joining

Young people can sign up themselves; parents, teachers, coaches and officers can suggest
someone. Call the Community Services number or come to an information evening.
"""

PROSPER_ES = """\
PROSPER abre puertas a jóvenes de 14 a 24 años en Eastbrook. Agentes y organizaciones de la
comunidad ofrecen mentoría, un primer empleo pagado y una entrada a la capacitación, para que
cada joven tenga más personas de su lado y más opciones por delante.

## Qué ofrece

- **Un mentor.** Un adulto capacitado, de una organización aliada o del departamento, que se
  reúne con usted cada semana durante al menos un año.
- **Trabajo.** Empleos pagados en verano y después de clases con empleadores locales, y ayuda
  para escribir un currículum y preparar una entrevista.
- **Aprendizaje.** Tutorías, ayuda para terminar la secundaria o el GED, y visitas al colegio
  comunitario y a los oficios.
- **Pertenencia.** Salidas, proyectos de servicio y deportes con otros jóvenes del programa.

## Cómo unirse

Los jóvenes pueden inscribirse por su cuenta; padres, maestros, entrenadores y agentes pueden
proponer a alguien. Llame al número de Servicios Comunitarios o venga a una noche informativa.
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
        "slug": "prosper",
        "order": 30,
        "title_en": "PROSPER: mentoring and opportunity for young people",
        "title_es": "PROSPER: mentoría y oportunidades para jóvenes",
        "summary_en": "Mentors, paid jobs and a way into training for young people aged 14 to "
        "24, with our community partners.",
        "summary_es": "Mentores, empleos pagados y una entrada a la capacitación para jóvenes "
        "de 14 a 24 años, con nuestros aliados de la comunidad.",
        "body_en": PROSPER_EN,
        "body_es": PROSPER_ES,
        "officer": "community@police.eastbrook.example",
        "partners": [
            (
                "Eastbrook Youth Employment Network",
                "Finds summer and after-school jobs with local employers.",
                "Consigue empleos de verano y después de clases con empleadores locales.",
                "https://youthjobs.eastbrook.example",
                "#4d8055",
            ),
            (
                "Eastbrook Community College",
                "Tutoring, campus visits and a first course free.",
                "Tutorías, visitas al campus y un primer curso gratis.",
                "https://college.eastbrook.example",
                "#1a4480",
            ),
        ],
    },
    {
        "slug": "project-longevity",
        "order": 40,
        "title_en": "Project Longevity: reducing group violence",
        "title_es": "Project Longevity: menos violencia entre grupos",
        "summary_en": "A focused effort against group violence: a direct message, and services "
        "and support for anyone ready to leave it behind.",
        "summary_es": "Un esfuerzo focalizado contra la violencia entre grupos: un mensaje "
        "directo, y servicios y apoyo para quien esté listo para dejarla atrás.",
        "body_en": PROJECT_LONGEVITY_EN,
        "body_es": PROJECT_LONGEVITY_ES,
        "officer": "community@police.eastbrook.example",
        "partners": [
            (
                "Capitol Region Outreach",
                "Navigators and street outreach workers who know the neighborhoods.",
                "Acompañantes y trabajadores de calle que conocen los vecindarios.",
                "https://outreach.eastbrook.example",
                "#8b0a03",
            ),
        ],
    },
]
