"""GeoNames US postal codes → ZIP centroids and city points, local and nationwide."""

from __future__ import annotations

import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

from core.geo.distance import haversine_m
from core.geo.text import BREAK, tokenize

CITY_MAX_SPREAD_M = 10_000
"""A local "city" whose ZIPs spread wider is too big to be a useful point."""
SHARED_POINT = 2
LOCAL_MARGIN_DEG = 0.1
"""ZIPs this close outside the street data's extent still count as local (~10 km)."""


def read_geonames(path: Path) -> list[tuple[str, str, str, float, float]]:
    """``(zip, place, state_code, lat, lon)`` of each row with coordinates, file order."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) >= 11 and f[9] and f[10]:
                rows.append((f[1], f[2], f[4], float(f[9]), float(f[10])))
    return rows


def zip_types() -> dict[str, str]:
    """ZIP → USPS type (STANDARD, PO BOX, UNIQUE, MILITARY) from the optional ``zipcodes``
    package (MIT); without it, only PO boxes that share coordinates are recognised."""
    try:
        import zipcodes  # build-time only: pip install -e '.[gazetteer]'
    except ImportError:
        print("note: `zipcodes` not installed; PO-box ZIPs detected by shared coordinates only")
        return {}
    return {z["zip_code"]: z["zip_code_type"] for z in zipcodes.list_all()}


def split_zips(
    rows: list[tuple[str, str, str, float, float]], extent: tuple[float, float, float, float]
) -> tuple[list[list[Any]], list[list[Any]]]:
    """``(local, far)``: ``[zip, place, lat, lon, po]`` inside the extent (with a margin),
    and ``[zip, place, state, lat, lon]`` for every other ZIP of the country with a point of
    its own.

    ``po`` is 0 for a delivery ZIP, 1 for a PO-box or unique ZIP with a point of its own (a
    resident may name it — Avalon's only ZIP is PO boxes — but it never wins "nearest ZIP"),
    2 for one GeoNames gives another ZIP's point or a county-wide one (never read: its point
    says nothing of where the text is).
    """
    s, w, n, e = extent
    m = LOCAL_MARGIN_DEG
    by_point: dict[tuple[float, float], list[str]] = defaultdict(list)
    for z, _p, _st, lat, lon in rows:
        by_point[(lat, lon)].append(z)
    types = zip_types()
    local: list[list[Any]] = []
    far: list[list[Any]] = []
    for z, place, state, lat, lon in rows:
        same = sorted(by_point[(lat, lon)])
        shared = len(same) > 2 or (len(same) == 2 and z != same[0])
        po = SHARED_POINT if shared else int(types.get(z, "STANDARD") != "STANDARD")
        if s - m <= lat <= n + m and w - m <= lon <= e + m:
            local.append([z, place, lat, lon, po])
        elif po != SHARED_POINT:
            far.append([z, place, state, lat, lon])
    return sorted(local), sorted(far)


def folded(name: str) -> str:
    """A name as the parser reads it: folded words, no punctuation."""
    return " ".join(t for t in tokenize(name) if t != BREAK)


def local_cities(
    local: list[list[Any]],
    extra: dict[str, list[tuple[float, float]]],
    aliases: dict[str, list[str]],
    towns: dict[str, tuple[float, float]] | None = None,
) -> list[list[Any]]:
    """``[name, [folded aliases], lat, lon, radius_m]`` for places of the local ZIPs and
    ``extra`` communities (name → points).

    The point is the town's own point in OpenStreetMap (``towns``) when it has one: the
    median of ZIP centroids can fall in the hills ("Palmdale"'s southern ZIP is mostly
    mountains). The radius reaches every ZIP centroid of the place plus half a ZIP, so
    "inside Pasadena" can be told from the point alone.
    """
    by_place: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for _z, place, lat, lon, po in local:
        if not po:
            by_place[place].append((lat, lon))
    by_place.update(extra)
    towns = towns or {}
    rows = []
    for name, pts in sorted(by_place.items()):
        lat = round(statistics.median(p[0] for p in pts), 5)
        lon = round(statistics.median(p[1] for p in pts), 5)
        spread = max(haversine_m(lat, lon, *p) for p in pts)
        own = towns.get(name)
        if own is not None and haversine_m(lat, lon, *own) <= TOWN_TO_ZIPS_M:
            lat, lon = round(own[0], 5), round(own[1], 5)
            spread = max(haversine_m(lat, lon, *p) for p in pts)
        elif name == "Los Angeles" or spread > CITY_MAX_SPREAD_M:
            continue
        radius = max(CITY_MIN_RADIUS_M, spread + ZIP_HALF_M)
        rows.append([name, [folded(name)] + aliases.get(name, []), lat, lon, round(radius)])
    return rows


TOWN_TO_ZIPS_M = 25_000
"""An OSM town point this close to the median of its ZIPs is the same place."""
CITY_MIN_RADIUS_M = 2_500
ZIP_HALF_M = 2_000
"""A ZIP centroid's area reaches about this far around it, in the county's cities."""


def far_cities(far: list[list[Any]], states: dict[str, str]) -> list[list[Any]]:
    """``[name, state, [aliases], lat, lon]`` for every other place of the country; its
    aliases carry the state ("chicago il", "chicago illinois"), since a bare name elsewhere
    ("Florence", "Pacific") is far likelier a street of ours."""
    by_place: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for _z, place, state, lat, lon in far:
        by_place[(place, state)].append((lat, lon))
    rows = []
    for (name, state), pts in sorted(by_place.items()):
        base = folded(name)
        names = [f"{base} {state.lower()}"]
        if state in states:
            names.append(f"{base} {folded(states[state])}")
        lat = round(statistics.median(p[0] for p in pts), 4)
        lon = round(statistics.median(p[1] for p in pts), 4)
        rows.append([name, state, names, lat, lon])
    return rows


def state_names(path: Path) -> dict[str, str]:
    """State code → state name, from the GeoNames file itself."""
    out: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            f = line.split("\t")
            if len(f) > 4 and f[3] and f[4]:
                out.setdefault(f[4], f[3])
    return out
