"""What an inbound text means when it is a command rather than a report.

Keywords match the whole body (after trimming punctuation, accents and case), as carriers do:
"stop" is an opt-out, "stop by the store" is not. Responder answers may carry an incident number
("12 SI", "#12 voy") or not ("VOY").
"""

import re
import unicodedata
from dataclasses import dataclass

from core.enums import Language

OPT_OUT = {
    "STOP",
    "STOPALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "REVOKE",
    "OPTOUT",
    "PARA",
    "PARAR",
    "ALTO",
    "BASTA",
    "CANCELAR",
    "BAJA",
}
OPT_IN = {"START", "UNSTOP", "ALTA", "INICIO"}
HELP = {"HELP", "INFO", "AYUDA"}
YES = {"YES", "SI", "Y", "S"}

RESPONDER_ACTIONS = {
    "confirm": {"SI", "YES", "CONFIRM", "CONFIRMO", "CONFIRMADO", "Y", "S"},
    "false": {"NO", "FALSO", "FALSE", "FALSA", "N"},
    "on_my_way": {"VOY", "OMW", "ENCAMINO", "ONMYWAY", "VOYENCAMINO"},
    "clear": {"LISTO", "CLEAR", "TERMINADO", "ALLCLEAR", "DONE"},
}

_ANSWER = re.compile(r"^#?(?P<num>\d{1,7})?\s*(?P<word>[A-Z ]{1,20})\s*#?(?P<num2>\d{1,7})?$")


JOIN = {"JOIN", "UNIRSE", "UNIRME", "INSCRIBIR", "INSCRIBIRME"}
ENGLISH_JOIN = {"JOIN"}
_JOIN = re.compile(r"^(?P<word>[A-Z]+)(?:\s+(?P<zip>\d{5}))?$")
_ZIP = re.compile(r"\b(\d{5})\b")

# Signs of a sighting, folded (upper case, no accents); a word matches at its start, so
# "AGENTE" covers "agentes", "DETEN" covers "detenido/deteniendo". Kept small on purpose: a text
# that names a place is a report too, so this only has to catch the placeless first message of
# a report ("hay migra!!", "ICE here, 2 vans", "they are taking people"). ``core.intent`` reads
# them, with what tells a sighting from a question, a rumour or a past event.
SIGHTING_WORDS = (
    "MIGRA",
    "ICE",
    "AGENTE",
    "REDADA",
    "RAID",
    "INMIGRACION",
    "IMMIGRATION",
    "FEDERALES",
    "FEDS",
    "PATRULLA",
    "BORDER PATROL",
    "CAMIONETA",
    "VANS",
    "DETIENEN",
    "DETEN",
    "DETAIN",
    "ARREST",
    "AGARRA",
    "LEVANTA",
    "SE LLEVARON",
    "SE LLEVAN",
    "TAKING PEOPLE",
    "TOOK",
    "ENMASCARADO",
    "MASKED",
    "AGENTS",
    "CHECKPOINT",
    "RETEN",
    # Word of a raid going on or ending is about a sighting too ("ya se fueron?", "siguen ahi").
    "SE FUERON",
    "THEY LEFT",
    "SIGUEN",
    "STILL THERE",
)

# A responder on scene who sees nothing: coordinators must see it, it never confirms anything.
NEGATIVE_PHRASES = (
    "NO HAY NADA",
    "NO HAY NADIE",
    "NO VEO NADA",
    "NO VEO A NADIE",
    "NO VEO NADIE",
    "NO ESTAN",
    "YA NO ESTAN",
    "NADA AQUI",
    "NADIE AQUI",
    "NO HAY AGENTES",
    "NO HAY MIGRA",
    "FALSO",
    "FALSA",
    "NOTHING HERE",
    "NOBODY HERE",
    "NO ONE HERE",
    "NOBODY THERE",
    "NOTHING THERE",
    "DON T SEE ANYONE",
    "DONT SEE ANYONE",
    "SEE NOTHING",
    "SEE NOBODY",
    "NO AGENTS",
    "NO ICE",
    "FALSE ALARM",
)
_NEGATIVE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in NEGATIVE_PHRASES) + r")\b")


@dataclass(frozen=True)
class Command:
    name: str  # opt_out, opt_in, help, yes, join, or a responder action (confirm, false, …)
    incident_id: int | None = None
    zip_code: str | None = None  # JOIN 90255
    language: Language | None = None  # the language of the word, where it tells (JOIN/UNIRSE)


def fold(body: str) -> str:
    """Upper case, accents off, surrounding punctuation and emoji off, inner spaces collapsed."""
    text = unicodedata.normalize("NFKD", body)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w#\s]", " ", text.upper())
    return " ".join(text.split())


def parse_keyword(body: str) -> Command | None:
    """Opt-out, opt-in, help and plain yes: the words anyone (subscriber or not) may send."""
    word = fold(body).replace(" ", "")
    if word in OPT_OUT:
        return Command("opt_out")
    if word in OPT_IN:
        return Command("opt_in")
    if word in HELP:
        return Command("help")
    if word in YES:
        return Command("yes")
    return None


def parse_responder_answer(body: str) -> Command | None:
    """A responder's answer to an alert: ``12 SI``, ``OMW 12``, ``#12 listo``, ``falso``."""
    match = _ANSWER.match(fold(body))
    if not match:
        return None
    word = match["word"].replace(" ", "")
    number = match["num"] or match["num2"]
    for action, words in RESPONDER_ACTIONS.items():
        if word in words:
            return Command(action, int(number) if number else None)
    return None


def parse_join(body: str) -> Command | None:
    """``JOIN 90255`` / ``UNIRSE 90255`` (or the word alone): a resident signing up by text."""
    match = _JOIN.match(fold(body))
    if not match or match["word"] not in JOIN:
        return None
    language = Language.EN if match["word"] in ENGLISH_JOIN else Language.ES
    return Command("join", zip_code=match["zip"], language=language)


def zip_in(body: str) -> str | None:
    """The first five-digit number in the text (the ZIP a sign-up question asked for)."""
    match = _ZIP.search(body)
    return match[1] if match else None


def is_negative(body: str) -> bool:
    """A responder's "no hay nada" / "nothing here" / "no veo a nadie de ICE"."""
    return _NEGATIVE.search(fold(body)) is not None


def has_sighting_words(body: str) -> bool:
    """The text tells of agents about now ("hay migra", "ICE here", "se llevaron a 2"): not a
    question, a sign-up, a rumour or a past event (``core.intent.classify``)."""
    from core.intent import Intent, classify  # core.intent reads this module's word list

    return classify(body) == Intent.SIGHTING
