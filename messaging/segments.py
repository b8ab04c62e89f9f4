"""How many SMS segments a body costs, the way carriers (and Twilio's own calculator) count them.

A body is GSM-7 when every character is in the GSM 03.38 basic set or its extension table;
otherwise the whole body is UCS-2. Spanish é ñ ü ¿ ¡ are GSM-7; á í ó ú Á Í Ó Ú are not, and one
of them turns a 160-character text into a 70-character one (see shared/twilio/CONTRACT.md §5).

    encoding   single   per part of a multi-part text
    GSM-7      160      153 septets (extension chars cost 2 and never straddle two parts)
    UCS-2       70       67 UTF-16 units (a non-BMP char costs 2 and never straddles two parts)
"""

import math
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")  # sent as ESC + char: two septets each

LIMITS: dict[Encoding, tuple[int, int]] = {"GSM-7": (160, 153), "UCS-2": (70, 67)}

# Letters that cost a Spanish text its GSM-7 encoding, and the plain letter that reads as well.
_TO_GSM = str.maketrans(
    {
        "á": "a",
        "í": "i",
        "ó": "o",
        "ú": "u",
        "Á": "A",
        "Í": "I",
        "Ó": "O",
        "Ú": "U",
        "À": "A",
        "ç": "c",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
        "…": "...",
        "\u00a0": " ",
    }
)


def encoding(body: str) -> Encoding:
    """``"GSM-7"`` when every character of ``body`` has a GSM 03.38 code, else ``"UCS-2"``."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in body):
        return "GSM-7"
    return "UCS-2"


def _unit_costs(body: str, enc: Encoding) -> list[int]:
    if enc == "GSM-7":
        return [2 if ch in GSM_EXTENSION else 1 for ch in body]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in body]  # surrogate pair = 2 UTF-16 units


def units(body: str) -> int:
    """Septets (GSM-7) or UTF-16 code units (UCS-2) that ``body`` occupies."""
    return sum(_unit_costs(body, encoding(body)))


def count_segments(body: str) -> int:
    """Segments ``body`` is billed and delivered as; an empty body counts as 1."""
    enc = encoding(body)
    costs = _unit_costs(body, enc)
    single, part = LIMITS[enc]
    if sum(costs) <= single:
        return 1
    if all(c == 1 for c in costs):
        return math.ceil(len(costs) / part)
    # A two-unit character must sit whole inside one part: pack greedily, as handsets do.
    segments, used = 1, 0
    for cost in costs:
        if used + cost > part:
            segments, used = segments + 1, 0
        used += cost
    return segments


def gsm_safe(text: str) -> str:
    """``text`` with á í ó ú (and typographic quotes/dashes) replaced by GSM-7 look-alikes.

    For text we do not control inside a template (a place name a resident typed), so one accent
    does not halve what fits in a segment. ñ, é, ü, ¿, ¡ are GSM-7 and are kept.
    """
    return text.translate(_TO_GSM)
