"""Rebuild Avisa's offline gazetteer (core/geo/data/gazetteer.json.gz) from raw public data.

Usage: python scripts/build_gazetteer.py [GEODATA_DIR]   (default: ../shared/geodata from the
repository root). Sources and licences: core/geo/data/ATTRIBUTION.md.

What it derives:
- corners: every transit stop named like a corner ("Pacific / Florence", "Bissel St. & Gage
  Ave"), keyed by the two folded street names; stops of one corner are clustered (300 m single
  linkage) and each cluster becomes its median point, so one corner → one point, or a few
  far-apart points that the geocoder disambiguates by region and city;
- stations: rail stations and busway stations, clustered the same way by name;
- landmarks: other named stops with a distinctive name ("Compton High School", "Ford Park");
- zips: California ZIP centroids within ~60 km of Southeast LA;
- cities: GeoNames place names (mean of their ZIP centroids) and unincorporated communities.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from core.geo import vocab  # noqa: E402
from core.geo.distance import haversine_m  # noqa: E402
from core.geo.region import DEFAULT_CENTRE  # noqa: E402
from core.geo.text import BREAK, reduce_tokens, street_key, tokenize  # noqa: E402

OUT = REPO / "core" / "geo" / "data" / "gazetteer.json.gz"
ZIP_RADIUS_M = 60_000
CLUSTER_M = 300
CITY_MAX_SPREAD_M = 10_000  # a "city" whose ZIPs spread wider is too big to be a useful point

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
CITY_ALIASES = {
    "Huntington Park": ["hp", "huntington pk", "huntington prk", "huntington"],
    "South Gate": ["southgate", "sg"],
    "Florence-Firestone": ["florence firestone", "florencia firestone"],
    "East Los Angeles": ["east la", "ela", "east los", "este de los angeles", "este los angeles"],
    "Commerce": ["city of commerce"],
    "Bell Gardens": ["bellgardens"],
}

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


def _add_corner(corners: dict, display: dict, name: str, point: tuple[float, float]) -> bool:
    """Record a stop under its corner, if its name is one; True when it was."""
    keys = corner_keys(name)
    if not keys:
        return False
    corners[tuple(sorted(keys))].append(point)
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


def collect_stops(geo: Path) -> tuple[dict, dict, dict, Counter]:
    """Sort every stop into corners, stations and landmarks, with display names of streets."""
    corners, stations, landmarks = defaultdict(list), defaultdict(list), defaultdict(list)
    display: dict[str, Counter] = defaultdict(Counter)
    files = [geo / "lametro_bus_stops.txt", geo / "lametro_rail_stops.txt"]
    files += sorted((geo / "municipal_gtfs_stops").glob("*_stops.txt"))
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


def station_rows(stations: dict) -> list:
    """[display name, [folded aliases], lat, lon] per station cluster."""
    rows = []
    for name, pts in sorted(stations.items()):
        full = " ".join(t for t in tokenize(name) if t not in (BREAK, "/"))
        parts = [" ".join(t for t in tokenize(p) if t != BREAK) for p in re.split(r"\s*/\s*", name)]
        aliases = [full] + [p for p in parts if p and p != full]
        for lat, lon, _n in cluster(pts):
            rows.append([name, aliases, lat, lon])
    return rows


def read_zips(geo: Path) -> list:
    """[zip, place, lat, lon, is_po] for California ZIPs within ZIP_RADIUS_M of the centre.

    GeoNames gives PO-box ZIPs the coordinates of another ZIP (or a county-wide point); those
    must not win "nearest ZIP" nor be read from texts, so they are flagged.
    """
    rows = []
    with (geo / "geonames_us_postal_codes.txt").open(encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) < 11 or f[4] != "CA" or not f[9]:
                continue
            lat, lon = float(f[9]), float(f[10])
            if haversine_m(*DEFAULT_CENTRE, lat, lon) <= ZIP_RADIUS_M:
                rows.append([f[1], f[2], lat, lon])
    by_point = defaultdict(list)
    for r in rows:
        by_point[(r[2], r[3])].append(r[0])
    types = _zip_types()
    for r in rows:
        same = sorted(by_point[(r[2], r[3])])
        shared = len(same) > 2 or (len(same) == 2 and r[0] != same[0])
        r.append(int(shared or types.get(r[0], "STANDARD") != "STANDARD"))
    return sorted(rows)


def _zip_types() -> dict[str, str]:
    """ZIP → USPS type (STANDARD, PO BOX, UNIQUE, MILITARY) from the optional ``zipcodes``
    package (MIT); without it, only PO boxes that share coordinates are recognised."""
    try:
        import zipcodes  # build-time only: pip install zipcodes
    except ImportError:
        print("note: `zipcodes` not installed; PO-box ZIPs detected by shared coordinates only")
        return {}
    return {z["zip_code"]: z["zip_code_type"] for z in zipcodes.filter_by(state="CA")}


def city_rows(zips: list, geo: Path) -> list:
    """[name, [folded aliases], lat, lon] for places and communities residents name."""
    by_place = defaultdict(list)
    for _z, place, lat, lon, po in zips:
        if not po:
            by_place[place].append((lat, lon))
    zip_pt = {z[0]: (z[2], z[3]) for z in zips}
    for name, codes in COMMUNITY_ZIPS.items():
        by_place[name] = [zip_pt[c] for c in codes]
    for name, feed in COMMUNITY_FEEDS.items():
        by_place[name] = [(s[1], s[2]) for s in read_stops(geo / "municipal_gtfs_stops" / feed)]
    rows = []
    for name, pts in sorted(by_place.items()):
        lat = round(statistics.median(p[0] for p in pts), 5)
        lon = round(statistics.median(p[1] for p in pts), 5)
        if name == "Los Angeles" or max(haversine_m(lat, lon, *p) for p in pts) > CITY_MAX_SPREAD_M:
            continue
        folded = " ".join(t for t in tokenize(name) if t != BREAK)
        rows.append([name, [folded] + CITY_ALIASES.get(name, []), lat, lon])
    return rows


def build(geo: Path) -> dict:
    """The whole derived gazetteer as a JSON-ready dict."""
    corners, stations, landmarks, display = collect_stops(geo)
    corner_rows = [
        [a, b, lat, lon, n]
        for (a, b), pts in sorted(corners.items())
        for lat, lon, n in cluster(pts)
    ]
    landmark_rows = [
        [name, key, lat, lon]
        for (key, name), pts in sorted(landmarks.items())
        for lat, lon, _n in cluster(pts)
    ]
    zips = read_zips(geo)
    return {
        "version": 1,
        "streets": {k: c.most_common(1)[0][0] for k, c in sorted(display.items())},
        "corners": corner_rows,
        "stations": station_rows(stations),
        "landmarks": landmark_rows,
        "zips": zips,
        "cities": city_rows(zips, geo),
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("geodata", nargs="?", default=str(REPO.parent / "shared" / "geodata"))
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)
    data = build(Path(args.geodata))
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    with gzip.GzipFile(args.out, "wb", mtime=0) as fh:  # mtime=0: byte-identical rebuilds
        fh.write(raw)
    print(
        f"{args.out}: {len(data['corners'])} corners, {len(data['stations'])} stations, "
        f"{len(data['landmarks'])} landmarks, {len(data['zips'])} zips, {len(data['cities'])} cities, "
        f"{Path(args.out).stat().st_size // 1024} KiB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
