"""OpenStreetMap vector tiles (PMTiles v3, OpenMapTiles schema) → streets, crossings, places.

Build-time only (``pip install -e '.[gazetteer]'``): reads every tile of the highest zoom with
``pmtiles``, parses it with the protobuf classes of ``mapbox-vector-tile`` (fast, C-backed)
and decodes only the layers used here, because decoding the building layer too would take
minutes. Crossings come from the geometry itself (shapely), so a minor street with no bus
stop still makes a corner.
"""

from __future__ import annotations

import gzip
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.geo.vocab import FREEWAY_PREFIX

ROAD_CLASSES = frozenset(
    "motorway trunk primary secondary tertiary minor service track busway raceway".split()
)
MAJOR_CLASSES = frozenset("motorway trunk primary secondary tertiary".split())
HOUSE_TO_STREET_M = 80.0
"""A house-number point belongs to the nearest named street this close (its own street)."""
POI_STREET_M = 250.0
"""Streets this close to a store qualify it: "el Home Depot de Slauson"."""
# The tiles' protobuf messages (layers, features) and shapely's geometries and trees carry no
# types (mapbox_vector_tile, shapely): they are Any here.
StreetKey = Callable[[str], str]  # core.geo.text.street_key
Bbox = tuple[float, float, float, float]  # south, west, north, east


@dataclass
class OsmData:
    """What the gazetteer needs from the tiles, in degrees."""

    crossings: list[tuple[str, str, float, float]] = field(default_factory=list)
    # (street key, name as OSM spells it) → road classes ("primary", "minor", ...)
    street_classes: dict[tuple[str, str], set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )
    pois: list[tuple[str, str, str, float, float, frozenset[str]]] = field(default_factory=list)
    places: list[tuple[str, str, float, float]] = field(default_factory=list)
    houses: list[tuple[str, str, float, float]] = field(default_factory=list)
    bounds: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


def _zigzag(n: int) -> int:
    return (n >> 1) ^ -(n & 1)


def decode_geometry(geom: Sequence[int]) -> list[list[tuple[int, int]]]:
    """MVT command stream → parts (lines, rings or single points) in tile pixels, y down."""
    parts: list[list[tuple[int, int]]] = []
    x = y = i = 0
    cur: list[tuple[int, int]] = []
    n = len(geom)
    while i < n:
        cmd, count = geom[i] & 7, geom[i] >> 3
        i += 1
        if cmd == 7:  # ClosePath
            if cur:
                cur.append(cur[0])
            continue
        for _ in range(count):
            x += _zigzag(geom[i])
            y += _zigzag(geom[i + 1])
            i += 2
            if cmd == 1:  # MoveTo
                if cur:
                    parts.append(cur)
                cur = [(x, y)]
            else:
                cur.append((x, y))
    if cur:
        parts.append(cur)
    return parts


def _values(layer: Any) -> list[Any]:
    """The layer's value table as Python values (each a one-field protobuf message)."""
    out: list[Any] = []
    for v in layer.values:
        fields = v.ListFields()
        out.append(fields[0][1] if fields else None)
    return out


def _props(layer: Any, values: list[Any], feature: Any) -> dict[str, Any]:
    tags = feature.tags
    return {layer.keys[tags[k]]: values[tags[k + 1]] for k in range(0, len(tags) - 1, 2)}


class TileProjection:
    """Tile pixels ↔ degrees for one tile (Web Mercator)."""

    def __init__(self, z: int, x: int, y: int, extent: int) -> None:
        self.n: int = 2**z  # a zoom is never negative: an int
        self.x, self.y, self.extent = x, y, extent

    def lonlat(self, px: float, py: float) -> tuple[float, float]:
        lon = (self.x + px / self.extent) / self.n * 360.0 - 180.0
        t = math.pi * (1 - 2 * (self.y + py / self.extent) / self.n)
        return lon, math.degrees(math.atan(math.sinh(t)))

    def metres_per_px(self) -> float:
        _lon, lat = self.lonlat(self.extent / 2, self.extent / 2)
        return 40_075_016.7 * math.cos(math.radians(lat)) / self.n / self.extent


def iter_tiles(
    path: str, bbox: Bbox | None = None, zooms: range | None = None
) -> Iterator[tuple[int, int, int, dict[str, Any]]]:
    """``(z, x, y, layers)`` for each tile of the archive's highest zoom (or of ``zooms``)
    inside ``bbox`` (south, west, north, east) when given, in a fixed order."""
    from mapbox_vector_tile.Mapbox import vector_tile_pb2
    from pmtiles.reader import MmapSource, Reader, all_tiles

    with open(path, "rb") as fh:
        reader = Reader(MmapSource(fh))
        zmax = reader.header()["max_zoom"]
        wanted = zooms if zooms is not None else range(zmax, zmax + 1)
        keys = sorted(
            (z, x, y) for (z, x, y), _ in all_tiles(reader.get_bytes) if z in wanted
        )  # all_tiles yields data too; only the addresses are kept here
        for z, x, y in keys:
            proj = TileProjection(z, x, y, 4096)
            if bbox is not None:
                w, n = proj.lonlat(0, 0)
                e, s = proj.lonlat(4096, 4096)
                if e < bbox[1] or w > bbox[3] or n < bbox[0] or s > bbox[2]:
                    continue
            raw = reader.get(z, x, y)
            if raw[:2] == b"\x1f\x8b":
                raw = gzip.decompress(raw)
            tile = vector_tile_pb2.tile()
            tile.ParseFromString(raw)
            yield z, x, y, {layer.name: layer for layer in tile.layers}


def read_pmtiles(path: str, street_key: StreetKey, bbox: Bbox | None = None) -> OsmData:
    """Every crossing of two named streets, named places, place names and house numbers."""
    import numpy as np
    import shapely

    out = OsmData()
    s, w, n, e = 90.0, 180.0, -90.0, -180.0
    for z, x, y, layers in iter_tiles(path, bbox):
        extent = layers["transportation_name"].extent if "transportation_name" in layers else 4096
        proj = TileProjection(z, x, y, extent)
        (w0, n0), (e0, s0) = proj.lonlat(0, 0), proj.lonlat(extent, extent)
        s, w, n, e = min(s, s0), min(w, w0), max(n, n0), max(e, e0)
        px_m = proj.metres_per_px()
        names, geoms = _street_lines(layers.get("transportation_name"), street_key, out)
        tree = shapely.STRtree(geoms) if geoms else None
        if tree is not None:
            _crossings(names, geoms, tree, proj, out)
        _pois(layers.get("poi"), names, tree, proj, px_m, out)
        _places(layers.get("place"), proj, out)
        _houses(layers.get("housenumber"), names, tree, proj, px_m, out, np, shapely)
    out.bounds = (round(s, 5), round(w, 5), round(n, 5), round(e, 5))
    # OpenMapTiles keeps a city's own point ("Palmdale", "Lancaster") only in the lower zooms
    # of its area; these zooms are still exact to a few metres.
    have = {(name, cls) for name, cls, _la, _lo in out.places}
    for z, x, y, layers in iter_tiles(path, bbox, range(PLACE_MIN_ZOOM, PLACE_MAX_ZOOM + 1)):
        proj = TileProjection(z, x, y, layers["place"].extent if "place" in layers else 4096)
        found = OsmData()
        _places(layers.get("place"), proj, found)
        for name, cls, lat, lon in found.places:
            if cls in TOWN_CLASSES and (name, cls) not in have and _inside(lat, lon, bbox):
                out.places.append((name, cls, lat, lon))
                have.add((name, cls))
    return out


PLACE_MIN_ZOOM, PLACE_MAX_ZOOM = 10, 12
TOWN_CLASSES = frozenset("city town village".split())


def _inside(lat: float, lon: float, bbox: Bbox | None) -> bool:
    return bbox is None or (bbox[0] <= lat <= bbox[2] and bbox[1] <= lon <= bbox[3])


def _street_lines(layer: Any, street_key: StreetKey, out: OsmData) -> tuple[list[str], list[Any]]:
    """One (multi)line per street key in the tile, with its display name per key."""
    import shapely

    if layer is None:
        return [], []
    parts: dict[str, list[list[tuple[int, int]]]] = defaultdict(list)
    values = _values(layer)
    for f in layer.features:
        p = _props(layer, values, f)
        name, cls = p.get("name:latin"), p.get("class")
        if not name or cls not in ROAD_CLASSES:
            continue
        key = street_key(name)
        if not key:
            continue
        if cls == "motorway" and not key.endswith(" freeway"):
            # "Century Freeway" is not Century Blvd: the two cross the same streets.
            key += " freeway"
        out.street_classes[(key, name)].add(cls)
        lines = [line for line in decode_geometry(f.geometry) if len(line) >= 2]
        parts[key].extend(lines)
        if cls in ("motorway", "trunk"):
            # "the 5", "la 710": a freeway by its number is a street of its own.
            for fkey, display in freeway_keys(str(p.get("ref") or "")):
                out.street_classes[(fkey, display)].add(cls)
                parts[fkey].extend(lines)
    names = sorted(parts)
    geoms = [shapely.MultiLineString(parts[k]) for k in names]
    return names, geoms


_REF = re.compile(r"^(I|US|CA|SR)[ -]?(\d{1,3})$")


def freeway_keys(ref: str) -> list[tuple[str, str]]:
    """``[(key, display)]`` of a motorway's route numbers: "I 5;CA 60" → fwy5 "I-5", fwy60 "CA-60".

    The key is one token (``core.geo.vocab.FREEWAY_PREFIX`` + number) so that the parser can
    offer it as a reading of the number alone where a freeway is meant.
    """
    out = []
    for part in ref.split(";"):
        m = _REF.match(part.strip().upper())
        if m:
            out.append((f"{FREEWAY_PREFIX}{int(m.group(2))}", f"{m.group(1)}-{int(m.group(2))}"))
    return out


def _crossings(
    names: list[str], geoms: list[Any], tree: Any, proj: TileProjection, out: OsmData
) -> None:
    import shapely

    left, right = tree.query(geoms, predicate="intersects")
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j:
            continue
        inter = shapely.intersection(geoms[i], geoms[j])
        pts = shapely.get_coordinates(inter)
        if inter.geom_type not in ("Point", "MultiPoint"):
            # Overlapping pieces (a street that takes the other's name for a block): its
            # ends are where the two meet.
            pts = shapely.get_coordinates(shapely.boundary(inter)) if not inter.is_empty else pts
        for px, py in pts.tolist():
            if 0 <= px <= proj.extent and 0 <= py <= proj.extent:
                lon, lat = proj.lonlat(px, py)
                out.crossings.append((names[i], names[j], lat, lon))


def _nearby(tree: Any, names: list[str], point: Any, radius_px: float) -> frozenset[str]:
    if tree is None:
        return frozenset()
    return frozenset(names[k] for k in tree.query(point, predicate="dwithin", distance=radius_px))


def _pois(
    layer: Any, names: list[str], tree: Any, proj: TileProjection, px_m: float, out: OsmData
) -> None:
    import shapely

    if layer is None:
        return
    values = _values(layer)
    for f in layer.features:
        p = _props(layer, values, f)
        name = p.get("name:latin")
        parts = decode_geometry(f.geometry)
        if not name or not parts or not parts[0]:
            continue
        px, py = parts[0][0]
        if not (0 <= px < proj.extent and 0 <= py < proj.extent):
            continue  # the neighbouring tile has it
        lon, lat = proj.lonlat(px, py)
        near = _nearby(tree, names, shapely.Point(px, py), POI_STREET_M / px_m)
        cls = str(p.get("class") or "")
        sub = str(p.get("subclass") or cls)
        out.pois.append((str(name).strip(), cls, sub, lat, lon, near))


def _places(layer: Any, proj: TileProjection, out: OsmData) -> None:
    if layer is None:
        return
    values = _values(layer)
    for f in layer.features:
        p = _props(layer, values, f)
        name = p.get("name:latin")
        parts = decode_geometry(f.geometry)
        if name and parts and parts[0]:
            px, py = parts[0][0]
            if 0 <= px < proj.extent and 0 <= py < proj.extent:
                lon, lat = proj.lonlat(px, py)
                out.places.append((str(name).strip(), str(p.get("class") or ""), lat, lon))


def _houses(
    layer: Any,
    names: list[str],
    tree: Any,
    proj: TileProjection,
    px_m: float,
    out: OsmData,
    np: Any,
    shapely: Any,
) -> None:
    if layer is None or tree is None:
        return
    pts: list[Any] = []  # shapely points
    numbers: list[str] = []
    values = _values(layer)
    for f in layer.features:
        number = _props(layer, values, f).get("housenumber")
        parts = decode_geometry(f.geometry)
        if number and parts and parts[0]:
            px, py = parts[0][0]
            if 0 <= px < proj.extent and 0 <= py < proj.extent:
                pts.append(shapely.Point(px, py))
                numbers.append(str(number).strip())
    if not pts:
        return
    idx = tree.query_nearest(pts, max_distance=HOUSE_TO_STREET_M / px_m, all_matches=False)
    for p_i, g_i in zip(idx[0].tolist(), idx[1].tolist(), strict=True):
        lon, lat = proj.lonlat(pts[p_i].x, pts[p_i].y)
        out.houses.append((names[g_i], numbers[p_i], lat, lon))
