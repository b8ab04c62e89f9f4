"""The shipped offline gazetteer, loaded once and indexed for fast lookups.

Built by ``scripts/build_gazetteer.py``; see ``data/ATTRIBUTION.md`` for sources.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from core.geo import vocab
from core.geo.distance import haversine_m
from core.geo.names import NameIndex
from core.geo.spelling import Speller
from core.geo.text import reduced_name, street_key_variants

DATA_FILE = Path(__file__).with_name("data") / "gazetteer.json.gz"
_GRID_DEG = 0.05  # ~5 km cells for the nearest-ZIP search
_NOT_STREETS = vocab.COMMON_WORDS | vocab.FILLERS | vocab.CONNECTORS | vocab.STATION_TRIGGERS


@dataclass(frozen=True)
class Point:
    """A named point of the gazetteer: a corner cluster, station, landmark or city."""

    name: str
    lat: float
    lon: float
    weight: int = 1
    primary: bool = True  # for stations: matched by the full name, not one part of it


@dataclass
class Gazetteer:
    """Lookup structures over the derived data. Build with ``load_gazetteer()``."""

    streets: dict[str, str]  # key → display name ("florence" → "Florence")
    street_names: NameIndex[str]  # any spelling ("mlk") → street key
    corners: dict[tuple[str, str], list[Point]]  # sorted key pair → clusters
    stations: NameIndex[Point]  # reduced alias → station
    landmarks: NameIndex[Point]  # reduced name → landmark
    cities: NameIndex[Point]  # folded alias → city centre
    zips: dict[str, tuple[float, float]]  # every ZIP in the region → centroid
    residential_zips: frozenset[str]  # ZIPs a text may name (not PO boxes)
    zip_grid: dict[tuple[int, int], list[str]]
    speller: Speller
    street_words: frozenset[str]  # every word of a street name

    def nearest_zip(self, lat: float, lon: float) -> str | None:
        """Residential ZIP whose centroid is nearest; None when none within ~15 km."""
        cy, cx = int(lat // _GRID_DEG), int(lon // _GRID_DEG)
        best, best_d = None, float("inf")
        for dy in range(-3, 4):
            for dx in range(-3, 4):
                for z in self.zip_grid.get((cy + dy, cx + dx), ()):
                    d = haversine_m(lat, lon, *self.zips[z])
                    if d < best_d:
                        best, best_d = z, d
        return best


def _usable_street(key: str) -> bool:
    # Stop names hold debris ("Front", "Para", "D"): a one-word name that is an everyday word
    # or a single letter would turn ordinary texts into streets.
    if " " in key or key.isdigit():
        return True
    return len(key) > 2 and key not in _NOT_STREETS and key not in vocab.DIRECTIONS


def _street_index(keys: dict[str, str]) -> NameIndex[str]:
    items = [(v, k) for k in keys if _usable_street(k) for v in sorted(street_key_variants(k))]
    return NameIndex(items)


def _corners(rows: list) -> dict[tuple[str, str], list[Point]]:
    corners: dict[tuple[str, str], list[Point]] = defaultdict(list)
    for a, b, lat, lon, n in rows:
        corners[(a, b)].append(Point(f"{a} / {b}", lat, lon, n))
    return dict(corners)


def _stations(rows: list) -> NameIndex[Point]:
    items = []
    for name, aliases, lat, lon in rows:
        for i, alias in enumerate(aliases):
            items.append((reduced_name(alias), Point(name, lat, lon, primary=i == 0)))
    return NameIndex(items)


def _grid(zips: dict[str, tuple[float, float]], keep: frozenset[str]) -> dict:
    grid: dict[tuple[int, int], list[str]] = defaultdict(list)
    for z in sorted(keep):
        lat, lon = zips[z]
        grid[(int(lat // _GRID_DEG), int(lon // _GRID_DEG))].append(z)
    return dict(grid)


def from_dict(data: dict) -> Gazetteer:
    """Index a gazetteer dict (the format written by ``scripts/build_gazetteer.py``)."""
    zips = {z: (lat, lon) for z, _place, lat, lon, _po in data["zips"]}
    residential = frozenset(z for z, _p, _la, _lo, po in data["zips"] if not po)
    streets = _street_index(data["streets"])
    stations = _stations(data["stations"])
    landmarks = NameIndex(
        (reduced_name(key), Point(name, lat, lon)) for name, key, lat, lon in data["landmarks"]
    )
    cities = NameIndex(
        (alias, Point(name, lat, lon))
        for name, aliases, lat, lon in data["cities"]
        for alias in aliases
    )
    words = streets.words() | stations.words() | landmarks.words() | cities.words()
    return Gazetteer(
        streets=data["streets"],
        street_names=streets,
        corners=_corners(data["corners"]),
        stations=stations,
        landmarks=landmarks,
        cities=cities,
        zips=zips,
        residential_zips=residential,
        zip_grid=_grid(zips, residential),
        speller=Speller(words),
        street_words=frozenset(streets.words()),
    )


@functools.lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The shipped gazetteer, read and indexed once per process (a few hundred ms)."""
    with gzip.open(DATA_FILE, "rt", encoding="utf-8") as fh:
        return from_dict(json.load(fh))


def nearest_zip(lat: float, lon: float) -> str | None:
    """Nearest residential ZIP centroid in the region to a point (degrees), or None."""
    return load_gazetteer().nearest_zip(lat, lon)


def zip_centroid(zip5: str) -> tuple[float, float] | None:
    """``(lat, lon)`` of a ZIP in the region, or None for an unknown ZIP."""
    return load_gazetteer().zips.get(str(zip5).strip()[:5])
