"""GTFS ``stops.txt`` → corners, stations and landmarks named by transit stops.

Stop names are corners in mixed conventions ("Pacific / Florence", "Bissel St. & Gage Ave",
"Florence Station - Florence & Graham Entrance"); stops of one corner are clustered (300 m
single linkage) and each cluster becomes its median point.
"""

from __future__ import annotations

import csv
import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from core.geo import vocab
from core.geo.distance import haversine_m
from core.geo.text import BREAK, reduce_tokens, street_key, tokenize

CLUSTER_M = 300
Points = list[tuple[float, float]]
Corners = dict[tuple[str, str], Points]
"""Street-key pair, sorted → the stops named after that corner."""

_STATION = re.compile(r"\bstation\b.*$", re.IGNORECASE)
_PARENS = re.compile(r"\([^)]*\)")
_DASH_TAIL = re.compile(r"\s+-\s*.*$|-\s+.*$")
_SPLIT = re.compile(r"\s*/\s*|\s*&\s*|\s+and\s+|\s+@\s+|\s+at\s+|,\s*between\s+", re.IGNORECASE)
_ENTRANCE = re.compile(
    r" - (.+?&.+?)\s+(?:\w+\s+)?(?:Main\s+)?(?:Entrance|Elevator)", re.IGNORECASE
)
_TRAILING_DIR = re.compile(r"\s+(EB|WB|NB|SB|N|S|E|W)$")
GENERIC = frozenset(
    """center ctr school high middle elementary park station transit plaza entrance layover
    senior community city hall county civic the main north south east west library hospital
    medical shopping mall depot terminal stop bus metro metrolink line blue green gold red lot
    parking market club college stadium airport bay loading zone division portal level upper
    lower discharge only express at of and de la el y st ave blvd dr rd""".split()
)


def read_stops(path: Path) -> list[tuple[str, float, float, str]]:
    """(name, lat, lon, location_type) of each row of a GTFS stops.txt."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return [
            (
                r["stop_name"].strip(),
                float(r["stop_lat"]),
                float(r["stop_lon"]),
                (r.get("location_type") or "0").strip(),
            )
            for r in csv.DictReader(fh)
            if r.get("stop_lat", "").strip() and r.get("stop_lon", "").strip()
        ]


def station_name(name: str) -> str | None:
    """ "Slauson / Harbor Transitway Station" → "Slauson / Harbor Transitway"; else None."""
    clean = _PARENS.sub(" ", name)
    if not re.search(r"\bstation\b", clean, re.IGNORECASE):
        return None
    base = _DASH_TAIL.sub("", _STATION.sub("", clean)).strip(" -/")
    return base or None


def corner_keys(name: str) -> tuple[str, str] | None:
    """Two street keys of a corner-like stop name, or None when it is not a corner."""
    clean = _DASH_TAIL.sub("", _PARENS.sub(" ", name)).strip()
    parts = [_TRAILING_DIR.sub("", p.strip()) for p in _SPLIT.split(clean) if p.strip()]
    if len(parts) < 2:
        return None
    keys = [street_key(p) for p in parts[:2]]
    if not all(_plausible_street(k) for k in keys) or keys[0] == keys[1]:
        return None
    return keys[0], keys[1]


def _add_corner(
    corners: Corners, display: dict[str, Counter[str]], name: str, point: tuple[float, float]
) -> bool:
    """Record a stop under its corner, if its name is one; True when it was."""
    keys = corner_keys(name)
    if not keys:
        return False
    corners[(min(keys), max(keys))].append(point)  # the pair, sorted
    for part, key in zip(
        _SPLIT.split(_DASH_TAIL.sub("", _PARENS.sub(" ", name))), keys, strict=False
    ):
        display[key][display_name(part)] += 1
    return True


def display_name(part: str) -> str:
    """ "S Central Ave." → "Central": the name as residents say it, case kept."""
    words = _TRAILING_DIR.sub("", part.strip()).split()
    folded = [w.lower().strip(".") for w in words]
    while len(words) > 1 and (folded[-1] in vocab.STREET_TYPES or folded[-1] in vocab.DIRECTIONS):
        words, folded = words[:-1], folded[:-1]
    while len(words) > 1 and folded[0] in vocab.DIRECTIONS:
        words, folded = words[1:], folded[1:]
    return " ".join(words)


def _plausible_street(key: str) -> bool:
    toks = key.split()
    if not toks or len(toks) > 5:
        return False
    # "9130 Rosecrans" is an address, not a street name.
    return not (toks[0].isdigit() and len(toks) > 1) and (
        any(c.isalpha() for c in key) or len(key) <= 3
    )


def cluster(points: list[tuple[float, float]]) -> list[tuple[float, float, int]]:
    """Single-linkage clusters at CLUSTER_M; each → (median lat, median lon, size)."""
    groups: list[list[tuple[float, float]]] = []
    for p in points:
        near = [g for g in groups if any(haversine_m(*p, *q) <= CLUSTER_M for q in g)]
        merged = [p] + [q for g in near for q in g]
        groups = [g for g in groups if all(g is not n for n in near)] + [merged]
    return [
        (
            round(statistics.median(q[0] for q in g), 6),
            round(statistics.median(q[1] for q in g), 6),
            len(g),
        )
        for g in groups
    ]


def landmark_key(name: str) -> str | None:
    """Folded key of a named stop worth matching ("Compton High School"), else None."""
    if "/" in name:
        return None  # half a corner ("Church / 405 Fwy Off-Ramp"), not a named place
    toks = [t for t in tokenize(_PARENS.sub(" ", name)) if t != BREAK]
    content = reduce_tokens(toks)[0]
    if len(content) < 2 or toks[0].isdigit() or len(toks) > 6:
        return None  # one word ("Ralphs", "Commerce Dr") is a chain or a street, not a place
    distinctive = [t for t in content if t not in GENERIC and len(t) > 2 and not t.isdigit()]
    return " ".join(toks) if distinctive else None


def stop_files(geo: Path) -> list[Path]:
    """The GTFS stops files of a geodata folder: LA Metro's and the municipal feeds."""
    files = [geo / "lametro_bus_stops.txt", geo / "lametro_rail_stops.txt"]
    files += sorted((geo / "municipal_gtfs_stops").glob("*_stops.txt"))
    return [f for f in files if f.is_file()]


def collect_stops(
    files: list[Path],
) -> tuple[Corners, dict[str, Points], dict[tuple[str, str], Points], dict[str, Counter[str]]]:
    """Sort every stop into corners, stations and landmarks, with display names of streets."""
    corners: Corners = defaultdict(list)
    stations: dict[str, Points] = defaultdict(list)
    landmarks: dict[tuple[str, str], Points] = defaultdict(list)
    display: dict[str, Counter[str]] = defaultdict(Counter)
    for path in files:
        for name, lat, lon, loc_type in read_stops(path):
            if loc_type not in ("0", "1", ""):
                # Entrances repeat their station, but their names give its corners:
                # "Florence Station - Florence & Graham Entrance".
                if m := _ENTRANCE.search(name):
                    _add_corner(corners, display, m.group(1), (lat, lon))
                continue
            st = station_name(name)
            if st:
                stations[st].append((lat, lon))
                _add_corner(corners, display, st, (lat, lon))  # "Aviation / Imperial"
            elif not _add_corner(corners, display, name, (lat, lon)) and (lk := landmark_key(name)):
                landmarks[(lk, name.strip())].append((lat, lon))
    return corners, stations, landmarks, display


def station_rows(stations: dict[str, Points]) -> list[list[Any]]:
    """[display name, [folded aliases], lat, lon] per station cluster."""
    rows: list[list[Any]] = []
    for name, pts in sorted(stations.items()):
        full = " ".join(t for t in tokenize(name) if t not in (BREAK, "/"))
        parts = [" ".join(t for t in tokenize(p) if t != BREAK) for p in re.split(r"\s*/\s*", name)]
        aliases = [full] + [p for p in parts if p and p != full]
        for lat, lon, _n in cluster(pts):
            rows.append([name, aliases, lat, lon])
    return rows
