"""Load the demo department and, with --users, a staff account for each role.

Eastbrook is a fictional Connecticut town; everything below is written by us. Running the
command again updates the same rows instead of adding new ones.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal import registry, roles
from portal.models import DepartmentSettings, Division, Neighborhood, Officer, Street

DEMO_PASSWORD = "eastbrook-demo"  # noqa: S105 - printed for the newcomer; refused when DEBUG=0

DEPARTMENT = {
    "name_en": "Eastbrook Police Department",
    "name_es": "Departamento de Policía de Eastbrook",
    "town": "Eastbrook",
    "state": "CT",
    "street_address": "120 Main Street",
    "postal_code": "06099",
    "phone_emergency": "911",
    "phone_non_emergency": "(860) 555-0140",
    "phone_tip_line": "(860) 555-0199",
    "email": "info@police.eastbrook.example",
    "hours_en": "Lobby open every day, all hours. Records window Monday to Friday, "
    "8:30 a.m. to 4:30 p.m.",
    "hours_es": "Vestíbulo abierto todos los días, a toda hora. Ventanilla de registros de lunes "
    "a viernes, de 8:30 a. m. a 4:30 p. m.",
    "time_zone": "America/New_York",
}

DIVISIONS = [
    {
        "name_en": "Records Division",
        "name_es": "División de Registros",
        "description_en": "Copies of police and accident reports, record-check letters, "
        "fingerprinting and Freedom of Information requests.",
        "description_es": "Copias de informes policiales y de accidentes, cartas de antecedentes, "
        "huellas dactilares y solicitudes de acceso a la información pública.",
        "phone": "(860) 555-0142",
        "email": "records@police.eastbrook.example",
        "address": "120 Main Street, first floor",
        "hours_en": "Monday to Friday, 8:30 a.m. to 4:30 p.m.",
        "hours_es": "De lunes a viernes, de 8:30 a. m. a 4:30 p. m.",
    },
    {
        "name_en": "Patrol Division",
        "name_es": "División de Patrullaje",
        "description_en": "Officers on the street around the clock, answering calls and "
        "working with each neighborhood.",
        "description_es": "Agentes en la calle a toda hora, que atienden llamadas y trabajan con "
        "cada vecindario.",
        "phone": "(860) 555-0140",
        "email": "patrol@police.eastbrook.example",
        "address": "120 Main Street",
        "hours_en": "Every day, all hours",
        "hours_es": "Todos los días, a toda hora",
    },
    {
        "name_en": "Investigative Services",
        "name_es": "Servicios de Investigación",
        "description_en": "Detectives who follow up on crimes and read the anonymous tips.",
        "description_es": "Detectives que investigan delitos y leen las denuncias anónimas.",
        "phone": "(860) 555-0150",
        "email": "detectives@police.eastbrook.example",
        "address": "120 Main Street, second floor",
        "hours_en": "Monday to Friday, 8 a.m. to 6 p.m.",
        "hours_es": "De lunes a viernes, de 8 a. m. a 6 p. m.",
    },
    {
        "name_en": "Community Services",
        "name_es": "Servicios Comunitarios",
        "description_en": "Youth programs, the Police Activities League, gun buy-back days and "
        "neighborhood meetings.",
        "description_es": "Programas juveniles, la Liga de Actividades Policiales, jornadas de "
        "recompra de armas y reuniones vecinales.",
        "phone": "(860) 555-0160",
        "email": "community@police.eastbrook.example",
        "address": "45 Park Avenue (Community Center)",
        "hours_en": "Monday to Saturday, 9 a.m. to 7 p.m.",
        "hours_es": "De lunes a sábado, de 9 a. m. a 7 p. m.",
    },
    {
        "name_en": "Traffic and Parking Unit",
        "name_es": "Unidad de Tránsito y Estacionamiento",
        "description_en": "Overnight parking exemptions, snow emergencies and traffic complaints.",
        "description_es": "Permisos de estacionamiento nocturno, emergencias por nieve y quejas de "
        "tránsito.",
        "phone": "(860) 555-0170",
        "email": "traffic@police.eastbrook.example",
        "address": "120 Main Street",
        "hours_en": "Every day, 7 a.m. to 11 p.m.",
        "hours_es": "Todos los días, de 7 a. m. a 11 p. m.",
    },
    {
        "name_en": "Animal Control",
        "name_es": "Control de Animales",
        "description_en": "Stray and injured animals, dog licences and bite reports.",
        "description_es": "Animales perdidos o heridos, licencias de perros y mordeduras.",
        "phone": "(860) 555-0180",
        "email": "animals@police.eastbrook.example",
        "address": "8 Depot Road",
        "hours_en": "Monday to Friday, 8 a.m. to 4 p.m.",
        "hours_es": "De lunes a viernes, de 8 a. m. a 4 p. m.",
    },
]

# name, rank (en, es), streets, a rough box (west, south, east, north) for the boundary
NEIGHBORHOODS = [
    (
        "North End",
        "Lt. Maria Delgado",
        "maria.delgado",
        "Older homes and the high school, north of Burnside Avenue.",
        "Casas antiguas y la escuela secundaria, al norte de Burnside Avenue.",
        ["Burnside Avenue", "Chapel Street", "Hills Street", "Mercer Avenue", "Woodlawn Circle"],
        (-72.640, 41.790, -72.600, 41.810),
    ),
    (
        "Riverside",
        "Lt. James Okafor",
        "james.okafor",
        "Apartments and the river park, where the dirt-bike complaints are most frequent.",
        "Apartamentos y el parque del río, donde más se denuncian las motos todoterreno.",
        ["River Road", "Ferry Street", "Mill Street", "Dock Lane", "Willow Street"],
        (-72.660, 41.770, -72.640, 41.790),
    ),
    (
        "Town Center",
        "Lt. Susan Park",
        "susan.park",
        "Main Street's shops, Town Hall, the library and the police station.",
        "Los comercios de Main Street, el ayuntamiento, la biblioteca y la estación de policía.",
        ["Main Street", "Park Avenue", "Church Street", "School Street", "Depot Road"],
        (-72.640, 41.770, -72.600, 41.790),
    ),
    (
        "Maple Hill",
        "Lt. Robert Nguyen",
        "robert.nguyen",
        "Quiet residential streets around Maple Hill Park and two elementary schools.",
        "Calles residenciales tranquilas alrededor del parque Maple Hill y dos escuelas primarias.",
        ["Maple Hill Road", "Oak Street", "Elm Street", "Pine Street", "Orchard Lane"],
        (-72.600, 41.770, -72.570, 41.790),
    ),
    (
        "Southfield",
        "Lt. Angela Rivera",
        "angela.rivera",
        "The shopping plaza, Route 5 businesses and the new housing along Forbes Street.",
        "La plaza comercial, los negocios de la Ruta 5 y las viviendas nuevas de Forbes Street.",
        ["Forbes Street", "Silver Lane", "Tolland Street", "Prospect Street", "Brewer Street"],
        (-72.640, 41.750, -72.600, 41.770),
    ),
    (
        "West Meadow",
        "Lt. Daniel Cohen",
        "daniel.cohen",
        "Ball fields, the community center and the streets along the meadow.",
        "Campos de béisbol, el centro comunitario y las calles junto a la pradera.",
        ["Meadow Street", "Goodwin Street", "High Street", "Sunset Ridge", "Bliss Street"],
        (-72.660, 41.750, -72.640, 41.770),
    ),
]

DEMO_USERS = [
    ("investigator", "Ivy", "Investigator", roles.TIP_INVESTIGATORS),
    ("clerk", "Carmen", "Clerk", roles.RECORDS_CLERKS),
    ("parking", "Pat", "Parking", roles.PARKING_OFFICERS),
    ("community", "Cole", "Community", roles.COMMUNITY_OFFICERS),
    ("animal", "Alex", "Animal", roles.ANIMAL_CONTROL_OFFICERS),
    ("admin", "Ada", "Administrator", roles.SITE_ADMINISTRATORS),
    ("internal", "Iris", "Affairs", roles.INTERNAL_AFFAIRS),
    ("supervisor", "Sam", "Supervisor", roles.SUPERVISORS),
    ("board", "Bea", "Board", roles.REVIEW_BOARD),
]


def _box(west, south, east, north):
    return {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ],
    }


class Command(BaseCommand):
    help = "Load the demo department (Eastbrook, CT) and, with --users, demo staff accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--users", action="store_true", help="also create a staff account for each role"
        )

    @transaction.atomic
    def handle(self, *args, users=False, **options):
        if users and not settings.DEBUG:
            raise CommandError("Demo staff accounts have a published password: DEBUG=1 only.")
        department = DepartmentSettings.get_solo()
        for field, value in DEPARTMENT.items():
            setattr(department, field, value)
        department.save()

        for order, data in enumerate(DIVISIONS, start=1):
            Division.objects.update_or_create(
                name_en=data["name_en"], defaults={**data, "order": order * 10}
            )

        for order, (name, officer_name, handle, summary_en, summary_es, streets, box) in enumerate(
            NEIGHBORHOODS, start=1
        ):
            _rank, _, person = officer_name.partition(" ")
            officer, _ = Officer.objects.update_or_create(
                email=f"{handle}@police.eastbrook.example",
                defaults={
                    "name": person,
                    "rank_en": "Lieutenant",
                    "rank_es": "Teniente",
                    "assignment_en": f"Coordinating officer, {name}",
                    "assignment_es": f"Oficial coordinador, {name}",
                    "phone": f"(860) 555-02{order:02d}",
                },
            )
            neighborhood, _ = Neighborhood.objects.update_or_create(
                slug=name.lower().replace(" ", "-"),
                defaults={
                    "name": name,
                    "order": order * 10,
                    "coordinator": officer,
                    "summary_en": summary_en,
                    "summary_es": summary_es,
                    "description_en": (
                        f"{officer} coordinates policing in {name}. Come to a community "
                        "meeting to raise a problem, hear what was done about the last ones, "
                        "and meet the officers who work your streets."
                    ),
                    "description_es": (
                        f"{officer.rank_es} {officer.name} coordina la labor policial en {name}. "
                        "Venga a una reunión comunitaria para plantear un problema, saber qué se "
                        "hizo con los anteriores y conocer a los agentes de sus calles."
                    ),
                    "boundary": _box(*box),
                },
            )
            for n, street in enumerate(streets):
                # House numbers as a town's street list gives them (made up for the demo).
                Street.objects.update_or_create(
                    name=street,
                    defaults={
                        "neighborhood": neighborhood,
                        "number_from": 1,
                        "number_to": 299 + 100 * (n % 4),
                    },
                )

        if users:
            # Before the feature apps' loaders, so they can assign work to the demo staff.
            self._create_users()
        for loader in registry.demo_loaders.all():
            loader.load()
        self.stdout.write(self.style.SUCCESS("Demo department loaded: Eastbrook, CT."))
        if users:
            self._print_users()

    def _create_users(self):
        User = get_user_model()
        roles.roles_sync()
        for username, first, last, role in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@police.eastbrook.example",
                },
            )
            user.is_staff = True
            user.is_superuser = role == roles.SITE_ADMINISTRATORS
            if created:
                user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=role))

    def _print_users(self):
        self.stdout.write(f"Demo staff accounts (password: {DEMO_PASSWORD}):")
        for username, _first, _last, role in DEMO_USERS:
            self.stdout.write(f"  {username:<13} {role}")
