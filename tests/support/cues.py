"""Sample tip texts for the identifying-words tests: each identifying one with the kind of cue
and the phrase to point out, and ordinary ones where nothing may be pointed out. The server's
tests and the browser's (which checks the page's script finds the same) share them."""

IDENTIFYING = [
    ("My neighbor keeps the bikes in his garage.", "relation", "My neighbor"),
    ("our landlord sells pills", "relation", "our landlord"),
    ("my ex-boyfriend has a gun", "relation", "my ex-boyfriend"),
    ("my older brother told them", "relation", "my older brother"),
    ("Mi vecino guarda las motos.", "relation", "Mi vecino"),
    ("mis hermanos lo vieron", "relation", "mis hermanos"),
    ("nuestra jefa vende", "relation", "nuestra jefa"),
    ("mi exnovio tiene un arma", "relation", "mi exnovio"),
    ("I live across the street from them.", "place", "I live across"),
    ("I live upstairs from the guy.", "place", "I live upstairs"),
    ("we stay there every summer", "place", "we stay there"),
    ("I'm staying at the motel", "place", "I'm staying at"),
    ("I work at the car wash on Main", "place", "I work at"),
    ("where I live people race at night", "place", "where I live"),
    ("I saw it from my window.", "place", "from my window"),
    ("next door to me", "place", "next door to me"),
    ("Vivo enfrente de la casa.", "place", "Vivo enfrente"),
    ("trabajo en la tienda de la esquina", "place", "trabajo en"),
    ("lo vi desde mi ventana", "place", "desde mi ventana"),
    ("donde vivo hay balazos", "place", "donde vivo"),
    ("He told me he keeps a gun.", "private", "told me"),
    ("Me dijo que tiene un arma.", "private", "Me dijo"),
    ("My name is Ana.", "name", "My name is"),
    ("Me llamo Ana.", "name", "Me llamo"),
    ("call 860-555-0199 after six", "phone", "860-555-0199"),
    ("(860) 555 0199", "phone", "(860) 555 0199"),
    ("su número es +52 55 1234 5678", "phone", "+52 55 1234 5678"),
    ("write to ana.tips@example.org", "email", "ana.tips@example.org"),
    ("on Instagram as @ana_tips.", "handle", "@ana_tips"),
]

NOT_IDENTIFYING = [
    "Four dirt bikes are kept in the blue garage behind 1234 Mill Street.",
    "He lives on Elm Street and his brother sells.",
    "Plate ABC-1234, a grey van, most evenings around 7:30.",
    "It happened on 2026-11-23, and again on 11/30/2026 and 12.01.2025.",
    "Las motos están en la cochera azul de la calle Molino.",
    "El trabajo en esa esquina empieza a las ocho.",
    "They meet at the park. Se juntan en el parque.",
    "About 200 people, $1,500 in cash.",
]
