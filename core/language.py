"""Guessing whether a resident wrote in Spanish or English, to answer in kind (Spanish when
unsure)."""

import re

from core.enums import Language

_SPANISH = {
    "la",
    "el",
    "en",
    "y",
    "esta",
    "están",
    "estan",
    "hay",
    "migra",
    "agentes",
    "esquina",
    "calle",
    "de",
    "con",
    "que",
    "los",
    "las",
    "por",
    "aqui",
    "aquí",
    "donde",
    "dónde",
    "ayuda",
    "si",
    "sí",
    "se",
    "llevaron",
    "otra",
    "vez",
    "ya",
    "fueron",
    "una",
    "un",
    "del",
    "cerca",
    "estación",
    "estacion",
}
_ENGLISH = {
    "the",
    "at",
    "on",
    "is",
    "are",
    "and",
    "near",
    "there",
    "they",
    "agents",
    "corner",
    "street",
    "in",
    "of",
    "with",
    "right",
    "now",
    "still",
    "help",
    "yes",
    "taking",
    "people",
    "back",
    "here",
}
_WORD = re.compile(r"[a-záéíóúñü]+")


def detect(text: str, default: Language = Language.ES) -> Language:
    words = _WORD.findall(text.lower())
    spanish = sum(w in _SPANISH for w in words)
    english = sum(w in _ENGLISH for w in words)
    if english > spanish:
        return Language.EN
    if spanish > english:
        return Language.ES
    return default
