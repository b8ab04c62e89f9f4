"""Reading place mentions out of a resident's text: corners, stations, landmarks, cities.

Nothing here picks coordinates among same-named places; ``core.geo.resolve`` does. The rules
that keep a text with no place from getting one:
- a corner needs two known streets that really cross (the pair exists in the gazetteer),
  joined only by connectors and filler words ("y", "con", "/", "la", "Ave", "esquina de");
- a station name counts only right next to a word like "estación", "station", "metro";
- spelling is corrected only for words near a connector or station word, never for
  everyday words, and never the first letter of a short word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from core.geo import vocab
from core.geo.gazetteer import Chain, Gazetteer, Point
from core.geo.names import Alternatives, Span
from core.geo.text import BREAK, reduce_tokens, tokenize

V = TypeVar("V")  # what a span of the gazetteer denotes: a Point, a Chain

MAX_GAP = 4
"""Most tokens between two streets of a corner ("Ave at the corner of")."""
LOOSE_GAP = 6
"""Most words between two streets named without a connector ("Florence casi llegando a la")."""
JOINERS = frozenset("y and & / e n x con".split())
"""Connectors that make a corner out of two names (unlike "near", "at")."""
MAX_CHAIN_MENTIONS = 4
"""Chain-store mentions read per text."""
SHORT_TEXT = 12
"""Texts this short ("Lynwod", "ICE in Huntinton Park") get spelling correction everywhere."""


@dataclass(frozen=True)
class CornerMention:
    """Two street spans that form a known corner."""

    first: Span[str]
    second: Span[str]
    streets: tuple[str, str]  # street keys in the order the text names them
    points: tuple[Point, ...]

    @property
    def edits(self) -> int:
        """Spelling corrections used to read it."""
        return self.first.edits + self.second.edits

    @property
    def freeway(self) -> bool:
        """A freeway by number and its exit: read before "5th St" where both exist."""
        return any(k.startswith(vocab.FREEWAY_PREFIX) for k in self.streets)


@dataclass(frozen=True)
class BetweenMention:
    """ "Pacific entre Florence y Gage": one street and the two corners that bound a block."""

    street: Span[str]
    first: CornerMention
    second: CornerMention


@dataclass(frozen=True)
class AddressMention:
    """ "6500 Pacific Blvd": a house number and the street span after it."""

    number: int
    street: Span[str]


@dataclass(frozen=True)
class ChainMention:
    """A chain store ("el Home Depot") and what the text names beside it to tell which."""

    chain: Span[Chain]
    streets: tuple[str, ...] = ()  # street keys named right after (or before) it
    places: tuple[Point, ...] = ()  # a city or neighbourhood named beside it


@dataclass
class Mentions:
    """Everything place-like found in one text."""

    tokens: list[str]
    streets: list[Span[str]] = field(default_factory=list)
    between: list[BetweenMention] = field(default_factory=list)
    addresses: list[AddressMention] = field(default_factory=list)
    chains: list[ChainMention] = field(default_factory=list)
    corners: list[CornerMention] = field(default_factory=list)
    loose_corners: list[CornerMention] = field(default_factory=list)
    stations: list[Span[Point]] = field(default_factory=list)
    landmarks: list[Span[Point]] = field(default_factory=list)
    cities: list[Span[Point]] = field(default_factory=list)


def parse(text: str, gaz: Gazetteer) -> Mentions:
    """Find corner, station, landmark and city mentions in ``text`` (any str; never raises)."""
    tokens = tokenize(text)
    found = Mentions(tokens)
    alts = _alternatives(tokens, gaz)
    streets = [
        s
        for s in gaz.street_names.find(alts)
        if tokens[s.start] != BREAK and not _everyday_noun(tokens, s)
    ]
    found.streets = streets
    found.corners = _corners(tokens, streets, gaz)
    found.between = _between(tokens, streets, gaz)
    found.addresses = _addresses(tokens, streets, gaz)
    if not found.corners:
        found.loose_corners = _loose_corners(tokens, streets, gaz)
    reduced, where = reduce_tokens(tokens)
    reduced_alts = [alts[i] for i in where]
    found.stations = [
        _remap(s, where)
        for s in gaz.stations.find(reduced_alts, max_edits=1)
        if _near_trigger(reduced, s)
    ]
    found.landmarks = [
        _remap(s, where)
        for s in gaz.landmarks.find(reduced_alts, max_edits=1)
        if _distinctive(s.name, s.edits)
    ]
    used = _street_positions(found.corners + found.loose_corners)
    named = [(s.start, s.end) for s in found.landmarks + found.stations]
    found.cities = [
        s
        for s in gaz.cities.find(alts, max_edits=1)
        if _is_city(tokens, s, used, gaz)
        # "Rolling Hills Park", "Santa Monica Mountains Conservancy": part of a longer name
        and not any(a <= s.start and s.end <= b and b - a > s.size for a, b in named)
    ]
    chains = [_remap(s, where) for s in gaz.chains.find(reduced_alts, max_edits=1)]
    # "Home Depot" is not also the store called "Home": a chain inside a longer one is not read.
    outer: list[Span[Chain]] = []
    for c in sorted(chains, key=lambda c: (c.start, -c.end)):
        if not outer or c.end > outer[-1].end:
            outer.append(c)
    chains = outer
    # "home depot home depot home depot…": the first few mentions say all there is.
    found.chains = [_qualify(tokens, c, streets, gaz) for c in chains[:MAX_CHAIN_MENTIONS]]
    return found


def _distinctive(name: str, edits: int) -> bool:
    """A landmark name that is not everyday words ("right now", "family"): some word of it
    is no common word, and a corrected one is long enough not to be a chance hit."""
    words = name.split()
    return any(w not in vocab.COMMON_WORDS for w in words) and (edits == 0 or len(name) >= 8)


def _qualify(
    tokens: list[str], chain: Span[Chain], streets: list[Span[str]], gaz: Gazetteer
) -> ChainMention:
    """What names the store: a street or city right after the chain ("el Home Depot de
    Slauson", "Food 4 Less on Pacific") or right before it ("the Slauson Home Depot")."""
    places: list[Point] = []
    i = chain.end
    while i < len(tokens) and i - chain.end < 3 and tokens[i] in QUALIFIER_GAP:
        i += 1
    area_end = i
    before = tokens[i - 1] if i > chain.end else ""
    for c in gaz.cities.find([[(t, 0)] for t in tokens[i : i + 6]], max_edits=0):
        after = tokens[i + c.end] if i + c.end < len(tokens) else ""
        # "de la Pasadena", "on Pasadena Ave" name the avenue; "de Pasadena", "in Hawthorne"
        # the city: then the street of that name is no reading at all.
        if c.start == 0 and before not in vocab.STREET_MARKERS and after not in vocab.STREET_TYPES:
            places.extend(c.values)
            area_end = max(area_end, i + c.end)
    keys: list[str] = []
    for s in streets:
        if places and chain.end <= s.start < area_end:
            continue
        gap = tokens[chain.end : s.start] if s.start >= chain.end else tokens[s.end : chain.start]
        if (s.start >= chain.end or s.end <= chain.start) and len(gap) <= 3:
            if all(t in QUALIFIER_GAP for t in gap):
                keys.extend(k for k in s.values if k not in keys)
    return ChainMention(chain, tuple(keys), tuple(places))


QUALIFIER_GAP = vocab.REDUCIBLE | vocab.FILLERS | frozenset("in near off por sobre cerca".split())
BETWEEN_WORDS = frozenset("entre between".split())


def _between(tokens: list[str], streets: list[Span[str]], gaz: Gazetteer) -> list[BetweenMention]:
    """ "<street> entre <street> y <street>": both corners must exist."""
    by_start: dict[int, list[Span[str]]] = {}
    for s in streets:
        by_start.setdefault(s.start, []).append(s)
    out: list[BetweenMention] = []
    for a in streets:
        i = a.end
        while i < len(tokens) and tokens[i] in vocab.FILLERS:
            i += 1
        if i >= len(tokens) or tokens[i] not in BETWEEN_WORDS:
            continue
        i += 1
        while i < len(tokens) and tokens[i] in vocab.FILLERS:
            i += 1
        for b in by_start.get(i, ()):
            for gap in range(1, MAX_GAP + 1):
                if not _gap_ok(tokens[b.end : b.end + gap]):
                    continue
                for c in by_start.get(b.end + gap, ()):
                    ab, ac = _pairs(a, b, gaz), _pairs(a, c, gaz)
                    if ab and ac:
                        out.append(BetweenMention(a, ab[0], ac[0]))
    return out


def _addresses(tokens: list[str], streets: list[Span[str]], gaz: Gazetteer) -> list[AddressMention]:
    """A house number right before a street ("6500 Pacific", "1200 W 7th St")."""
    out = []
    for s in streets:
        i = s.start - 1
        if i >= 0 and tokens[i] in vocab.DIRECTIONS:
            i -= 1
        if i < 0 or not tokens[i].isdigit() or not 2 <= len(tokens[i]) <= 6:
            continue
        if tokens[i] in gaz.readable_zips or (i > 0 and tokens[i - 1] in vocab.PLATE_WORDS):
            continue
        if any(k in gaz.houses for k in s.values):
            out.append(AddressMention(int(tokens[i]), s))
    return out


def _everyday_noun(tokens: list[str], span: Span[str]) -> bool:
    """ "the park", "the church": after "the" an everyday word is a thing, not a street,
    unless a street type follows ("the Park Ave")."""
    before = tokens[span.start - 1] if span.start > 0 else ""
    after = tokens[span.end] if span.end < len(tokens) else ""
    common = span.name in vocab.LOOSE_SKIP or span.name in vocab.COMMON_WORDS
    return before == "the" and common and after not in vocab.STREET_TYPES


def _street_positions(corners: list[CornerMention]) -> set[int]:
    """Token positions read as streets of a corner: not city names ("Compton y Gage")."""
    return {i for c in corners for s in (c.first, c.second) for i in range(s.start, s.end)}


def _alternatives(tokens: list[str], gaz: Gazetteer) -> Alternatives:
    """Per token, the known words it may be: itself, or spelling corrections when eligible."""
    near = _correctable_positions(tokens)
    out: list[list[tuple[str, int]]] = []
    for i, tok in enumerate(tokens):
        freeway = _freeway_key(tokens, i, gaz)
        if freeway is not None:
            out.append([(freeway, 0), (tok, 0)])
        elif tok in vocab.SPANISH_NAMES:
            out.append([(tok, 0), (vocab.SPANISH_NAMES[tok], 0)])
        elif tok in gaz.known_words:
            # A known word may still be a typo of a commoner one ("estate" → "state").
            extra = (
                gaz.speller.candidates(tok) if i in near and tok not in gaz.speller.words else []
            )
            out.append([(tok, 0)] + [c for c in extra if c[0] != tok][:2])
        elif i in near:
            out.append(gaz.speller.candidates(tok))
        else:
            out.append([])
    return out


def _freeway_key(tokens: list[str], i: int, gaz: Gazetteer) -> str | None:
    """The freeway key a route number stands for here ("the 5 at", "la 710 y", "i5"), or None."""
    tok = tokens[i]
    if tok[:1] == "i" and tok[1:].isdigit():
        tok = tok[1:]
    elif not tok.isdigit() or len(tok) > 3:
        return None
    else:
        before = tokens[i - 1] if i > 0 else ""
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if before not in vocab.FREEWAY_BEFORE and after not in vocab.FREEWAY_AFTER:
            return None
    key = f"{vocab.FREEWAY_PREFIX}{int(tok)}"
    return key if key in gaz.street_id else None


def _correctable_positions(tokens: list[str]) -> set[int]:
    # Correcting every word of a 1,600-character text would be slow and would invent
    # streets; a typo matters only where a place is being named.
    if len(tokens) <= SHORT_TEXT:
        return set(range(len(tokens)))
    anchors = [
        i for i, t in enumerate(tokens) if t in vocab.CONNECTORS or t in vocab.STATION_TRIGGERS
    ]
    return {j for i in anchors for j in range(i - 3, i + 4) if 0 <= j < len(tokens)}


def _corners(tokens: list[str], streets: list[Span[str]], gaz: Gazetteer) -> list[CornerMention]:
    """Pairs of street spans joined by a connector that exist as a corner, best first."""
    by_start: dict[int, list[Span[str]]] = {}
    for s in streets:
        by_start.setdefault(s.start, []).append(s)
    out: list[CornerMention] = []
    for a in streets:
        for gap in range(0, MAX_GAP + 1):
            if not _gap_ok(tokens[a.end : a.end + gap]):
                continue
            for b in by_start.get(a.end + gap, ()):
                out.extend(_pairs(a, b, gaz))
    out.sort(key=lambda c: (c.edits, not c.freeway, -(c.first.size + c.second.size), c.first.start))
    return out


def _loose_corners(
    tokens: list[str], streets: list[Span[str]], gaz: Gazetteer
) -> list[CornerMention]:
    """Two streets that cross, named close together in one phrase without a connector
    ("en la Florence casi llegando a la Pacific"); only exact, distinctive names."""
    exact = [s for s in streets if s.edits == 0]
    out: list[CornerMention] = []
    named: dict[tuple[tuple[str, ...], tuple[str, ...]], bool] = {}  # pairs already tried
    for i, a in enumerate(exact):
        for b in exact[i + 1 :]:  # spans come sorted by start
            if b.start > a.end + LOOSE_GAP:
                break
            gap = tokens[a.end : b.start]
            if b.start < a.end or BREAK in gap:
                continue
            if a.name in vocab.LOOSE_SKIP and b.name in vocab.LOOSE_SKIP:
                continue
            # "home depot home depot…": each pair of names is looked up once.
            seen = (a.values, b.values)
            if named.get(seen) is False:
                continue
            named[seen] = False
            # Without a connector, only corners people name (a transit stop is named after
            # them; OSM-only crossings weigh 0): "Santa Ana winds and Santa Fe trains".
            for c in _pairs(a, b, gaz):
                points = tuple(p for p in c.points if p.weight > 0)
                if points:
                    named[seen] = True
                    out.append(CornerMention(c.first, c.second, c.streets, points))
    return out


def _pairs(a: Span[str], b: Span[str], gaz: Gazetteer) -> list[CornerMention]:
    out = []
    for ka in a.values:
        for kb in b.values:
            key = (ka, kb) if ka < kb else (kb, ka)
            points = gaz.corners.get(key) if ka != kb else None
            if points:
                out.append(CornerMention(a, b, (ka, kb), tuple(points)))
    return out


def _gap_ok(gap: list[str]) -> bool:
    """Only connectors and filler words, with at least one connector ("y la", "Ave at")."""
    if not gap:
        return False
    if any(
        t not in vocab.CONNECTORS and t not in vocab.FILLERS and t not in vocab.STREET_TYPES
        for t in gap
    ):
        return False
    return any(t in vocab.CONNECTORS for t in gap)


def _near_trigger(reduced: list[str], span: Span[Point]) -> bool:
    # Right next to it once articles are gone: "estación (de) Florence", "Florence (Metro)
    # station"; in "Imperial/Wilmington station" the word belongs to the corner, not Imperial.
    i, j = span.start - 1, span.end
    while i >= 0 and reduced[i] in vocab.LINE_WORDS:
        i -= 1
    while j < len(reduced) and reduced[j] in vocab.LINE_WORDS:
        j += 1
    before = reduced[i] if i >= 0 else ""
    after = reduced[j] if j < len(reduced) else ""
    return before in vocab.STATION_TRIGGERS or after in vocab.STATION_TRIGGERS


def _remap(span: Span[V], where: list[int]) -> Span[V]:
    """A span over reduced tokens → the same span over the original tokens."""
    return Span(where[span.start], where[span.end - 1] + 1, span.name, span.values, span.edits)


def _is_city(tokens: list[str], span: Span[Point], used: set[int], gaz: Gazetteer) -> bool:
    """A city name, not a street that shares it ("la Compton", "Bell Ave", "Bell y Gage")."""
    if span.name in vocab.NOT_CITIES or any(i in used for i in range(span.start, span.end)):
        return False
    before = tokens[span.start - 1] if span.start > 0 else ""
    after = tokens[span.end] if span.end < len(tokens) else ""
    if before in vocab.STREET_MARKERS or before == "the" or after in vocab.STREET_TYPES:
        return False
    standalone = before in ("", BREAK) and after in ("", BREAK)  # "Paramount, hay agentes"
    if (
        span.name in vocab.WORDY_CITIES
        and before not in vocab.PLACE_PREPOSITIONS
        and not standalone
    ):
        return False
    # Joined to a street ("Bell y Gage") it is half of a corner we could not find: a street.
    if after in JOINERS and _word_from(tokens, span.end + 1, 1) in gaz.street_words:
        return False
    return not (before in JOINERS and _word_from(tokens, span.start - 2, -1) in gaz.street_words)


def _word_from(tokens: list[str], i: int, step: int) -> str:
    """First token from ``i`` going ``step`` that is not an article or street type."""
    while 0 <= i < len(tokens) and tokens[i] in vocab.FILLERS:
        i += step
    return tokens[i] if 0 <= i < len(tokens) else ""
