"""Cues in a tip's text that could identify the tipster (issue 4: "the page says plainly when
anonymity would not hold ... or mentions something only they could know").

Rules:
- Looked for, in English and in Spanish whatever the page's language: first-person words that
  place the writer (my neighbor, I live on, from my window; mi vecino, vivo en, desde mi ventana),
  things said to them in private (he told me; me dijo), their own name (my name is; me llamo),
  phone numbers, e-mail addresses and account names.
- The rules are the regular expressions in PATTERNS, written in the subset that Python's `re`
  and JavaScript's RegExp read alike (no \\b, \\d or \\w: explicit classes, and fixed-width
  look-behinds). The page hands the same list to tips.js as JSON, so the hint shown while typing
  and the check on the server find the same phrases (a browser test compares them).
- A cue is a reason to ask, never to refuse: the resident may send the tip as it is.
- Nothing about the cues is stored or logged: they are found in memory, shown once on a page
  that is never cached (tips.privacy.private_page), and forgotten.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext_lazy as _

# Letters, digits and underscore, with the accented letters of Spanish (Latin-1).
_WORD = "A-Za-z0-9_\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff"
_START = f"(?<![{_WORD}])"
_END = f"(?![{_WORD}])"
_ANY_WORD = f"[{_WORD}'\u2019-]+"  # one word, possibly with an apostrophe or hyphen


def _words(*options: str) -> str:
    return "(?:" + "|".join(options) + ")"


_RELATIONS_EN = _words(
    "neighbou?rs?",
    "next[- ]door neighbou?rs?",
    "brothers?",
    "sisters?",
    "siblings?",
    "step(?:dad|mom|mum|father|mother|son|daughter|brother|sister)s?",
    "(?:brother|sister|mother|father|son|daughter)s?[- ]in[- ]law",
    "in[- ]laws?",
    "ex[- ](?:husband|wife|boyfriend|girlfriend|partner)s?",
    "ex(?:es)?",
    "boss(?:es)?",
    "co[- ]?workers?",
    "colleagues?",
    "room[- ]?mates?",
    "flat[- ]?mates?",
    "landlord",
    "landlady",
    "tenants?",
    "cousins?",
    "uncles?",
    "aunts?",
    "sons?",
    "daughters?",
    "husband",
    "wife",
    "boyfriend",
    "girlfriend",
    "partner",
    "mom",
    "mum",
    "mother",
    "dad",
    "father",
    "parents",
    "grand(?:ma|pa|mother|father|son|daughter|kids?|children)s?",
    "(?:best )?friends?",
    "classmates?",
    "teachers?",
    "students?",
    "manager",
    "supervisor",
    "employer",
    "employees?",
    "nephews?",
    "nieces?",
    "kids?",
    "children",
    "child",
    "baby(?:'s)? (?:daddy|mama|father|mother)",
)
_RELATIONS_ES = _words(
    "vecin[oa]s?",
    "herman[oa]s?",
    "medio herman[oa]s?",
    "ex[- ]?(?:esposo|esposa|novio|novia|pareja|marido|mujer)",
    "ex",
    "jef[ea]s?",
    "compa\u00f1er[oa]s?",
    "prim[oa]s?",
    "t[i\u00ed][oa]s?",
    "hij[oa]s?",
    "espos[oa]",
    "marido",
    "mujer",
    "novi[oa]",
    "pareja",
    "mam[a\u00e1]",
    "madre",
    "pap[a\u00e1]",
    "padre",
    "padres",
    "padrastro",
    "madrastra",
    "hijastr[oa]s?",
    "amig[oa]s?",
    "mejor amig[oa]",
    "caser[oa]",
    "arrendador[a]?",
    "inquilin[oa]s?",
    "maestr[oa]s?",
    "profesor(?:a|es|as)?",
    "alumn[oa]s?",
    "sobrin[oa]s?",
    "cu\u00f1ad[oa]s?",
    "suegr[oa]s?",
    "niet[oa]s?",
    "abuel[oa]s?",
    "patr[o\u00f3]n",
    "patrona",
    "supervisor(?:a)?",
    "encargad[oa]",
    "empleador(?:a)?",
    "emplead[oa]s?",
)
_PLACES_EN = _words(
    "house",
    "home",
    "apartment",
    "flat",
    "building",
    "street",
    "block",
    "yard",
    "backyard",
    "front yard",
    "porch",
    "balcony",
    "window",
    "driveway",
    "garage",
    "bedroom",
    "room",
    "roof",
    "door",
    "doorstep",
    "job",
    "workplace",
    "office",
    "school",
    "shop",
    "store",
    "business",
    "restaurant",
    "church",
)
_PLACES_ES = _words(
    "casa",
    "hogar",
    "apartamento",
    "departamento",
    "depa",
    "edificio",
    "calle",
    "cuadra",
    "manzana",
    "colonia",
    "barrio",
    "patio",
    "porche",
    "balc[o\u00f3]n",
    "ventana",
    "cochera",
    "garaje",
    "cuarto",
    "rec[a\u00e1]mara",
    "habitaci[o\u00f3]n",
    "azotea",
    "techo",
    "puerta",
    "trabajo",
    "oficina",
    "escuela",
    "tienda",
    "negocio",
    "restaurante",
    "iglesia",
)
_NEAR = _words(
    "at",
    "on",
    "in",
    "near",
    "by",
    "next",
    "across",
    "above",
    "below",
    "behind",
    "beside",
    "opposite",
    "for",
    "with",
    "right",
    "just",
    "down",
    "up",
    "off",
    "around",
    "upstairs",
    "downstairs",
    "here",
    "there",
    "close",
    "nearby",
)
_CERCA = _words(
    "en",
    "al lado",
    "junto",
    "frente",
    "enfrente",
    "cerca",
    "arriba",
    "abajo",
    "atr[a\u00e1]s",
    "a (?:una|dos|tres|media) cuadras?",
    "para",
    "con",
    "por",
)
_S = "\\s+"


def _phrase(body: str) -> str:
    return _START + body.replace(" ", _S) + _END


# (kind, pattern). Spaces in a pattern stand for any run of white space.
PATTERNS: tuple[tuple[str, str], ...] = (
    # Who they are to someone: my neighbor, our landlord, mi vecino, nuestra jefa.
    ("relation", _phrase(f"(?:my|our) (?:{_ANY_WORD} )?{_RELATIONS_EN}")),
    ("relation", _phrase(f"(?:mis?|nuestr[oa]s?) (?:{_ANY_WORD} )?{_RELATIONS_ES}")),
    # Where they live, work or stand.
    (
        "place",
        _phrase(
            f"(?:I(?:'m| am)?|we(?:'re| are)?) "
            f"(?:live|lived|living|work|worked|working|stay|stayed|staying) {_NEAR}"
        ),
    ),
    ("place", _phrase("where (?:I|we) (?:live|lived|work|worked|stay|stayed)")),
    ("place", _phrase(f"(?:from|in|outside|behind|near) (?:my|our) {_PLACES_EN}")),
    ("place", _phrase(f"(?:my|our) {_PLACES_EN}")),
    ("place", _phrase("(?:next door to|across from|upstairs from|downstairs from) (?:me|us)")),
    (
        "place",
        "(?<!el\\s)(?<!un\\s)(?<!su\\s)(?<!mi\\s)"
        + _phrase(f"(?:vivo|vivimos|viv[i\u00ed]a|trabajo|trabajamos|trabajaba) {_CERCA}"),
    ),
    ("place", _phrase("d[o\u00f3]nde (?:vivo|vivimos|trabajo|trabajamos|viv[i\u00ed]a)")),
    ("place", _phrase(f"(?:desde|en|frente a|afuera de|cerca de) (?:mi|nuestr[oa]) {_PLACES_ES}")),
    ("place", _phrase(f"(?:mi|nuestr[oa]) {_PLACES_ES}")),
    ("place", _phrase("(?:al lado|enfrente|arriba|abajo|frente) (?:de m[i\u00ed]|nuestro)")),
    # Their own name (before "private": unaccented, "me llamo" is also "he called me").
    ("name", _phrase("(?:my name is|I am called|me llamo|mi nombre es)")),
    # Something said or shown to them: only a few people could know it.
    (
        "private",
        _phrase("(?:told|showed|texted|messaged|called|confessed to|admitted to) (?:me|us)"),
    ),
    ("private", _phrase("(?:I|we) overheard")),
    ("private", _phrase("only (?:I|me|we|us) (?:know|knew|saw|heard|was|were)")),
    ("private", _phrase("(?:in private|to my face|in confidence)")),
    (
        "private",
        _phrase(
            "(?:me|nos) (?:dijo|dijeron|cont[o\u00f3]|contaron|mostr[o\u00f3]|ense\u00f1[o\u00f3]"
            "|escribi[o\u00f3]|mand[o\u00f3]|llam[o\u00f3]|confes[o\u00f3]|platic[o\u00f3])"
        ),
    ),
    ("private", _phrase("s[o\u00f3]lo (?:yo|nosotros|nosotras) (?:s[e\u00e9]|sab[i\u00ed]a|vi)")),
    ("private", _phrase("(?:en privado|en confianza|en secreto)")),
    # Phone numbers: 7 to 15 digits with spaces, dots, dashes or brackets, not a date.
    (
        "phone",
        "(?<![0-9A-Za-z+])"
        "(?![0-9]{4}[-.][0-9]{1,2}[-.][0-9]{1,2}(?![0-9]))"
        "(?![0-9]{1,2}[-.][0-9]{1,2}[-.][0-9]{2,4}(?![0-9]))"
        "\\+?\\(?[0-9](?:[ .()-]{0,2}[0-9]){6,14}(?![0-9A-Za-z])",
    ),
    ("email", "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}"),
    ("handle", "(?<![A-Za-z0-9_@.])@[A-Za-z0-9_][A-Za-z0-9_.]{1,28}[A-Za-z0-9_]"),
)

REASONS = {
    "relation": _(
        "It says how you know someone. Few people have that link with them, so it can point to you."
    ),
    "place": _("It says where you live, work or were. That can narrow down who wrote the tip."),
    "private": _(
        "It tells something said or shown to you. Only a few people could know it, and the "
        "person who told you may guess who wrote the tip."
    ),
    "name": _("It gives your name."),
    "phone": _(
        "It is a phone number. If it is yours, or of someone close to you, it can identify you."
    ),
    "email": _(
        "It is an e-mail address. If it is yours, or of someone close to you, it can identify you."
    ),
    "handle": _(
        "It looks like an account name. If it is yours, or of someone close to you, it can "
        "identify you."
    ),
}

# The fields a tipster writes freely. The contact field is not searched: it has its own warning.
SEARCHED_FIELDS = ("what", "where", "when", "people", "vehicles")
# The tipster's answer on the check-back page.
REPLY_FIELDS = ("body",)


@dataclass(frozen=True)
class Cue:
    kind: str
    phrase: str
    start: int
    end: int

    @property
    def reason(self):
        return REASONS[self.kind]


@dataclass(frozen=True)
class FieldCue:
    field: str
    cue: Cue


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in PATTERNS)


def cues_find(text: str) -> list[Cue]:
    """The cues in `text`, in order, none overlapping (at one place the longest wins)."""
    found = []
    for kind, pattern in _compiled():
        for match in pattern.finditer(text or ""):
            if match.end() > match.start():
                found.append(Cue(kind, match.group(0), match.start(), match.end()))
    found.sort(key=lambda cue: (cue.start, -(cue.end - cue.start)))
    kept: list[Cue] = []
    for cue in found:
        if not kept or cue.start >= kept[-1].end:
            kept.append(cue)
    return kept


def cues_in_tip(values: dict[str, str], fields=SEARCHED_FIELDS) -> list[FieldCue]:
    """The cues in the free-text fields of a tip (or of an answer: REPLY_FIELDS), field by
    field in the form's order."""
    return [FieldCue(field, cue) for field in fields for cue in cues_find(values.get(field) or "")]


def patterns_for_script() -> list[dict]:
    """PATTERNS and REASONS as the page's script reads them (json_script)."""
    return [
        {"kind": kind, "pattern": pattern, "reason": str(REASONS[kind])}
        for kind, pattern in PATTERNS
    ]
