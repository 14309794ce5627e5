"""The department's catalogue of services, in our own words: loaded by the demo and usable as
a starting point in production (`load_catalogue`). Each entry: group, code, names and
descriptions in English and Spanish, when to call 911 instead, the division it goes to (by its
English name), the response target, and its questions."""

GROUPS = [
    ("animals", "Animals", "Animales"),
    ("vehicles", "Vehicles and dirt bikes", "Vehículos y motos todoterreno"),
    ("nuisance", "Noise, dumping and other nuisances", "Ruido, basura y otras molestias"),
]

YES_NO = [("yes", "Yes", "Sí"), ("no", "No", "No"), ("unsure", "Not sure", "No lo sé")]

SERVICES = [
    {
        "group": "animals",
        "code": "injured-animal",
        "name": ("Injured animal", "Animal herido"),
        "description": (
            "A dog, cat or wild animal that is hurt, hit by a car or cannot move.",
            "Un perro, gato o animal silvestre herido, atropellado o que no puede moverse.",
        ),
        "emergency": (
            "Call 911 if the animal is attacking someone or blocking traffic.",
            "Llame al 911 si el animal ataca a alguien o bloquea el tránsito.",
        ),
        "division": "Animal Control",
        "target": (1, "hours"),
        "questions": [
            (
                "kind",
                "singlevaluelist",
                True,
                ("What kind of animal?", "¿Qué tipo de animal?"),
                [
                    ("dog", "Dog", "Perro"),
                    ("cat", "Cat", "Gato"),
                    ("wildlife", "Wild animal", "Animal silvestre"),
                    ("other", "Other", "Otro"),
                ],
            ),
            ("moving", "singlevaluelist", True, ("Can it move?", "¿Puede moverse?"), YES_NO),
            (
                "details",
                "string",
                False,
                (
                    "Colour, size or anything that helps us find it",
                    "Color, tamaño o cualquier detalle que nos ayude a encontrarlo",
                ),
                [],
            ),
        ],
    },
    {
        "group": "animals",
        "code": "stray-animal",
        "name": ("Stray or loose dog", "Perro suelto o callejero"),
        "description": (
            "A dog running loose or one that seems to have no home.",
            "Un perro suelto o que parece no tener hogar.",
        ),
        "emergency": (
            "Call 911 if the dog is attacking a person or another animal.",
            "Llame al 911 si el perro ataca a una persona o a otro animal.",
        ),
        "division": "Animal Control",
        "target": (4, "hours"),
        "questions": [
            (
                "loose_now",
                "singlevaluelist",
                True,
                ("Is it loose right now?", "¿Está suelto ahora mismo?"),
                YES_NO,
            ),
            ("count", "number", False, ("How many dogs?", "¿Cuántos perros?"), []),
            (
                "signs",
                "multivaluelist",
                False,
                ("What did you see?", "¿Qué vio?"),
                [
                    ("collar", "It wears a collar", "Lleva collar"),
                    ("aggressive", "It growls or bites", "Gruñe o muerde"),
                    ("thin", "It looks thin or sick", "Se ve delgado o enfermo"),
                ],
            ),
        ],
    },
    {
        "group": "animals",
        "code": "barking-dog",
        "name": ("Barking dog", "Perro que ladra"),
        "description": (
            "A dog that barks for long stretches, day or night.",
            "Un perro que ladra durante mucho tiempo, de día o de noche.",
        ),
        "emergency": ("", ""),
        "division": "Animal Control",
        "target": (3, "business_days"),
        "sensitive": True,
        "questions": [
            (
                "since",
                "datetime",
                False,
                ("Since when has it been barking?", "¿Desde cuándo ladra?"),
                [],
            ),
            (
                "how_often",
                "text",
                False,
                ("How often does it happen?", "¿Con qué frecuencia ocurre?"),
                [],
            ),
        ],
    },
    {
        "group": "animals",
        "code": "animal-bite",
        "name": ("Animal bite", "Mordedura de animal"),
        "description": (
            "Someone was bitten or scratched by an animal. We follow up on rabies.",
            "Alguien fue mordido o arañado por un animal. Hacemos el seguimiento de la rabia.",
        ),
        "emergency": (
            "Call 911 if the wound is serious or the animal is still a danger.",
            "Llame al 911 si la herida es grave o el animal sigue siendo un peligro.",
        ),
        "division": "Animal Control",
        "target": (4, "hours"),
        "callback": True,
        "sensitive": True,
        "questions": [
            (
                "kind",
                "singlevaluelist",
                True,
                ("What animal bit?", "¿Qué animal mordió?"),
                [
                    ("dog", "Dog", "Perro"),
                    ("cat", "Cat", "Gato"),
                    ("wildlife", "Wild animal", "Animal silvestre"),
                ],
            ),
            (
                "owner_known",
                "singlevaluelist",
                False,
                ("Do you know the owner?", "¿Conoce al dueño?"),
                YES_NO,
            ),
        ],
    },
    {
        "group": "vehicles",
        "code": "abandoned-vehicle",
        "name": ("Abandoned car", "Auto abandonado"),
        "description": (
            "A car left on the street for more than a few days, often with flat tyres or no "
            "plates.",
            "Un auto dejado en la calle más de unos días, a menudo sin placas o con llantas "
            "desinfladas.",
        ),
        "emergency": ("", ""),
        "division": "Traffic and Parking Unit",
        "target": (5, "business_days"),
        "questions": [
            ("plate", "string", False, ("Plate number, if any", "Número de placa, si tiene"), []),
            (
                "days",
                "number",
                False,
                (
                    "About how many days has it been there?",
                    "¿Cuántos días lleva allí, más o menos?",
                ),
                [],
            ),
        ],
    },
    {
        "group": "vehicles",
        "code": "dirt-bikes",
        "name": ("Dirt bikes and ATVs", "Motos todoterreno y cuatrimotos"),
        "description": (
            "Where dirt bikes or ATVs are ridden on streets or in parks, or where they are kept.",
            "Dónde se usan motos todoterreno o cuatrimotos en calles o parques, o dónde se "
            "guardan.",
        ),
        "emergency": (
            "Call 911 if someone is hurt or riders are endangering people right now.",
            "Llame al 911 si alguien está herido o si los conductores ponen en peligro a otros "
            "ahora mismo.",
        ),
        "division": "Patrol Division",
        "target": (2, "business_days"),
        "questions": [
            (
                "what",
                "singlevaluelist",
                True,
                ("What is it about?", "¿De qué se trata?"),
                [
                    ("riding", "Riding now or often here", "Circulan aquí ahora o a menudo"),
                    ("stored", "Where they are stored", "Dónde se guardan"),
                ],
            ),
            (
                "when",
                "multivaluelist",
                False,
                ("When does it happen?", "¿Cuándo ocurre?"),
                [
                    ("morning", "Mornings", "Por la mañana"),
                    ("afternoon", "Afternoons", "Por la tarde"),
                    ("evening", "Evenings", "Por la noche"),
                    ("weekend", "Weekends", "Fines de semana"),
                ],
            ),
        ],
    },
    {
        "group": "nuisance",
        "code": "illegal-dumping",
        "name": ("Illegal dumping", "Basura tirada ilegalmente"),
        "description": (
            "Furniture, tyres, bags or building waste left on a street, lot or in a park.",
            "Muebles, llantas, bolsas o escombros dejados en una calle, un lote o un parque.",
        ),
        "emergency": ("", ""),
        "division": "Community Services",
        "target": (3, "business_days"),
        "questions": [
            ("what", "text", False, ("What was dumped?", "¿Qué tiraron?"), []),
        ],
    },
    {
        "group": "nuisance",
        "code": "loud-party",
        "name": ("Loud party or music", "Fiesta o música muy alta"),
        "description": (
            "Noise from a party, music or a gathering that keeps going.",
            "Ruido de una fiesta, música o una reunión que no para.",
        ),
        "emergency": (
            "Call 911 if there is fighting, weapons or someone in danger.",
            "Llame al 911 si hay peleas, armas o alguien en peligro.",
        ),
        "division": "Patrol Division",
        "target": (2, "hours"),
        "sensitive": True,
        "questions": [
            (
                "now",
                "singlevaluelist",
                True,
                ("Is it happening now?", "¿Está pasando ahora?"),
                YES_NO,
            ),
        ],
    },
]
