"""The offline gazetteer, loaded once per file and indexed for fast lookups.

Built by ``avisa gazetteer build`` (``core.geo.builder``); the shipped one covers the whole of
Los Angeles County (see ``data/ATTRIBUTION.md`` for sources). ``load_gazetteer(path)`` reads any
built file; ``AVISA_GAZETTEER`` names one for the workers.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from core.geo import vocab
from core.geo.distance import haversine_m
from core.geo.names import NameIndex
from core.geo.spelling import Speller
from core.geo.text import reduced_name, street_key_variants

DATA_FILE = Path(__file__).with_name("data") / "gazetteer.json.gz"
FORMAT_VERSION = 3
READABLE_VERSIONS = (2, 3)
CITY_RADIUS_M = 3_000.0
"""A city's reach when the file does not say (format 2)."""
_GRID_DEG = 0.05  # ~5 km cells for the nearest-ZIP search
_NOT_STREETS = vocab.COMMON_WORDS | vocab.FILLERS | vocab.CONNECTORS | vocab.STATION_TRIGGERS


class Point(NamedTuple):
    """A named point of the gazetteer: a corner cluster, station, landmark, store or city.

    A tuple, not a dataclass: there are a hundred thousand of them and they are made fast.
    """

    name: str
    lat: float
    lon: float
    weight: int = 1
    primary: bool = True  # for stations: matched by the full name, not one part of it
    kind: str = ""  # for landmarks: school, park, church, store, ...
    radius: float = 0.0  # for cities and neighbourhoods: how far the area reaches, metres


@dataclass(frozen=True, slots=True)
class Chain:
    """A name many places hold ("The Home Depot"): which one needs a street or place.

    ``stores`` are ``[lat, lon, [ids of the streets near it]]`` (see ``Gazetteer.street_id``).
    """

    name: str
    kind: str
    stores: tuple[list[Any], ...]  # as the JSON holds them


@dataclass
class Gazetteer:
    """Lookup structures over the derived data. Build with ``load_gazetteer()``."""

    streets: dict[str, str]  # key → display name ("florence" → "Florence")
    street_names: NameIndex[str]  # any spelling ("mlk") → street key
    corners: CornerTable  # sorted key pair → clusters (``.get(pair)``)
    stations: NameIndex[Point]  # reduced alias → station
    landmarks: NameIndex[Point]  # reduced name or alias → landmark
    chains: NameIndex[Chain]  # reduced chain name → its stores
    cities: NameIndex[Point]  # folded alias → city or neighbourhood centre
    far_city_rows: list[list[Any]]  # [name, state, [aliases], lat, lon]: indexed on first use
    zips: dict[str, tuple[float, float]]  # every ZIP of the covered area → centroid
    residential_zips: frozenset[str]  # delivery ZIPs (not PO boxes): "nearest ZIP" picks one
    readable_zips: frozenset[str]  # ZIPs a text may name: delivery ones and PO boxes with a
    # point of their own (Avalon's)
    zip_places: dict[str, str]  # ZIP → its place name in GeoNames ("91101" → "Pasadena")
    far_zips: dict[str, tuple[float, float, str]]  # the rest of the country → (lat, lon, place)
    houses: HouseTable  # street key → [(number, lat, lon)] sorted by number
    zip_grid: dict[tuple[int, int], list[str]]
    speller: Speller
    known_words: frozenset[str]  # every word of every name (read as itself, uncorrected)
    street_words: frozenset[str]  # every word of a street name
    extent: tuple[float, float, float, float]  # south, west, north, east of the street data
    street_id: dict[str, int]  # street key → its id in chain stores

    @functools.cached_property
    def zip_place_names(self) -> frozenset[str]:
        """Every place name GeoNames files a ZIP under ("Pasadena", "Lancaster")."""
        return frozenset(self.zip_places.values())

    @functools.cached_property
    def far_cities(self) -> NameIndex[Point]:
        """ "chicago il" → a place elsewhere in the country (indexed when a text names a state)."""
        return NameIndex(
            (alias, Point(f"{name}, {state}", lat, lon))
            for name, state, aliases, lat, lon in self.far_city_rows
            for alias in aliases
        )

    def nearest_zip(self, lat: float, lon: float) -> str | None:
        """Residential ZIP whose centroid is nearest (else a PO-box ZIP with a point of its
        own: Catalina has only those); None when none within ~15 km."""
        return self._nearest_in(self.zip_grid, lat, lon) or self._nearest_in(
            self.po_zip_grid, lat, lon
        )

    @functools.cached_property
    def po_zip_grid(self) -> dict[tuple[int, int], list[str]]:
        """The grid of readable ZIPs that are not residential (indexed on first use)."""
        return _grid(self.zips, self.readable_zips - self.residential_zips)

    def _nearest_in(
        self, grid: dict[tuple[int, int], list[str]], lat: float, lon: float
    ) -> str | None:
        cy, cx = int(lat // _GRID_DEG), int(lon // _GRID_DEG)
        best, best_d = None, float("inf")
        for dy in range(-3, 4):
            for dx in range(-3, 4):
                for z in grid.get((cy + dy, cx + dx), ()):
                    d = haversine_m(lat, lon, *self.zips[z])
                    if d < best_d:
                        best, best_d = z, d
        return best

    def covers(self, lat: float, lon: float, margin_deg: float = 0.1) -> bool:
        """True when the point lies in (or just beyond) the area the street data covers."""
        s, w, n, e = self.extent
        return s - margin_deg <= lat <= n + margin_deg and w - margin_deg <= lon <= e + margin_deg


def _usable_street(key: str) -> bool:
    # Names hold debris ("Front", "Para", "D"): a one-word name that is an everyday word
    # or a single letter would turn ordinary texts into streets.
    if " " in key or key.isdigit():
        return True
    return len(key) > 2 and key not in _NOT_STREETS and key not in vocab.DIRECTIONS


def _street_index(keys: Iterable[str]) -> NameIndex[str]:
    items = [(v, k) for k in keys if _usable_street(k) for v in sorted(street_key_variants(k))]
    return NameIndex(items)


class CornerTable:
    """Corners by sorted street-key pair, parsed per street the first time a text names it
    (loading 100,000 corners up front would cost a second at every start)."""

    def __init__(self, rows: dict[str, str], keys: list[str]) -> None:
        self._rows = {keys[int(a)]: enc for a, enc in rows.items()}
        self._keys = keys
        self._parsed: dict[str, dict[str, list[Point]]] = {}

    def __len__(self) -> int:
        return sum(enc.count(";") + 1 for enc in self._rows.values())

    def of(self, key: str) -> dict[str, list[Point]]:
        """Every corner of one street: other street key → clusters."""
        got = self._parsed.get(key)
        if got is None:
            got = defaultdict(list)
            for item in filter(None, self._rows.get(key, "").split(";")):
                b, lat, lon, n = item.split(",")
                kb = self._keys[int(b)]
                got[kb].append(Point(f"{key} / {kb}", float(lat), float(lon), int(n)))
            got = self._parsed.setdefault(key, dict(got))
        return got

    def get(self, pair: tuple[str, str], default: list[Point] | None = None) -> list[Point] | None:
        """Clusters of the corner of ``pair`` (sorted keys), or ``default``."""
        return self.of(pair[0]).get(pair[1], default)

    def __getitem__(self, pair: tuple[str, str]) -> list[Point]:
        got = self.get(pair)
        if got is None:
            raise KeyError(pair)
        return got


class HouseTable:
    """House-number points by street key, parsed per street when an address names it."""

    def __init__(self, rows: dict[str, str], keys: list[str]) -> None:
        self._rows = {keys[int(k)]: enc for k, enc in rows.items()}
        self._parsed: dict[str, list[tuple[int, float, float]]] = {}

    def __contains__(self, key: str) -> bool:
        return key in self._rows

    def get(self, key: str) -> list[tuple[int, float, float]]:
        """``[(number, lat, lon)]`` sorted by number; empty when the data has none."""
        got = self._parsed.get(key)
        if got is None:
            got = []
            for item in filter(None, self._rows.get(key, "").split(";")):
                n, lat, lon = item.split(",")
                got.append((int(n), float(lat), float(lon)))
            self._parsed[key] = got
        return got


def _stations(rows: list[list[Any]]) -> NameIndex[Point]:
    items = []
    for name, aliases, lat, lon in rows:
        for i, alias in enumerate(aliases):
            items.append((reduced_name(alias), Point(name, lat, lon, primary=i == 0)))
    return NameIndex(items)


def _chains(rows: list[list[Any]]) -> NameIndex[Chain]:
    items = []
    for name, key, kind, stores in rows:
        if not any(len(t) >= 3 and t.isalpha() for t in key.split()) or key in _NOT_STREETS:
            continue  # "76", "& t": no resident names a store by that alone
        items.append((key, Chain(name, kind, tuple(stores))))
    return NameIndex(items)


def _grid(
    zips: dict[str, tuple[float, float]], keep: frozenset[str]
) -> dict[tuple[int, int], list[str]]:
    grid: dict[tuple[int, int], list[str]] = defaultdict(list)
    for z in sorted(keep):
        lat, lon = zips[z]
        grid[(int(lat // _GRID_DEG), int(lon // _GRID_DEG))].append(z)
    return dict(grid)


# A word of one street only, a letter or two from a word many streets share, is a typo in the
# map ("Pasific Park" beside the Pacifics): kept as a name, it would stop "Pasific" from being
# corrected to Pacific.
TYPO_RARE_USES = 1
TYPO_COMMON_USES = 5


def _typos_in_the_data(major: set[str], words: set[str]) -> set[str]:
    uses = Counter(
        w
        for k in major
        if _usable_street(k)
        for w in {w for v in street_key_variants(k) for w in v.split()}
    )
    speller = Speller(words)
    return {
        w
        for w in words
        if uses[w] == TYPO_RARE_USES
        and len(w) >= 5
        and any(uses[n] >= TYPO_COMMON_USES for n in speller.neighbours(w))
    }


def from_dict(data: dict[str, Any]) -> Gazetteer:
    """Index a gazetteer dict (format version 2, written by ``core.geo.builder.write``)."""
    version = data.get("version")
    if version not in READABLE_VERSIONS:
        raise ValueError(f"gazetteer format {version!r}; rebuild it (avisa gazetteer build)")
    keys = [k for k, _d in data["streets"]]
    zips = {z: (lat, lon) for z, _place, lat, lon, _po in data["zips"]}
    residential = frozenset(z for z, _p, _la, _lo, po in data["zips"] if not po)
    # Format 2 flagged every PO box alike; format 3 tells those with a point of their own.
    readable = frozenset(
        z for z, _p, _la, _lo, po in data["zips"] if not po or (version >= 3 and po == 1)
    )
    streets = _street_index(keys)
    stations = _stations(data["stations"])
    landmarks = NameIndex(
        (alias, point)
        for name, aliases, lat, lon, kind in data["landmarks"]
        for point in [Point(name, lat, lon, 1, True, kind)]
        for alias in aliases
    )
    chains = _chains(data["chains"])
    cities = NameIndex(
        (alias, Point(row[0], row[2], row[3], radius=row[4] if len(row) > 4 else CITY_RADIUS_M))
        for row in data["cities"]
        for alias in row[1]
    )
    major = {keys[i] for i in data["major"]}
    major_words = {
        w for k in major if _usable_street(k) for v in street_key_variants(k) for w in v.split()
    }
    # Only arterials and the names people type most are corrected: correcting towards every
    # one of 20,000 minor streets would turn typos (and words) into the wrong street.
    spell = major_words | stations.words() | cities.words() | chains.words()
    spell -= _typos_in_the_data(major, spell)
    known = streets.words() | spell | landmarks.words()
    return Gazetteer(
        streets=dict(data["streets"]),
        street_names=streets,
        corners=CornerTable(data["corners"], keys),
        stations=stations,
        landmarks=landmarks,
        chains=chains,
        cities=cities,
        far_city_rows=data["far_cities"],
        street_id={k: i for i, k in enumerate(keys)},
        zips=zips,
        residential_zips=residential,
        readable_zips=readable,
        zip_places={z: place for z, place, _la, _lo, _po in data["zips"]},
        far_zips={
            z: (lat, lon, f"{place}, {state}") for z, place, state, lat, lon in data["far_zips"]
        },
        houses=HouseTable(data["houses"], keys),
        zip_grid=_grid(zips, residential),
        speller=Speller(spell),
        known_words=frozenset(known),
        street_words=frozenset(streets.words()),
        extent=tuple(data["extent"]),
    )


@functools.lru_cache(maxsize=4)
def load_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """A built gazetteer (default: the shipped one), read and indexed once per process and
    path (about a second). Raises ``OSError``/``ValueError`` for a missing or bad file."""
    with gzip.open(path or DATA_FILE, "rt", encoding="utf-8") as fh:
        return from_dict(json.load(fh))


def nearest_zip(lat: float, lon: float) -> str | None:
    """Nearest residential ZIP centroid in the covered area to a point (degrees), or None."""
    return load_gazetteer().nearest_zip(lat, lon)


def zip_centroid(zip5: str) -> tuple[float, float] | None:
    """``(lat, lon)`` of a ZIP in the covered area, or None for an unknown ZIP."""
    return load_gazetteer().zips.get(str(zip5).strip()[:5])
