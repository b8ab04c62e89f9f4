"""An OpenStreetMap extract (``.osm.pbf``, or ``.osm`` XML) → the same ``OsmData`` as tiles.

Through ``osmium`` (build extra). Here the topology is exact: a crossing is a node shared by
ways of two different names; a house number carries its own ``addr:street``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from core.geo.builder.osm import MAJOR_CLASSES, Bbox, OsmData, StreetKey

ROADS = {
    "motorway": "motorway",
    "trunk": "trunk",
    "primary": "primary",
    "secondary": "secondary",
    "tertiary": "tertiary",
    "unclassified": "minor",
    "residential": "minor",
    "living_street": "minor",
    "service": "service",
}
POI_KEYS = ("amenity", "shop", "leisure", "tourism", "healthcare", "office", "railway")
POI_CLASS = {"supermarket": "grocery", "marketplace": "grocery", "convenience": "grocery"}
PLACES = frozenset("city town village suburb neighbourhood quarter".split())
CELL = 0.0025  # degrees (~250 m): streets in a store's cell or the next are near it


def read_pbf(path: str, street_key: StreetKey, bbox: Bbox | None = None) -> OsmData:
    """Crossings, places, place names and house numbers of an OSM extract."""
    import osmium

    out = OsmData()
    node_keys: dict[int, set[str]] = defaultdict(set)
    node_pos: dict[int, tuple[float, float]] = {}
    cells: dict[tuple[int, int], set[str]] = defaultdict(set)
    pending: list[tuple[str, str, str, float, float]] = []

    def inside(lat: float, lon: float) -> bool:
        return bbox is None or (bbox[0] <= lat <= bbox[2] and bbox[1] <= lon <= bbox[3])

    # osmium's objects (tag lists, nodes, ways) are Any: the build extra may be absent.
    def poi(tags: Any, lat: float, lon: float) -> None:
        name = tags.get("name")
        kind = next((tags.get(k) for k in POI_KEYS if tags.get(k)), None)
        if name and kind and inside(lat, lon):
            pending.append((name, POI_CLASS.get(kind, kind), kind, lat, lon))

    class Handler(osmium.SimpleHandler):
        def node(self, n: Any) -> None:
            if not n.location.valid():
                return
            lat, lon = n.location.lat, n.location.lon
            tags = n.tags
            if tags.get("place") in PLACES and tags.get("name") and inside(lat, lon):
                out.places.append((tags["name"], tags["place"], lat, lon))
            if tags.get("addr:housenumber") and tags.get("addr:street") and inside(lat, lon):
                out.houses.append(
                    (street_key(tags["addr:street"]), tags["addr:housenumber"], lat, lon)
                )
            poi(tags, lat, lon)

        def way(self, w: Any) -> None:
            tags = w.tags
            locs = [(nd.ref, nd.location) for nd in w.nodes if nd.location.valid()]
            if not locs:
                return
            if tags.get("highway") in ROADS and tags.get("name"):
                cls = ROADS[tags["highway"]]
                key = street_key(tags["name"])
                if cls == "motorway" and not key.endswith(" freeway"):
                    key += " freeway"
                out.street_classes[(key, tags["name"])].add(cls)
                for ref, loc in locs:
                    node_keys[ref].add(key)
                    node_pos[ref] = (loc.lat, loc.lon)
                    cells[(math.floor(loc.lat / CELL), math.floor(loc.lon / CELL))].add(key)
                return
            lat = sum(loc.lat for _r, loc in locs) / len(locs)
            lon = sum(loc.lon for _r, loc in locs) / len(locs)
            if tags.get("addr:housenumber") and tags.get("addr:street") and inside(lat, lon):
                out.houses.append(
                    (street_key(tags["addr:street"]), tags["addr:housenumber"], lat, lon)
                )
            poi(tags, lat, lon)

    Handler().apply_file(path, locations=True)
    for ref in sorted(node_keys):
        keys = sorted(node_keys[ref])
        lat, lon = node_pos[ref]
        if len(keys) >= 2 and inside(lat, lon):
            for i, a in enumerate(keys):
                for b in keys[i + 1 :]:
                    out.crossings.append((a, b, lat, lon))
    for name, cls, sub, lat, lon in pending:
        cy, cx = math.floor(lat / CELL), math.floor(lon / CELL)
        near = frozenset(
            k for dy in (-1, 0, 1) for dx in (-1, 0, 1) for k in cells.get((cy + dy, cx + dx), ())
        )
        out.pois.append((name, cls, sub, lat, lon, near))
    pts = list(node_pos.values()) or [(0.0, 0.0)]
    out.bounds = bbox or (
        round(min(p[0] for p in pts), 5),
        round(min(p[1] for p in pts), 5),
        round(max(p[0] for p in pts), 5),
        round(max(p[1] for p in pts), 5),
    )
    return out


__all__ = ["MAJOR_CLASSES", "read_pbf"]
