"""Build Avisa's offline gazetteer from raw public data, for any region.

Sources (any subset): OpenStreetMap vector tiles (``.pmtiles``, OpenMapTiles schema) or an
OpenStreetMap extract (``.osm.pbf``, through ``osmium``), GTFS ``stops.txt`` files, and the
GeoNames US postal-code file. ``avisa gazetteer build`` is the command; ``build()`` returns
the JSON-ready dict and ``write()`` stores it byte-identically for the same input.

Build-only dependencies are the ``gazetteer`` extra (``pip install -e '.[gazetteer]'``); the
runtime reads only the built file (``core.geo.gazetteer``).
"""

from __future__ import annotations

import gzip
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.geo.builder import landmarks as lm
from core.geo.builder import postal, transit
from core.geo.builder.cluster import cluster_points
from core.geo.text import street_key

if TYPE_CHECKING:  # osm itself is imported only when a build reads OSM data, as before
    from core.geo.builder.osm import Bbox, OsmData

FORMAT_VERSION = 3
OSM_CLUSTER_M = 200
"""Crossing points of one name pair this close are one corner (dual carriageways, halves)."""
TRANSIT_OVERLAP_M = 300
"""An OSM crossing this close to a transit corner of the same pair is that corner."""


@dataclass
class Sources:
    """Where the raw data is; every part optional."""

    osm: list[Path] = field(default_factory=list)  # .pmtiles or .osm.pbf
    stops: list[Path] = field(default_factory=list)  # GTFS stops.txt
    postal: Path | None = None  # GeoNames US postal codes (tab-separated)
    bbox: tuple[float, float, float, float] | None = None  # south, west, north, east

    @classmethod
    def shared(cls, geodata: Path) -> Sources:
        """The shipped default: everything under ``../shared/geodata``."""
        osm = sorted((geodata / "osm").glob("*.pmtiles")) if (geodata / "osm").is_dir() else []
        gn = geodata / "geonames_us_postal_codes.txt"
        return cls(osm, transit.stop_files(geodata), gn if gn.is_file() else None)


def _read_osm(path: Path, bbox: Bbox | None) -> OsmData:
    if path.name.endswith(".pmtiles"):
        from core.geo.builder.osm import read_pmtiles

        return read_pmtiles(str(path), street_key, bbox)
    from core.geo.builder.pbf import read_pbf

    return read_pbf(str(path), street_key, bbox)


def build(src: Sources) -> dict[str, Any]:
    """The whole derived gazetteer as a JSON-ready dict (format version 2)."""
    corners, stations, tlandmarks, display = transit.collect_stops(src.stops)
    osm = [_read_osm(p, src.bbox) for p in src.osm]
    streets = _street_names(display, osm)
    ids = {k: i for i, k in enumerate(streets)}
    extent = _extent(osm, corners, src.bbox)
    rows = [_corner_rows(corners, osm, ids)]
    pois = [p for d in osm for p in d.pois]
    named, chains = lm.split_pois(pois, ids)
    landmark_rows = lm.transit_rows(tlandmarks) + named
    local: list[list[Any]] = []
    far: list[list[Any]] = []
    gn_rows: list[tuple[str, str, str, float, float]] = []
    if src.postal:
        gn_rows = postal.read_geonames(src.postal)
        local, far = postal.split_zips(gn_rows, extent)
    places = [p for d in osm for p in d.places]
    communities = lm.community_points(local, src.stops)
    towns = lm.town_points(places)
    cities = postal.local_cities(local, communities, lm.CITY_ALIASES, towns)
    cities = lm.add_osm_places(cities, places, frozenset(streets))
    states = postal.state_names(src.postal) if src.postal else {}
    # An alias that is a city's name ("huntington park" for a church there) names the city.
    city_names = {a for row in cities for a in row[1]}
    landmark_rows = [
        [name, kept, lat, lon, kind]
        for name, names, lat, lon, kind in landmark_rows
        for kept in [[a for a in names if a not in city_names]]
        if kept
    ]
    major = sorted(
        {k for k in display}
        | {k for d in osm for (k, _n), cls in d.street_classes.items() if cls & MAJOR}
    )
    return {
        "version": FORMAT_VERSION,
        "extent": list(extent),
        "streets": [[k, streets[k]] for k in streets],
        "major": [ids[k] for k in major if k in ids],
        "corners": rows[0],
        "stations": transit.station_rows(stations),
        "landmarks": landmark_rows,
        "chains": chains,
        "houses": _houses(osm, ids),
        "zips": local,
        "far_zips": [[z, place, state, lat, lon] for z, place, state, lat, lon in far],
        "cities": cities,
        "far_cities": postal.far_cities(far, states),
    }


MAJOR = frozenset("motorway trunk primary secondary tertiary".split())


def _street_names(display: dict[str, Counter[str]], osm: list[OsmData]) -> dict[str, str]:
    """Street key → the name residents see ("florence" → "Florence"), sorted by key.

    Transit stop spellings win where they exist (they are what the existing corners show);
    otherwise the commonest OSM spelling, without direction and type.
    """
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for d in osm:
        for (key, name), _cls in d.street_classes.items():
            out[key][transit.display_name(name)] += 1
    names = {k: c.most_common(1)[0][0] for k, c in out.items()}
    names.update({k: c.most_common(1)[0][0] for k, c in display.items()})
    return dict(sorted(names.items()))


def _extent(osm: list[OsmData], corners: transit.Corners, bbox: Bbox | None) -> Bbox:
    if bbox:
        return bbox
    if osm:
        return (
            min(d.bounds[0] for d in osm),
            min(d.bounds[1] for d in osm),
            max(d.bounds[2] for d in osm),
            max(d.bounds[3] for d in osm),
        )
    pts = [p for ps in corners.values() for p in ps] or [(0.0, 0.0)]
    return (
        min(p[0] for p in pts),
        min(p[1] for p in pts),
        max(p[0] for p in pts),
        max(p[1] for p in pts),
    )


def _corner_rows(
    corners: transit.Corners, osm: list[OsmData], ids: dict[str, int]
) -> dict[str, str]:
    """Street id of a → ``"b,lat,lon,weight;..."`` for each corner (a, b), a < b by key.

    Transit clusters keep their weight (stops); OSM crossings add the corners no stop is
    named after. One string per street: the runtime parses a street's corners only when a
    text names it, so loading stays fast.
    """
    by_pair: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    for pair, pts in sorted(corners.items()):
        by_pair[pair] = [(lat, lon, n) for lat, lon, n in transit.cluster(pts)]
    crossing_pts: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for d in osm:
        for a, b, lat, lon in d.crossings:
            crossing_pts[(a, b) if a < b else (b, a)].append((lat, lon))
    from core.geo.distance import haversine_m

    for pair, pts in crossing_pts.items():
        known = by_pair.setdefault(pair, [])
        have = list(known)
        for lat, lon, _n in cluster_points(pts, OSM_CLUSTER_M):
            if all(haversine_m(lat, lon, k[0], k[1]) > TRANSIT_OVERLAP_M for k in have):
                known.append((lat, lon, 0))  # weight 0: no stop is named after it
    rows: dict[int, list[str]] = defaultdict(list)
    for (a, b), clusters in sorted(by_pair.items()):
        if a in ids and b in ids:
            for lat, lon, n in sorted(clusters):
                rows[ids[a]].append(f"{ids[b]},{lat:.5f},{lon:.5f},{n}")
    return {str(a): ";".join(rows[a]) for a in sorted(rows)}


def _houses(osm: list[OsmData], ids: dict[str, int]) -> dict[str, str]:
    """Street id → ``"number,lat,lon;..."`` sorted by number (parsed only when needed)."""
    per: dict[int, set[tuple[int, float, float]]] = defaultdict(set)
    for d in osm:
        for key, number, lat, lon in d.houses:
            digits = ""
            for ch in number:
                if not ch.isdigit():
                    break
                digits += ch
            if digits and key in ids and len(digits) <= 6:
                per[ids[key]].add((int(digits), round(lat, 5), round(lon, 5)))
    return {
        str(k): ";".join(f"{n},{lat:.5f},{lon:.5f}" for n, lat, lon in sorted(per[k]))
        for k in sorted(per)
    }


def write(data: dict[str, Any], out: Path) -> int:
    """Write gzip'd compact JSON, byte-identical for the same data; returns bytes written."""
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") as gz:
        gz.write(raw)
    return out.stat().st_size


def summary(data: dict[str, Any]) -> str:
    """One line of counts, for the build command's output."""
    corners = sum(v.count(";") + 1 for v in data["corners"].values())
    parts = ["streets", "stations", "landmarks", "chains", "zips", "far_zips", "cities"]
    counts = ", ".join(f"{len(data[p])} {p}" for p in parts)
    houses = sum(v.count(";") + 1 for v in data["houses"].values())
    return f"{counts}, {corners} corners, {houses} house numbers"
