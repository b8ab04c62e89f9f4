"""What an inbound text means when it is a command rather than a report.

Keywords match the whole body (after trimming punctuation, accents and case), as carriers do:
"stop" is an opt-out, "stop by the store" is not. Responder answers may carry an incident number
("12 SI", "#12 voy") or not ("VOY").
"""

import re
import unicodedata
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Command:
    name: (
        str  # opt_out, opt_in, help, yes, or a responder action (confirm, false, on_my_way, clear)
    )
    incident_id: int | None = None


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
