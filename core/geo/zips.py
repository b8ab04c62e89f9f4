"""Five-digit ZIP codes named in a text ("ICE en 90255")."""

from __future__ import annotations

import re
from collections.abc import Container

from core.geo import vocab
from core.geo.text import fold

# Not part of a longer run of digits (phone numbers, amounts, plates like "7ABC12345"),
# nor glued to letters (but "CA90255" is); ZIP+4 ("90255-1234") is still a ZIP.
_ZIP = re.compile(r"(?:(?<=ca)|(?<![\w$.#/-]))(\d{5})(?:-\d{4})?(?![\w/]|[.,]\d|-\d)")


def find_zips(text: str, known: frozenset[str] | set[str]) -> list[str]:
    """ZIPs of the region named in ``text``, in order; unknown 5-digit numbers are ignored."""
    folded = fold(text)
    out: list[str] = []
    for m in _ZIP.finditer(folded):
        z = m.group(1)
        if z in known and z not in out and not _after_plate_word(folded, m.start()):
            out.append(z)
    return out


def _after_plate_word(folded: str, start: int) -> bool:
    before = folded[max(0, start - 20) : start].replace(":", " ").split()
    return bool(before) and before[-1] in vocab.PLATE_WORDS


_FAR_CONTEXT = vocab.PLACE_PREPOSITIONS | frozenset("zip codigo postal cp area zona".split())


def find_far_zips(text: str, known: Container[str]) -> list[str]:
    """ZIPs elsewhere in the country, only where the text introduces them as a place ("migra
    en 60601", "zip 60601") or is nothing else ("60601"): a 5-digit number inside other words
    is as likely an amount or a code."""
    folded = fold(text)
    out: list[str] = []
    for m in _ZIP.finditer(folded):
        z = m.group(1)
        before = folded[max(0, m.start() - 20) : m.start()].replace(":", " ").split()
        # A ZIP typed alone is the answer to "where?" (we ask for a corner or a ZIP).
        alone = not folded[: m.start()].strip(_PUNCT) and not folded[m.end() :].strip(_PUNCT)
        if z in known and z not in out and (alone or (before and before[-1] in _FAR_CONTEXT)):
            out.append(z)
    return out


_PUNCT = " \t\n.,;:!?¡¿#"
