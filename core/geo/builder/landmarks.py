"""Named places residents use as landmarks, with the words they use for them.

- A name that one place holds ("MacArthur Park", "Miles Elementary School") is a landmark,
  with resident phrasings as aliases: "parque MacArthur", "la escuela Miles", "la swap meet
  de San Fernando".
- A name many places hold ("The Home Depot", "Food 4 Less") is a chain: each store keeps the
  streets near it, so "el Home Depot de Slauson" picks one store and "el Home Depot" alone
  picks none.
- Transit-stop landmarks ("Compton High School") and the LA communities GeoNames lacks are
  kept from the first gazetteer.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from core.geo.builder import transit
from core.geo.builder.cluster import cluster_points
from core.geo.text import BREAK, reduce_tokens, reduced_name, tokenize

CHAIN_MIN = 3
"""A name held by this many places (apart) is a chain."""
SAME_PLACE_M = 150
"""Points of one name this close are one place (a park's several entries)."""
MIN_NAME_CHARS = 5

CHAIN_KINDS = frozenset({"store", "place"})
"""Only businesses are chains; three "Lincoln Park"s are three parks, told apart by region."""
SKIP_CLASSES = frozenset("parking bicycle_parking information kiosk bench toilets".split())

# Words that say what a place is, → how residents put it before or after the rest of the
# name. Multi-word types first.
TYPE_WORDS: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (("swap", "meet"), ("swap meet", "swapmeet", "swap", "segunda", "tianguis")),
    (("car", "wash"), ("car wash", "carwash", "lavado", "lavado de carros")),
    (("federal", "building"), ("federal building", "edificio federal")),
    (("health", "center"), ("clinica", "clinic")),
    (("elementary",), ("escuela", "school", "primaria")),
    (("middle",), ("escuela", "school", "secundaria")),
    (("high",), ("escuela", "school", "high", "prepa", "preparatoria")),
    (("school",), ("escuela", "school")),
    (("academy",), ("escuela", "school", "academia")),
    (("park",), ("parque", "park")),
    (("church",), ("iglesia", "church")),
    (("parish",), ("iglesia", "church", "parroquia")),
    (("clinic",), ("clinica", "clinic")),
    (("hospital",), ("hospital",)),
    (("library",), ("biblioteca", "library")),
    (("courthouse",), ("corte", "courthouse")),
    (("market",), ("mercado", "market")),
    (("supermarket",), ("mercado", "market")),
    (("mall",), ("mall", "plaza")),
    (("plaza",), ("plaza",)),
    (("college",), ("colegio", "college")),
    (("station",), ("estacion", "station")),
]
CLASS_KIND = {
    "school": "school",
    "college": "school",
    "kindergarten": "school",
    "park": "park",
    "place_of_worship": "church",
    "hospital": "clinic",
    "doctors": "clinic",
    "town_hall": "civic",
    "grocery": "store",
    "shop": "store",
    "doityourself": "store",
    "hardware": "store",
    "car": "store",
}
GENERIC_WORDS = transit.GENERIC | {
    w for words, heads in TYPE_WORDS for w in words + tuple(" ".join(heads).split())
}

CITY_ALIASES = {
    "Huntington Park": ["hp", "huntington pk", "huntington prk", "huntington"],
    "South Gate": ["southgate", "sg"],
    "Florence-Firestone": ["florence firestone", "florencia firestone"],
    "East Los Angeles": ["east la", "ela", "east los", "este de los angeles", "este los angeles"],
    "Commerce": ["city of commerce"],
    "Bell Gardens": ["bellgardens"],
    "Avalon": ["catalina", "isla catalina", "santa catalina", "catalina island", "avalon catalina"],
    "Santa Clarita": ["scv", "santa clarita valley"],
}
# Communities residents name that GeoNames files under "Los Angeles" (or shares a ZIP with a
# neighbour); each is the mean of the ZIP centroids that cover most of it.
COMMUNITY_ZIPS = {
    "Florence-Firestone": ["90001"],
    "Walnut Park": ["90255"],
    "Watts": ["90002"],
    "Willowbrook": ["90059"],
    "Commerce": ["90040"],
    "Vernon": ["90058"],
    "East Los Angeles": ["90022"],
    "Boyle Heights": ["90033"],
}
# Cities whose only ZIP is shared with a neighbour (Bell's own, 90202, is PO boxes): the median
# of the stops of their own city shuttle.
COMMUNITY_FEEDS = {"Cudahy": "cudahy_stops.txt", "Bell": "lacampana_stops.txt"}
OSM_PLACE_CLASSES = frozenset("city town village suburb neighbourhood neighborhood quarter".split())


def _tokens(name: str) -> list[str]:
    return [t for t in tokenize(name) if t not in (BREAK, "/")]


def _type_at_end(toks: list[str]) -> tuple[int, tuple[str, ...]] | None:
    """Where the run of type words that ends a name starts ("huntington park HIGH SCHOOL"),
    and the heads residents use for its first type; None when the name ends otherwise."""
    start, heads = len(toks), None
    while start > 0:
        for words, hs in TYPE_WORDS:
            n = len(words)
            if start >= n and tuple(toks[start - n : start]) == words:
                # "High School" is one type; the "Park" of "Huntington Park High" is a name.
                if heads is not None and hs[0] != heads[0]:
                    return (start, heads)
                start, heads = start - n, hs
                break
        else:
            break
    return (start, heads) if heads is not None and start > 0 else None


def aliases(name: str) -> list[str]:
    """Reduced ways to name a place: its name, "<type> <rest>" the way residents put it
    ("Salt Lake Park" → "parque salt lake"; "Huntington Park High School" → "escuela
    huntington park"), and its tail from a distinctive word on ("Edward E. Roybal Federal
    Building" → "roybal federal building")."""
    key = reduced_name(name)
    out = [key]
    toks = key.split()
    found = _type_at_end(toks)
    if found is None:
        return out
    at, heads = found
    rest = toks[:at]
    if all(t in GENERIC_WORDS or t.isdigit() for t in rest):
        return out
    core = " ".join(rest)
    for head in heads:
        head = " ".join(reduce_tokens(head.split())[0])
        out.append(f"{head} {core}")
    for i in range(1, at):
        tail = toks[i:]
        if toks[i] not in GENERIC_WORDS and len(toks[i]) > 2 and len(tail) >= 3:
            out.append(" ".join(tail))
    return list(dict.fromkeys(a for a in out if a))


def _distinctive(key: str) -> bool:
    toks = key.split()
    content = [t for t in toks if t not in GENERIC_WORDS and len(t) > 2 and not t.isdigit()]
    return len(toks) >= 2 and bool(content) and len(key) >= MIN_NAME_CHARS


def split_pois(
    pois: list[tuple[str, str, str, float, float, frozenset[str]]], ids: dict[str, int]
) -> tuple[list[list[Any]], list[list[Any]]]:
    """``(landmark rows, chain rows)`` from OSM places ``(name, class, subclass, lat, lon,
    nearby street keys)``.

    Landmark row: ``[name, [aliases], lat, lon, kind]``; chain row: ``[name, key,
    [[lat, lon, [street ids near it]], ...]]``.
    """
    by_key: dict[str, list[tuple[str, str, float, float, frozenset[str]]]] = defaultdict(list)
    for name, cls, _sub, lat, lon, near in pois:
        if cls in SKIP_CLASSES:
            continue
        key = reduced_name(name)
        if key:
            by_key[key].append((name, cls, lat, lon, near))
    landmarks: list[list[Any]] = []
    chains: list[list[Any]] = []
    for key in sorted(by_key):
        items = by_key[key]
        groups = cluster_points([(i[2], i[3]) for i in items], SAME_PLACE_M)
        name = min(i[0] for i in items)
        kind = next((CLASS_KIND[i[1]] for i in items if i[1] in CLASS_KIND), "place")
        if len(groups) >= CHAIN_MIN and kind in CHAIN_KINDS:
            stores: list[list[Any]] = []
            for lat, lon, _n in groups:
                streets_near: set[str] = set()
                for i in items:
                    if abs(i[2] - lat) < 0.003 and abs(i[3] - lon) < 0.003:
                        streets_near |= i[4]
                stores.append(
                    [round(lat, 5), round(lon, 5), sorted(ids[k] for k in streets_near if k in ids)]
                )
            chains.append([name, key, kind, sorted(stores)])
        elif _distinctive(key) or len(aliases(name)) > 1:
            for lat, lon, _n in groups:
                landmarks.append([name, aliases(name), round(lat, 5), round(lon, 5), kind])
    return landmarks, chains


def transit_rows(tlandmarks: dict[tuple[str, str], list[tuple[float, float]]]) -> list[list[Any]]:
    """Landmark rows from transit stops named after a place ("Compton High School")."""
    rows: list[list[Any]] = []
    for (key, name), pts in sorted(tlandmarks.items()):
        for lat, lon, _n in transit.cluster(pts):
            rows.append([name, [reduced_name(key)], lat, lon, "stop"])
    return rows


def community_points(
    local: list[list[Any]], stops: list[Path]
) -> dict[str, list[tuple[float, float]]]:
    """Points of the LA communities GeoNames lacks, when their sources are present."""
    zip_pt = {z[0]: (z[2], z[3]) for z in local}
    out: dict[str, list[tuple[float, float]]] = {}
    for name, codes in COMMUNITY_ZIPS.items():
        if all(c in zip_pt for c in codes):
            out[name] = [zip_pt[c] for c in codes]
    by_name = {p.name: p for p in stops}
    for name, feed in COMMUNITY_FEEDS.items():
        if feed in by_name:
            out[name] = [(s[1], s[2]) for s in transit.read_stops(by_name[feed])]
    return out


PLACE_RADIUS_M = {
    "city": 6_000,
    "town": 4_000,
    "village": 2_500,
    "suburb": 2_000,
    "neighbourhood": 1_200,
    "neighborhood": 1_200,
    "quarter": 1_200,
}
"""How far a named area of OpenStreetMap (a point only) reaches, by its class."""


def town_points(places: list[tuple[str, str, float, float]]) -> dict[str, tuple[float, float]]:
    """Name → OSM point of each city, town or village (the first of a name, by class rank)."""
    out: dict[str, tuple[float, float]] = {}
    for cls in ("city", "town", "village"):
        for name, c, lat, lon in sorted(places):
            if c == cls:
                out.setdefault(name, (lat, lon))
    return out


def add_osm_places(
    cities: list[list[Any]],
    places: list[tuple[str, str, float, float]],
    street_keys: frozenset[str] = frozenset(),
) -> list[list[Any]]:
    """Cities plus OSM's named neighbourhoods and towns not already there ("Cypress Park"),
    each with the radius its class suggests.

    A one-word neighbourhood that is also a street ("Florence") is left out: residents mean
    the avenue far more often, and alone it must stay no place.
    """
    have = {a for row in cities for a in row[1]}
    extra: dict[str, list[tuple[float, float]]] = defaultdict(list)
    radius: dict[str, int] = {}
    for name, cls, lat, lon in places:
        if cls in OSM_PLACE_CLASSES:
            extra[name].append((lat, lon))
            radius[name] = max(radius.get(name, 0), PLACE_RADIUS_M.get(cls, 1_200))
    rows = list(cities)
    for name in sorted(extra):
        folded = " ".join(_tokens(name))
        names = [folded]
        if " " not in folded and folded in street_keys:
            # "Avalon" is the boulevard; the town on Catalina goes by its island's name.
            names = CITY_ALIASES.get(name, [])
        if not folded or folded in have or not names:
            continue
        for lat, lon, _n in cluster_points(extra[name], 2000):
            rows.append([name, names, round(lat, 5), round(lon, 5), radius[name]])
    return sorted(rows)
