"""Text folding and tokenizing shared by the gazetteer build and the runtime parser.

Both sides must fold names the same way, or "Florence Ave" in a stop name and "florence" in
a text would never meet; that is why this is one module.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from core.geo import vocab

BREAK = "|"
"""Token standing for punctuation that ends a phrase (a corner never spans it)."""

MAX_TEXT_CHARS = 2000
"""Longer texts are cut: an SMS is at most ~1,600 characters, and parsing must stay fast."""

_ORDINAL = re.compile(
    r"^(\d{1,3})(?:st|nd|rd|th|ra|da|ta|va|na|ma|mo|er|era|ero|ro|do|to|vo|no|a|o)$"
)
_ABBREV_DOT = re.compile(
    r"\b(st|ave|av|blvd|bl|dr|rd|jr|hwy|pl|mt|ft|sta|n|s|e|w)\.", re.IGNORECASE
)
# "&", "/", "@", "+" join corners; keep them as tokens of their own.
_JOINERS = re.compile(r"\s*([&/@+])\s*")
_BREAKERS = re.compile(r"[,;:!?()\[\]{}<>\"\n\r\t.…¡¿]+")
_NON_WORD = re.compile(r"[^a-z0-9&/@+|' ]+")


@functools.lru_cache(maxsize=256)
def fold(text: str) -> str:
    """Lowercase, strip accents and odd marks; ``"Estación"`` → ``"estacion"``.

    Cached: one text is folded by the ZIP finder, the place matcher and the parser.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed.lower()
    kept = (
        c
        for c in decomposed
        if c < "\x80" or (not unicodedata.combining(c) and unicodedata.category(c) != "Cf")
    )
    return "".join(kept).lower()


def tokenize(text: str) -> list[str]:
    """Split a text into folded tokens; punctuation becomes ``BREAK``, ordinals lose suffixes.

    ``"ICE @ Pacific/Florence, 103rd St."`` → ``["ice", "at", "pacific", "/", "florence",
    "|", "103", "st", "|"]``.
    """
    s = fold(text[:MAX_TEXT_CHARS])
    s = _ABBREV_DOT.sub(r"\1 ", s)  # "St." is an abbreviation, not the end of a phrase
    s = _JOINERS.sub(r" \1 ", s)
    s = _BREAKERS.sub(f" {BREAK} ", s)
    s = s.replace("-", " ").replace("_", " ")
    s = _NON_WORD.sub(" ", s).replace("'", "")
    out: list[str] = []
    for raw in s.split():
        tok = _normal_token(raw)
        if tok == BREAK and out and out[-1] == BREAK:
            continue
        out.append(tok)
    return out


def _normal_token(tok: str) -> str:
    if tok == "@":
        return "at"
    if tok == "+":
        return "&"
    m = _ORDINAL.match(tok)
    if m:
        return str(int(m.group(1)))
    return vocab.NUMBER_WORDS.get(tok, tok)


_LETTERED = frozenset("avenue av ave avenida".split())


def street_key(name: str) -> str:
    """Canonical key of a street name from the data: ``"S Central Ave."`` → ``"central"``.

    Drops a leading direction and a trailing type (Ave, St, Blvd...) when something remains,
    so the key is what residents actually say.
    """
    toks = [t for t in tokenize(name) if t != BREAK]
    while len(toks) > 2 and toks[0] in vocab.DIRECTIONS:
        toks.pop(0)
    if len(toks) >= 2 and toks[0] in _LETTERED and len(toks[1]) == 1:
        # The letter of "East Avenue S" (the Antelope Valley's lettered avenues, "Avenue K-8")
        # is its name, not a direction.
        return " ".join(toks)
    # "10th Street West" (the Antelope Valley's grid) as well as "Florence Ave E".
    while len(toks) > 1 and (toks[-1] in vocab.STREET_TYPES or toks[-1] in vocab.DIRECTIONS):
        toks.pop()
    while len(toks) > 1 and toks[0] in vocab.DIRECTIONS:
        toks.pop(0)
    return " ".join(toks)


def street_key_variants(key: str) -> set[str]:
    """Other ways people write the same street: "martin luther king jr" → "mlk", ...

    Returned keys include ``key`` itself.
    """
    out = {key}
    toks = key.split()
    if len(toks) > 2:
        # Middle initials ("Cesar E Chavez") are rarely typed.
        out.add(" ".join(t for i, t in enumerate(toks) if len(t) > 1 or i in (0, len(toks) - 1)))
    if toks and toks[-1] == "jr" and len(toks) > 1:
        out.add(" ".join(toks[:-1]))
    for full, short in vocab.STREET_ALIASES.items():
        if key == full or key.startswith(full + " "):
            out.add(short + key[len(full) :])
    return {v for v in out if v}


def reduce_tokens(tokens: list[str]) -> tuple[list[str], list[int]]:
    """Tokens without articles, prepositions and street types, and each one's original index.

    Used to match names of stations, landmarks and coordinator places.
    """
    kept = [(t, i) for i, t in enumerate(tokens) if t not in vocab.REDUCIBLE]
    return [t for t, _ in kept], [i for _, i in kept]


def reduced_name(name: str) -> str:
    """A name folded and reduced the way ``reduce_tokens`` reads texts."""
    toks = [t for t in tokenize(name) if t not in (BREAK, "/")]
    return " ".join(reduce_tokens(toks)[0])
